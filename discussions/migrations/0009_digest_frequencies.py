"""The digest's single on/off becomes a frequency per kind. A member who had turned the digest
off gets no mail of any kind; everyone else keeps the daily mail of mentions and replies and
gets followed content and open questions weekly. `last_sent_at` becomes the notifications'
`notifications_sent_at`."""

from django.db import migrations, models


def choices_from_switch(apps, schema_editor):
    DigestSubscription = apps.get_model("discussions", "DigestSubscription")
    DigestSubscription.objects.filter(enabled=False).update(
        notifications="off", followed="off", questions="off"
    )


def switch_from_choices(apps, schema_editor):
    DigestSubscription = apps.get_model("discussions", "DigestSubscription")
    DigestSubscription.objects.filter(notifications="off").update(enabled=False)


FREQUENCIES = [("daily", "Täglich"), ("weekly", "Wöchentlich"), ("off", "Nie")]


class Migration(migrations.Migration):
    dependencies = [("discussions", "0008_notification_detail")]

    operations = [
        migrations.AddField(
            model_name="digestsubscription",
            name="notifications",
            field=models.CharField(
                choices=FREQUENCIES,
                default="daily",
                max_length=8,
                verbose_name="Erwähnungen und Antworten",
            ),
        ),
        migrations.AddField(
            model_name="digestsubscription",
            name="followed",
            field=models.CharField(
                choices=FREQUENCIES,
                default="weekly",
                max_length=8,
                verbose_name="Neues in dem, was Sie verfolgen",
            ),
        ),
        migrations.AddField(
            model_name="digestsubscription",
            name="questions",
            field=models.CharField(
                choices=FREQUENCIES,
                default="weekly",
                max_length=8,
                verbose_name="Offene Fragen, bei denen Sie helfen können",
            ),
        ),
        migrations.AddField(
            model_name="digestsubscription",
            name="followed_sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="digestsubscription",
            name="questions_sent_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(choices_from_switch, switch_from_choices),
        migrations.RemoveField(model_name="digestsubscription", name="enabled"),
        migrations.RenameField(
            model_name="digestsubscription",
            old_name="last_sent_at",
            new_name="notifications_sent_at",
        ),
        migrations.AddConstraint(
            model_name="digestsubscription",
            constraint=models.CheckConstraint(
                condition=models.Q(notifications__in=["daily", "weekly", "off"])
                & models.Q(followed__in=["daily", "weekly", "off"])
                & models.Q(questions__in=["daily", "weekly", "off"]),
                name="discussions_digest_frequencies",
            ),
        ),
    ]
