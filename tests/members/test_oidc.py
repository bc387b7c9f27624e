"""Single sign-on through OpenID Connect, end to end against a real provider (Authlib)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.urls import reverse

from hub.settings.env import env_oidc_apps
from members import services
from members.models import Approval, EmailDomainRule, Profile, User
from members.roles import Role
from tests.factories import MemberFactory
from tests.hub.test_settings import run_manage
from tests.members.oidc_provider import OIDCProvider, OIDCUser

PROVIDER_ID = "verwaltungs-sso"
CLIENT_ID = "kollegium"
CALLBACK = f"http://testserver/konto/oidc/{PROVIDER_ID}/login/callback/"

ERIKA = OIDCUser(
    sub="248289761001",
    email="erika.beispiel@land.example",
    email_verified=True,
    name="Erika Beispiel",
)


@pytest.fixture(scope="module")
def oidc_server() -> Iterator[OIDCProvider]:
    server = OIDCProvider()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def oidc_provider(
    oidc_server: OIDCProvider, settings: Any, monkeypatch: pytest.MonkeyPatch, db: None
) -> OIDCProvider:
    """Kollegium configured through the OIDC_* variables to use the running provider."""
    oidc_server.register_client(
        client_id=CLIENT_ID, client_secret="geheim-1234", redirect_uri=CALLBACK
    )
    oidc_server.sign_in_as(ERIKA)
    for name, value in {
        "OIDC_PROVIDER_ID": PROVIDER_ID,
        "OIDC_PROVIDER_NAME": "Verwaltungs-SSO",
        "OIDC_SERVER_URL": oidc_server.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": "geheim-1234",
    }.items():
        monkeypatch.setenv(name, value)
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": env_oidc_apps()}
    }
    return oidc_server


def start_login(client: Any) -> str:
    """Press the sign-on button; return the provider's authorization URL."""
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID}))
    assert response.status_code == 302
    return response.headers["Location"]


def visit_provider(authorize_url: str) -> dict[str, str]:
    """The browser at the provider: it approves and sends the browser back with code and state."""
    answer = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    location = urlsplit(answer.headers["Location"])
    assert f"http://testserver{location.path}" == CALLBACK
    return dict(parse_qsl(location.query))


def sso_login(client: Any) -> Any:
    params = visit_provider(start_login(client))
    return client.get(urlsplit(CALLBACK).path, params)


def signed_in_user(client: Any) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_first_sign_on_creates_a_verified_member_with_profile(client, oidc_provider):
    authorize_url = start_login(client)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert set(query["scope"][0].split()) == {"openid", "profile", "email"}

    params = visit_provider(authorize_url)
    response = client.get(urlsplit(CALLBACK).path, params)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    user = signed_in_user(client)
    assert user is not None
    assert user.email == ERIKA.email
    assert Profile.objects.get(user=user).display_name == "Erika Beispiel"
    assert EmailAddress.objects.get(user=user, email=ERIKA.email).verified
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == (PROVIDER_ID, ERIKA.sub)
    assert not user.has_usable_password()

    # The id_token the provider issued carries a valid RS256 signature from its published keys.
    (id_token,) = oidc_provider.issued_id_tokens[-1:]
    claims = jwtkit.verify_and_decode(
        credential=id_token,
        keys_url=f"{oidc_provider.issuer}/jwks",
        issuer=oidc_provider.issuer,
        audience=CLIENT_ID,
        lookup_kid=jwtkit.lookup_kid_jwk,
    )
    assert claims["sub"] == ERIKA.sub


def test_second_sign_on_with_the_same_subject_reuses_the_account(client, oidc_provider):
    sso_login(client)
    first = signed_in_user(client)
    client.logout()

    oidc_provider.sign_in_as(
        OIDCUser(sub=ERIKA.sub, email=ERIKA.email, email_verified=True, name="Erika B.")
    )
    response = sso_login(client)

    assert response.status_code == 302
    assert signed_in_user(client) == first
    assert User.objects.count() == 1
    assert SocialAccount.objects.count() == 1
    assert Profile.objects.get(user=first).display_name == "Erika Beispiel"


def test_tampered_state_is_refused_in_german(client, oidc_provider):
    params = visit_provider(start_login(client))
    params["state"] = "manipuliert"

    response = client.get(urlsplit(CALLBACK).path, params)

    assert "Drittanbieter-Anmeldefehler" in response.content.decode()
    assert signed_in_user(client) is None
    assert not User.objects.exists()


