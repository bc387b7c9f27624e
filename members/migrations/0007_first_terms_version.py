"""Publish version 1 of the terms, so sign-up asks for consent from the first day, and let
editors (Redaktion) maintain the terms in the Wagtail admin."""

from django.db import migrations
from django.utils import timezone

FIRST_TERMS = (
    "<h2>Worum es geht</h2>"
    "<p>Kollegium ist ein Netzwerk für Beschäftigte der öffentlichen Verwaltung. Sie teilen hier "
    "Wissen mit Kolleginnen und Kollegen aus Bund, Ländern und Kommunen.</p>"
    "<h2>Ihre Daten</h2>"
    "<p>Wir speichern Ihr Konto, Ihr Profil und Ihre Beiträge. Für jedes Profilfeld bestimmen "
    "Sie, wer es sieht. Sie können Ihre Daten jederzeit herunterladen und Ihr Konto löschen; "
    "Beiträge bleiben dann als „ehemaliges Mitglied“ lesbar.</p>"
    "<h2>Umgangsformen</h2>"
    "<p>Bitte teilen Sie keine vertraulichen oder personenbezogenen Daten Dritter und "
    "begegnen Sie anderen respektvoll.</p>"
)
EDITOR_ROLE = "Redaktion"
ACTIONS = ("add", "change", "view")


def publish_first_version(apps, schema_editor):
    TermsVersion = apps.get_model("members", "TermsVersion")
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")

    if not TermsVersion.objects.exists():
        TermsVersion.objects.create(
            version=1,
            title="Nutzungsbedingungen und Datenschutzhinweise",
            text=FIRST_TERMS,
            published_at=timezone.now(),
        )
    content_type, _created = ContentType.objects.get_or_create(
        app_label="members", model="termsversion"
    )
    editors, _created = Group.objects.get_or_create(name=EDITOR_ROLE)
    for action in ACTIONS:
        permission, _created = Permission.objects.get_or_create(
            content_type=content_type,
            codename=f"{action}_termsversion",
            defaults={"name": f"Can {action} terms version"},
        )
        editors.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("members", "0006_terms")]

    operations = [migrations.RunPython(publish_first_version, migrations.RunPython.noop)]
