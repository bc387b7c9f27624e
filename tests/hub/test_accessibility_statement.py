import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from core.demo import DemoContext, DemoReport, seeders
from hub.accessibility.demo import seed_accessibility_statement
from hub.accessibility.views import FEEDBACK_LIMIT
from hub.models import AccessibilityFeedback, AccessibilityStatementPage, Conformance
from members.roles import Role
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db

MESSAGE = "Das Suchformular lässt sich mit dem Screenreader nicht absenden."


@pytest.fixture
def statement(home_page):
    page = AccessibilityStatementPage(
        title="Erklärung zur Barrierefreiheit",
        slug="barrierefreiheit",
        conformance=Conformance.PARTIAL,
        conformance_text="<p>Wegen der folgenden Mängel teilweise vereinbar.</p>",
        inaccessible_content=[
            (
                "item",
                {
                    "content": "Alte PDF-Anhänge",
                    "reason": "Von Mitgliedern hochgeladen, nicht getaggt.",
                    "alternative": "Die Redaktion schickt den Text auf Anfrage.",
                },
            )
        ],
        prepared_on=dt.date(2026, 3, 2),
        contact_name="Referat Digitale Zusammenarbeit",
        contact_email="barrierefreiheit@kollegium.example",
        contact_phone="030 123456-0",
    )
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def _submit(client, **data):
    return client.post("/barrierefreiheit/", {"message": MESSAGE, **data})


def test_statement_shows_every_required_part(client, statement):
    response = client.get("/barrierefreiheit/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Stand der Vereinbarkeit" in html
    assert "<strong>teilweise vereinbar</strong>" in html
    assert "Nicht barrierefreie Inhalte" in html
    assert "Alte PDF-Anhänge" in html
    assert "Von Mitgliedern hochgeladen, nicht getaggt." in html
    assert "Die Redaktion schickt den Text auf Anfrage." in html
    assert "am 2. März 2026 erstellt" in html
    assert "Selbstbewertung" in html
    assert "Referat Digitale Zusammenarbeit" in html
    assert "mailto:barrierefreiheit@kollegium.example" in html
    assert "030 123456-0" in html
    assert "Schlichtungsverfahren" in html
    assert 'href="https://www.schlichtungsstelle-bgg.de/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="message"' in html


def test_only_one_statement_under_the_home_page(statement, home_page):
    assert not AccessibilityStatementPage.can_create_at(home_page)


@pytest.mark.parametrize("signed_in", [False, True])
def test_feedback_is_stored_and_mailed_to_the_editors(
    client, statement, signed_in, django_capture_on_commit_callbacks
):
    editor = MemberFactory(email="redaktion@kollegium.example", roles=(Role.EDITOR,))
    MemberFactory(email="mitglied@kollegium.example")
    if signed_in:
        client.force_login(MemberFactory())

    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(
            client, name="Kim Muster", email="kim@example.org", page_address="/suche/"
        )

    assert response.status_code == 302
    assert response.headers["Location"] == "/barrierefreiheit/#rueckmeldung"
    feedback = AccessibilityFeedback.objects.get()
    assert (feedback.message, feedback.name, feedback.email, feedback.page_address) == (
        MESSAGE,
        "Kim Muster",
        "kim@example.org",
        "/suche/",
    )
    assert [message.to for message in mail.outbox] == [[editor.email]]
    assert MESSAGE in mail.outbox[0].body
    assert "kim@example.org" in mail.outbox[0].body
    assert "Barrierefreiheit" in mail.outbox[0].subject
    confirmation = client.get(response.headers["Location"]).content.decode()
    assert "Vielen Dank für Ihre Rückmeldung" in confirmation


def test_feedback_needs_a_message_only(client, statement):
    response = _submit(client)

    assert response.status_code == 302
    assert AccessibilityFeedback.objects.get().name == ""


def test_invalid_feedback_gets_german_errors_and_keeps_the_text(client, statement):
    response = client.post(
        "/barrierefreiheit/", {"message": "", "name": "Kim Muster", "email": "kein-at"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bitte beschreiben Sie die Barriere" in html
    assert "Bitte geben Sie eine gültige E-Mail-Adresse an" in html
    assert 'value="Kim Muster"' in html
    assert 'value="kein-at"' in html
    assert not AccessibilityFeedback.objects.exists()


def test_feedback_needs_a_csrf_token(statement):
    response = Client(enforce_csrf_checks=True).post("/barrierefreiheit/", {"message": MESSAGE})

    assert response.status_code == 403
    assert not AccessibilityFeedback.objects.exists()


def test_feedback_is_rate_limited_and_keeps_the_text(client, statement):
    for _ in range(FEEDBACK_LIMIT):
        assert _submit(client).status_code == 302

    response = _submit(client)

    assert response.status_code == 429
    html = response.content.decode()
    assert "bereits mehrere Rückmeldungen gesendet" in html
    assert MESSAGE in html
    assert AccessibilityFeedback.objects.count() == FEEDBACK_LIMIT


def test_footer_links_the_statement_on_every_page(client, statement):
    for path in ("/", reverse("account_login")):
        html = client.get(path).content.decode()
        assert 'href="/barrierefreiheit/"' in html, path


def test_footer_hides_the_link_without_a_statement(client, home_page):
    assert "/barrierefreiheit/" not in client.get("/").content.decode()


def test_footer_drops_the_link_once_the_statement_is_unpublished(
    client, statement, django_capture_on_commit_callbacks
):
    assert 'href="/barrierefreiheit/"' in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        statement.unpublish()

    assert "/barrierefreiheit/" not in client.get("/").content.decode()


def test_editors_read_the_feedback_in_the_admin(client, statement):
    feedback = AccessibilityFeedback.objects.create(message=MESSAGE, email="kim@example.org")
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)

    listing = client.get(reverse("accessibility_feedback:index"))
    search = client.get(reverse("accessibility_feedback:index"), {"q": "Screenreader"})
    detail = client.get(reverse("accessibility_feedback:inspect", args=[feedback.pk]))

    assert listing.status_code == 200
    assert MESSAGE[:40] in listing.content.decode()
    assert MESSAGE[:40] in search.content.decode()
    assert detail.status_code == 200
    assert "kim@example.org" in detail.content.decode()
    assert client.get(reverse("accessibility_feedback:add")).status_code == 302


def test_members_do_not_see_the_feedback_in_the_admin(member_client, statement):
    AccessibilityFeedback.objects.create(message=MESSAGE)

    response = member_client.get(reverse("accessibility_feedback:index"))

    assert response.status_code in (302, 403)


def test_demo_seeds_the_statement_once(client, home_page):
    context = DemoContext(scale=0, rng=None, progress=lambda items, *_: items)  # type: ignore[arg-type]

    seed_accessibility_statement(context, DemoReport())
    seed_accessibility_statement(context, DemoReport())

    assert "accessibility_statement" in [seeder.name for seeder in seeders()]
    assert AccessibilityStatementPage.objects.live().count() == 1
    html = client.get("/barrierefreiheit/").content.decode()
    assert "PDF-Anhänge in Praxisbeispielen" in html
