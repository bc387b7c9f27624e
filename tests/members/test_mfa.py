"""Multi-factor authentication: TOTP set-up and login, and the roles that require it."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from members.backends import AccountBackend
from members.roles import Role
from members.selectors import member_lacks_required_mfa, role_answers
from tests.factories import TEST_PASSWORD, MemberFactory, totp_activate, totp_code

pytestmark = pytest.mark.django_db


def _log_in(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})


def _log_in_for_mfa_changes(client, user):
    """allauth asks for the password again before MFA changes, even right after the login."""
    _log_in(client, user)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})


def test_member_activates_totp_and_gets_recovery_codes(client, member):
    _log_in_for_mfa_changes(client, member)

    page = client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})

    assert page.status_code == 200
    assert "Kollegium" in page.context["totp_url"]
    assert response.headers["Location"] == reverse("mfa_view_recovery_codes")
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()
    codes = RecoveryCodes(
        Authenticator.objects.get(user=member, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert len(codes) == 10
    assert codes[0] in client.get(reverse("mfa_view_recovery_codes")).content.decode()


def test_activation_with_a_wrong_code_is_refused(client, member):
    _log_in_for_mfa_changes(client, member)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    wrong = "000000" if totp_code(secret) != "000000" else "111111"

    response = client.post(reverse("mfa_activate_totp"), {"code": wrong})

    assert response.status_code == 200
    assert "Falscher Code." in response.content.decode()
    assert not Authenticator.objects.filter(user=member).exists()


def test_login_of_a_totp_member_asks_for_the_code(client, member):
    secret = totp_activate(member)

    response = _log_in(client, member)
    assert response.headers["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    refused = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert refused.status_code == 200
    assert "Falscher Code." in refused.content.decode()
    assert "_auth_user_id" not in client.session

    accepted = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.parametrize("role", [Role.EDITOR, Role.MODERATOR])
def test_role_without_totp_is_sent_to_the_setup(client, role):
    person = MemberFactory(roles=(role,))
    client.force_login(person)

    response = client.get(reverse("members:profile_edit"))

    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth confirms the password first; the page explains why the member is there.
    setup = client.get(response.headers["Location"], follow=True)
    assert setup.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert "Authenticator-App ein" in setup.content.decode()


def test_editor_without_totp_may_still_reach_setup_logout_and_basics(client):
    editor = MemberFactory(roles=(Role.EDITOR,))
    _log_in_for_mfa_changes(client, editor)

    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("healthz")).status_code in {200, 503}
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("account_logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_editor_with_totp_reaches_the_admin(client):
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)

    assert client.get(reverse("wagtailadmin_home")).status_code == 200
    assert client.get(reverse("members:profile_edit")).status_code == 200


def test_plain_member_is_not_asked_for_mfa(member_client):
    assert member_client.get(reverse("members:profile_edit")).status_code == 200


def test_empty_setting_forces_nobody(client, settings):
    settings.KOLLEGIUM_MFA_REQUIRED_ROLES = []
    editor = MemberFactory(roles=(Role.EDITOR,))
    client.force_login(editor)

    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_selector_answers_with_one_query(django_assert_num_queries):
    editor = MemberFactory(roles=(Role.EDITOR,))
    member = MemberFactory()
    with django_assert_num_queries(1):
        assert member_lacks_required_mfa(user=editor)
    with django_assert_num_queries(1):
        assert not member_lacks_required_mfa(user=member)
    totp_activate(editor)
    assert not member_lacks_required_mfa(user=editor)


def test_admin_login_form_is_allauths(client):
    response = client.get("/admin/login/?next=/admin/pages/")

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("account_login") + "?next=/admin/pages/"


def test_a_security_key_satisfies_the_role_requirement(member):
    member.groups.add(Group.objects.get_or_create(name=Role.EDITOR)[0])
    assert member_lacks_required_mfa(user=member)

    Authenticator.objects.create(
        user=member, type=Authenticator.Type.WEBAUTHN, data={"name": "Dienstschlüssel"}
    )

    assert not member_lacks_required_mfa(user=member)


@pytest.mark.parametrize("url_name", ["mfa_index", "mfa_list_webauthn", "mfa_add_webauthn"])
def test_every_mfa_page_renders_in_the_site_layout(client, member, url_name):
    # The browser journey in tests/browser/test_security_key.py lists a real key.
    client.force_login(member)
    client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    assert 'id="inhalt"' in response.content.decode()


def _loaded(user):
    """The account as a request loads it from the session."""
    return AccountBackend().get_user(user.pk)


@pytest.mark.parametrize(
    ("roles", "lacks_mfa", "opens_admin"),
    [
        ((), False, False),
        ((Role.TRAINER,), False, False),
        ((Role.EDITOR,), True, True),
        ((Role.MODERATOR,), True, True),
    ],
)
def test_the_signed_in_account_comes_with_its_role_answers(
    roles, lacks_mfa, opens_admin, django_assert_num_queries
):
    user = MemberFactory(roles=roles)

    with django_assert_num_queries(2):
        loaded = _loaded(user)
        assert member_lacks_required_mfa(user=loaded) is lacks_mfa
        assert loaded.may_open_admin is opens_admin

    fresh = type(user).objects.get(pk=user.pk)
    assert fresh.has_perm("wagtailadmin.access_admin") is opens_admin
    assert fresh.may_open_admin is opens_admin
    assert member_lacks_required_mfa(user=fresh) is lacks_mfa


def test_role_answers_follow_direct_permissions_superusers_and_second_factors():
    member = MemberFactory()
    member.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    superuser = MemberFactory()
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)

    assert role_answers(user_id=member.pk).holds_admin_permission
    assert _loaded(member).may_open_admin
    assert not role_answers(user_id=superuser.pk).holds_admin_permission
    assert _loaded(superuser).may_open_admin
    assert not _loaded(editor).preloaded_lacks_required_mfa


def test_only_accounts_with_admin_access_see_the_admin_link(client):
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    link = f'href="{reverse("wagtailadmin_home")}"'

    client.force_login(MemberFactory())
    assert link not in client.get(reverse("members:profile_edit")).content.decode()
    client.force_login(editor)
    assert link in client.get(reverse("members:profile_edit")).content.decode()
