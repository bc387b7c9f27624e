from django.db import migrations

MODERATOR_ROLE = "Moderation"


def moderators_moderate_channels(apps, schema_editor):
    """The moderation team deletes messages in every channel and sees earlier versions."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    moderators, _created = Group.objects.get_or_create(name=MODERATOR_ROLE)
    content_type, _created = ContentType.objects.get_or_create(
        app_label="discussions", model="channel"
    )
    permission, _created = Permission.objects.get_or_create(
        content_type=content_type,
        codename="moderate_channel",
        defaults={"name": "Kann Kanäle moderieren"},
    )
    moderators.permissions.add(permission)


class Migration(migrations.Migration):

    dependencies = [
        ("discussions", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(moderators_moderate_channels, migrations.RunPython.noop),
    ]
