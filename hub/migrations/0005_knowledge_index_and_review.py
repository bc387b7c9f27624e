"""The knowledge area under the home page, the editors' review workflow for it and a closed
collection for the attachments of submissions that are not published yet."""

from django.db import migrations

INDEX_TITLE = "Wissen"
INDEX_SLUG = "wissen"
INDEX_INTRO = (
    "Praxisbeispiele und Wissensartikel aus Bund, Ländern und Kommunen: was funktioniert hat, "
    "was nicht, und wen Sie dazu fragen können."
)
EDITOR_ROLE = "Redaktion"
WORKFLOW_NAME = "Redaktionelle Prüfung"
TASK_NAME = "Prüfung durch die Redaktion"
SUBMISSIONS_COLLECTION = "Einreichungen (unveröffentlicht)"


def _child_path(parent, steplen=4):
    return parent.path + f"{parent.numchild + 1:0{steplen}d}"


def create_knowledge_area(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    HomePage = apps.get_model("hub.HomePage")
    KnowledgeIndexPage = apps.get_model("hub.KnowledgeIndexPage")
    Group = apps.get_model("auth.Group")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    Collection = apps.get_model("wagtailcore.Collection")
    CollectionViewRestriction = apps.get_model("wagtailcore.CollectionViewRestriction")

    home = HomePage.objects.order_by("pk").first()
    if home is None or KnowledgeIndexPage.objects.exists():
        return
    # A child path after every existing one, whatever the tree already holds.
    last_child = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1).order_by(
        "-path"
    ).first()
    position = int(last_child.path[-4:]) + 1 if last_child else 1
    content_type, _created = ContentType.objects.get_or_create(
        app_label="hub", model="knowledgeindexpage"
    )
    index = KnowledgeIndexPage.objects.create(
        title=INDEX_TITLE,
        draft_title=INDEX_TITLE,
        slug=INDEX_SLUG,
        content_type=content_type,
        path=f"{home.path}{position:04d}",
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}{INDEX_SLUG}/",
        locale_id=home.locale_id,
        intro=INDEX_INTRO,
        live=True,
    )
    Page.objects.filter(pk=home.pk).update(numchild=home.numchild + 1)

    editors, _created = Group.objects.get_or_create(name=EDITOR_ROLE)
    task_type, _created = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.create(name=TASK_NAME, content_type=task_type, active=True)
    task.groups.set([editors])
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page_id=index.pk)

    root = Collection.objects.get(depth=1)
    collection = Collection.objects.create(
        name=SUBMISSIONS_COLLECTION,
        path=_child_path(root),
        depth=2,
        numchild=0,
    )
    Collection.objects.filter(pk=root.pk).update(numchild=root.numchild + 1)
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type="groups"
    )
    restriction.groups.set([editors])


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0004_knowledge_pages"),
        ("members", "0002_roles"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [migrations.RunPython(create_knowledge_area, migrations.RunPython.noop)]