def test_code_issued_to_another_client_is_refused(client, oidc_provider):
    oidc_provider.register_client(
        client_id="fremde-anwendung", client_secret="anderes-geheimnis", redirect_uri=CALLBACK
    )
    state = parse_qs(urlsplit(start_login(client)).query)["state"][0]
    # The attacker's own authorization for another client, slipped into our callback.
    foreign = visit_provider(
        f"{oidc_provider.issuer}/authorize?response_type=code&client_id=fremde-anwendung"
        f"&scope=openid+email&state={state}&redirect_uri={CALLBACK}"
    )

    response = client.get(urlsplit(CALLBACK).path, foreign)

    assert "Drittanbieter-Anmeldefehler" in response.content.decode()
    assert foreign["code"] in oidc_provider.codes  # the provider refused to redeem it
    assert signed_in_user(client) is None
    assert not User.objects.exists()


@pytest.mark.parametrize("email_verified", [False, True])
def test_sign_on_never_takes_over_an_existing_account(client, oidc_provider, email_verified):
    existing = MemberFactory(email="erika.beispiel@land.example")
    oidc_provider.sign_in_as(
        OIDCUser(sub="fremd-1", email=existing.email, email_verified=email_verified, name="X")
    )

    response = sso_login(client)

    assert response.status_code == 302
    assert signed_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1
    existing.refresh_from_db()
    assert existing.has_usable_password()


def test_unverified_address_from_the_provider_must_be_confirmed_by_mail(
    client, oidc_provider, django_capture_on_commit_callbacks
):
    oidc_provider.sign_in_as(
        OIDCUser(sub="neu-7", email="neu@kreis.example", email_verified=False, name="Neu")
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = sso_login(client)

    assert response.headers["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user(client) is None
    assert not EmailAddress.objects.get(email="neu@kreis.example").verified
    assert mail.outbox[0].to == ["neu@kreis.example"]


def test_login_page_shows_the_sign_on_button(client, oidc_provider):
    html = client.get(reverse("account_login")).content.decode()

    login_url = reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID})
    assert f'<a class="kern-btn kern-btn--secondary" href="{login_url}' in html
    assert "Mit Verwaltungs-SSO anmelden</span></a>" in html

    # The link leads to a confirmation page whose button starts the sign-on with a POST.
    confirmation = client.get(login_url).content.decode()
    assert "Sie melden sich gleich mit Ihrem Konto bei Verwaltungs-SSO an." in confirmation
    assert '<form class="form" method="post"' in confirmation
    assert re.search(
        r'<button[^>]*type="submit"\s*><span class="kern-label">\s*Weiter\s*</span></button>',
        confirmation,
    )


def test_login_page_without_configuration_has_no_sign_on_button(client, db, settings, monkeypatch):
    for name in ("OIDC_PROVIDER_ID", "OIDC_SERVER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": env_oidc_apps()}}

    html = client.get(reverse("account_login")).content.decode()

    assert "/konto/oidc/" not in html
    assert "anmelden</a>" not in html


@pytest.mark.parametrize(
    ("variable", "environment"),
    [
        (
            "OIDC_SERVER_URL",
            {"OIDC_SERVER_URL": "login.example", "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b"},
        ),
        (
            "OIDC_CLIENT_SECRET",
            {"OIDC_SERVER_URL": "https://login.example", "OIDC_CLIENT_ID": "kollegium"},
        ),
        (
            "OIDC_PROVIDER_ID",
            {
                "OIDC_PROVIDER_ID": "Verwaltung SSO",
                "OIDC_SERVER_URL": "https://login.example",
                "OIDC_CLIENT_ID": "a",
                "OIDC_CLIENT_SECRET": "b",
            },
        ),
    ],
)
def test_malformed_oidc_environment_stops_start_up_with_one_sentence(variable, environment):
    result = run_manage("check", DJANGO_SETTINGS_MODULE="hub.settings.dev", **environment)

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Konfigurationsfehler: Die Umgebungsvariable " + variable)


def test_sign_on_accounts_pass_the_allowlist_like_everyone_else(
    client, oidc_provider, django_capture_on_commit_callbacks
):
    editor = MemberFactory(roles=(Role.EDITOR,))

    with django_capture_on_commit_callbacks(execute=True):
        sso_login(client)

    user = signed_in_user(client)
    assert user.approval == Approval.PENDING
    # The provider vouched for the address, so the editors hear of it at once.
    assert [message.to for message in mail.outbox] == [[editor.email]]


def test_sign_on_from_an_allowlisted_domain_is_approved(
    client, oidc_provider, django_capture_on_commit_callbacks
):
    EmailDomainRule.objects.create(pattern="land.example")

    with django_capture_on_commit_callbacks(execute=True):
        sso_login(client)

    assert signed_in_user(client).approval == Approval.APPROVED
    assert mail.outbox == []


def test_a_failed_admission_leaves_no_half_made_sign_on_account(client, oidc_provider, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("Die Zulassung ist gerade nicht erreichbar.")

    monkeypatch.setattr(services, "account_admit", fail)

    with pytest.raises(RuntimeError):
        sso_login(client)

    assert not User.objects.filter(email=ERIKA.email).exists()
    assert not SocialAccount.objects.exists() and not Profile.objects.exists()
