import pytest
from django.core.management import call_command

from hub.models import HomePage, PracticePage

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_knowledge_base_is_living_and_idempotent(client):
    call_command("seed_demo", verbosity=0)
    published = PracticePage.objects.live().count()
    total = PracticePage.objects.count()

    call_command("seed_demo", verbosity=0)

    assert published >= 6
    assert PracticePage.objects.count() == total
    assert PracticePage.objects.filter(live=False).count() == 1  # one submission in review
    assert any(page.is_stale for page in PracticePage.objects.live())
    assert HomePage.objects.get().featured_items.count() == 2
    assert all(
        page.authors.exists() and page.topics.exists() for page in PracticePage.objects.live()
    )
    home = client.get("/").content.decode()
    assert "E-Akte im Bürgeramt" in home
    assert client.get("/wissen/themen/e-akte/").status_code == 200


def test_scale_bulk_creates_articles_once(client):
    call_command("seed_demo", "--scale", "150", verbosity=0)
    total = PracticePage.objects.count()

    call_command("seed_demo", "--scale", "150", verbosity=0)

    assert PracticePage.objects.filter(slug__startswith="massenbeitrag-").count() == 150
    assert PracticePage.objects.count() == total
    response = client.get("/wissen/?seite=5")
    assert response.status_code == 200
    assert "/wissen/massenbeitrag-" in response.content.decode()
    bulk = PracticePage.objects.get(slug="massenbeitrag-7")
    assert client.get(bulk.url).status_code == 200
    index = bulk.get_parent()
    assert index.numchild == index.get_children().count()
