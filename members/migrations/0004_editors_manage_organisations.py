"""Editors (Redaktion) maintain the list of organisations in the Wagtail admin."""

from django.db import migrations

EDITOR_ROLE = "Redaktion"
ACTIONS = ("add", "change", "delete", "view")


def grant(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")

    content_type, _created = ContentType.objects.get_or_create(
        app_label="members", model="organisation"
    )
    editors, _created = Group.objects.get_or_create(name=EDITOR_ROLE)
    for action in ACTIONS:
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_organisation",
            defaults={"name": f"Can {action} Organisation"},
        )
        editors.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    editors = Group.objects.filter(name=EDITOR_ROLE).first()
    if editors:
        editors.permissions.remove(
            *editors.permissions.filter(content_type__app_label="members", codename__endswith="_organisation")
        )


class Migration(migrations.Migration):
    dependencies = [("members", "0003_profile_details")]

    operations = [migrations.RunPython(grant, revoke)]
