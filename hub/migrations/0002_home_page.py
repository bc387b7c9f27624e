"""Replace Wagtail's welcome page with the Kollegium home page and point the site at it."""

from django.db import migrations

HOME_TITLE = "Kollegium"
HOME_INTRO = (
    "Das Netzwerk für Menschen in der öffentlichen Verwaltung: Kolleginnen und Kollegen aus "
    "Bund, Ländern und Kommunen teilen Praxiswissen, bieten einander kurze Impulse an und "
    "finden Antworten, die andere schon gefunden haben."
)
HOME_BODY = (
    "<h2>Was Sie hier finden</h2>"
    "<ul>"
    "<li><b>Wissen:</b> Praxisbeispiele und Wissensartikel, von der Redaktion gepflegt.</li>"
    "<li><b>Lernen:</b> kostenfreie Impulse von Kolleginnen und Kollegen, online oder vor Ort.</li>"
    "<li><b>Austausch:</b> Kanäle zu Ihren Themen, in denen Fragen schnell Antworten finden.</li>"
    "<li><b>Mitglieder:</b> Menschen, die Ihr Problem schon gelöst haben.</li>"
    "</ul>"
)


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("hub.HomePage")

    Page.objects.filter(depth=2, content_type__app_label="wagtailcore", slug="home").delete()
    if HomePage.objects.exists():
        return
    content_type, _created = ContentType.objects.get_or_create(model="homepage", app_label="hub")
    root = Page.objects.get(depth=1)
    home = HomePage.objects.create(
        title=HOME_TITLE,
        draft_title=HOME_TITLE,
        slug="home",
        content_type=content_type,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=Locale.objects.order_by("pk").first(),
        intro=HOME_INTRO,
        body=HOME_BODY,
    )
    root.numchild = 1
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page_id": home.pk,
            "site_name": "Kollegium",
        },
    )


def remove_home_page(apps, schema_editor):
    apps.get_model("hub.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hub", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
