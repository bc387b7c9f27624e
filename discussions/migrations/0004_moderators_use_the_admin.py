from django.db import migrations

MODERATOR_ROLE = "Moderation"


def moderators_use_the_admin(apps, schema_editor):
    """The moderation queue lives in the Wagtail admin."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    moderators, _created = Group.objects.get_or_create(name=MODERATOR_ROLE)
    content_type, _created = ContentType.objects.get_or_create(
        app_label="wagtailadmin", model="admin"
    )
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    moderators.permissions.add(permission)


class Migration(migrations.Migration):

    dependencies = [
        ("discussions", "0003_moderation"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.RunPython(moderators_use_the_admin, migrations.RunPython.noop),
    ]
