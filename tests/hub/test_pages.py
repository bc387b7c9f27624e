import pytest
from django.urls import reverse

from hub.models import HomePage

pytestmark = pytest.mark.django_db


def test_home_page_is_german_by_default(client):
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["Content-Language"] == "de"
    html = response.content.decode()
    assert '<html lang="de"' in html
    assert 'href="#inhalt"' in html
    assert "Kollegium" in html


def test_home_page_speaks_english_when_chosen(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
    assert response.headers["Content-Language"] == "en"


def test_browser_language_does_not_switch_the_interface(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert '<html lang="de"' in response.content.decode()


def test_unknown_language_is_ignored(client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"}, follow=True)

    assert '<html lang="de"' in response.content.decode()


def test_home_page_is_the_site_root_and_unique(home_page, root_page):
    assert home_page.get_parent().specific == root_page.specific
    assert home_page.live
    assert not HomePage.can_create_at(home_page)
    assert not HomePage.can_create_at(root_page)


def test_unknown_url_gets_german_404_in_site_layout(client):
    response = client.get("/gibt-es-nicht/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Seite nicht gefunden" in html
    assert 'href="#inhalt"' in html


def test_server_error_page_reveals_nothing(client, monkeypatch):
    def broken_serve(self, request, *args, **kwargs):
        raise RuntimeError("geheimes Detail aus der Datenbank")

    monkeypatch.setattr(HomePage, "serve", broken_serve)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Ein Fehler ist aufgetreten" in html
    assert "geheimes Detail" not in html
    assert "Traceback" not in html


def test_static_assets_are_served_locally_without_cdn(client):
    html = client.get("/").content.decode()

    assert "/static/css/site.css" in html
    for foreign in ("cdn.", "googleapis", "unpkg", "jsdelivr", "cloudflare"):
        assert foreign not in html
