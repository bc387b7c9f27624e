"""Create the role groups.

Editors (Redaktion) get the rights of Wagtail's built-in "Moderators" group: admin access,
editing and publishing pages, managing images and documents.
"""

from django.db import migrations

ROLE_NAMES = ("Mitglieder", "Trainer", "Moderation", "Redaktion")
EDITOR_ROLE = "Redaktion"
WAGTAIL_TEMPLATE_GROUP = "Moderators"


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    GroupPagePermission = apps.get_model("wagtailcore.GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")

    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)
    editors = Group.objects.get(name=EDITOR_ROLE)
    template = Group.objects.filter(name=WAGTAIL_TEMPLATE_GROUP).first()
    if template is None:
        return
    editors.permissions.add(*template.permissions.all())
    for grant in GroupPagePermission.objects.filter(group=template):
        GroupPagePermission.objects.get_or_create(
            group=editors, page_id=grant.page_id, permission_id=grant.permission_id
        )
    for grant in GroupCollectionPermission.objects.filter(group=template):
        GroupCollectionPermission.objects.get_or_create(
            group=editors, collection_id=grant.collection_id, permission_id=grant.permission_id
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=ROLE_NAMES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
        ("wagtailimages", "0023_add_choose_permissions"),
        ("wagtaildocs", "0011_add_choose_permissions"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
