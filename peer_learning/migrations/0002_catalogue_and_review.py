"""Create the catalogue page under the home page and the editors' review workflow for it.

Courses written by trainers in the site are submitted to this workflow; editors (Redaktion)
approve and thereby publish them in the Wagtail admin.
"""

from django.db import migrations

CATALOGUE_TITLE = "Lernen"
CATALOGUE_SLUG = "lernen"
CATALOGUE_INTRO = (
    "Kolleginnen und Kollegen aus anderen Verwaltungen teilen in kurzen Impulsen, was bei "
    "ihnen funktioniert hat: online, vor Ort oder hybrid, kostenfrei und mit "
    "Teilnahmebescheinigung."
)
EDITOR_ROLE = "Redaktion"
WORKFLOW_NAME = "Prüfung von Impulsen"
TASK_NAME = "Freigabe durch die Redaktion"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _next_child_path(Page, parent):
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    number = int(last[-STEPLEN:], 36) + 1 if last else 1
    digits = ""
    while number:
        number, remainder = divmod(number, 36)
        digits = ALPHABET[remainder] + digits
    return parent.path + digits.rjust(STEPLEN, "0")


def create_catalogue(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Group = apps.get_model("auth.Group")
    Page = apps.get_model("wagtailcore.Page")
    Workflow = apps.get_model("wagtailcore.Workflow")
    WorkflowTask = apps.get_model("wagtailcore.WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore.WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore.GroupApprovalTask")
    HomePage = apps.get_model("hub.HomePage")
    CatalogueIndexPage = apps.get_model("peer_learning.CatalogueIndexPage")

    home = HomePage.objects.first()
    if home is None or CatalogueIndexPage.objects.exists():
        return
    content_type, _created = ContentType.objects.get_or_create(
        app_label="peer_learning", model="catalogueindexpage"
    )
    catalogue = CatalogueIndexPage.objects.create(
        title=CATALOGUE_TITLE,
        draft_title=CATALOGUE_TITLE,
        slug=CATALOGUE_SLUG,
        content_type=content_type,
        path=_next_child_path(Page, home),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}{CATALOGUE_SLUG}/",
        locale_id=home.locale_id,
        live=True,
        intro=CATALOGUE_INTRO,
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
    WorkflowPage.objects.create(workflow=workflow, page_id=catalogue.pk)


def remove_catalogue(apps, schema_editor):
    apps.get_model("wagtailcore.Workflow").objects.filter(name=WORKFLOW_NAME).delete()
    apps.get_model("wagtailcore.Task").objects.filter(name=TASK_NAME).delete()
    apps.get_model("peer_learning.CatalogueIndexPage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("peer_learning", "0001_initial"),
        ("hub", "0002_home_page"),
        ("members", "0002_roles"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(create_catalogue, remove_catalogue)]
