"""allauth speaks like the rest of the site: "Sie", and its mails name Kollegium."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import allauth
import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import translation

from tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db

# Forms that address the reader with "du": pronouns, verbs in the second person, imperatives.
DU = re.compile(
    r"\b(du|dein\w*|dich|dir|hast|bist|kannst|willst|möchtest|solltest|musst|gib|klicke?|"
    r"bestätige|wähle|versuche|melde|lass)\b",
    re.IGNORECASE,
)
# allauth's German texts that keep "du" because the site never shows them: the help texts of
# allauth.idp's admin (not installed), which address the administrator.
NOT_SHOWN = {
    "The scope(s) the client is allowed to request. Provide one value per line, e.g.: "
    "openid(ENTER)profile(ENTER)email(ENTER)",
    "In case the client does not specify any scope, these default scopes are used. Provide one "
    "value per line, e.g.: openid(ENTER)profile(ENTER)email(ENTER)",
    "A list of allowed grant types. Provide one value per line, e.g.: "
    "authorization_code(ENTER)client_credentials(ENTER)refresh_token(ENTER)",
    "A list of allowed response types. Provide one value per line, e.g.: "
    "code(ENTER)id_token token(ENTER)",
}


def assert_says_sie(text: str) -> None:
    assert not DU.findall(text), DU.findall(text)


def allauth_german_msgids() -> list[str]:
    """Every singular message allauth's own German catalogue translates."""
    catalogue = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.mo"
    with catalogue.open("rb") as file:
        # The stdlib reader keeps its messages in `_catalog`; plurals are (msgid, n) keys.
        messages = gettext.GNUTranslations(file)._catalog
    return [key for key in messages if isinstance(key, str) and key and "\x04" not in key]


def test_every_allauth_text_says_sie():
    """Also catches the "du" of texts a new allauth version brings."""
    with translation.override("de"):
        texts = {
            msgid: translation.gettext(msgid)
            for msgid in allauth_german_msgids()
            if msgid not in NOT_SHOWN
        }

    du_texts = {msgid: text for msgid, text in texts.items() if DU.search(text)}
    assert du_texts == {}


def signup(client, email: str) -> None:
    client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
            "accept_terms": "on",
        },
    )


def test_english_keeps_allauths_english():
    with translation.override("en"):
        assert translation.gettext("Are you sure you want to sign out?") == (
            "Are you sure you want to sign out?"
        )


@pytest.mark.parametrize(
    ("url_name", "sie_text"),
    [
        ("account_signup", "Sie haben bereits ein Konto?"),
        ("account_login", "Sie haben noch kein Konto?"),
        ("account_reset_password", "Geben Sie unten Ihre E-Mail-Adresse ein"),
        ("account_email_verification_sent", "Bestätigen Sie Ihre E-Mail-Adresse"),
    ],
)
def test_account_pages_say_sie(client, url_name, sie_text):
    html = client.get(reverse(url_name)).content.decode()

    assert sie_text in html
    assert_says_sie(html)


def test_sign_out_page_and_message_say_sie(member_client):
    page = member_client.get(reverse("account_logout")).content.decode()
    signed_out = member_client.post(reverse("account_logout"), follow=True).content.decode()

    assert "Möchten Sie sich wirklich abmelden?" in page
    assert_says_sie(page)
    assert "Sie haben sich abgemeldet." in signed_out


def test_confirmation_page_and_message_say_sie(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "neu@kreis-beispiel.de")
    (link,) = re.findall(r"https?://\S+/konto/confirm-email/\S+", mail.outbox[0].body)
    path = "/" + link.split("/", 3)[3]

    page = client.get(path).content.decode()
    confirmed = client.post(path, follow=True).content.decode()

    assert "Bitte bestätigen Sie" in page
    assert_says_sie(page)
    assert "Sie haben die Adresse neu@kreis-beispiel.de bestätigt." in confirmed
    assert EmailAddress.objects.get(email="neu@kreis-beispiel.de").verified


def test_mails_say_sie_and_name_kollegium_not_the_request_host(
    client, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILADMIN_BASE_URL = "https://kollegium.example"
    member = MemberFactory()

    with django_capture_on_commit_callbacks(execute=True):
        signup(client, "neu@kreis-beispiel.de")
        signup(client, member.email)
        client.post(reverse("account_reset_password"), {"email": member.email})

    confirmation, already_exists, reset = mail.outbox
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse" in confirmation.subject
    assert "Sie oder jemand anderes versucht hat" in already_exists.body
    assert "das Zurücksetzen des Passworts für Ihr Konto" in reset.body
    for message in mail.outbox:
        assert_says_sie(message.subject + message.body)
        assert message.body.startswith("Hallo von Kollegium!")
        assert "Vielen Dank, dass Sie Kollegium nutzen!\nkollegium.example" in message.body
        # The Host header of the test client's requests.
        assert "Hallo von testserver" not in message.body
