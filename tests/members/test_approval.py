"""Who gets into the network: the e-mail domain allowlist and the editors' approval queue."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from members.models import Approval, EmailDomainRule, User, Visibility
from members.roles import Role
from members.selectors import email_domain_admitted
from members.services import profile_update
from tests.factories import TEST_PASSWORD, MemberFactory, totp_activate

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    editor = MemberFactory(email="redaktion@kollegium.example", roles=(Role.EDITOR,))
    totp_activate(editor)
    return editor


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def allowlist(db):
    EmailDomainRule.objects.create(pattern="*.bund.de")
    EmailDomainRule.objects.create(pattern="stadt-musterstadt.de")


def sign_up(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": TEST_PASSWORD,
            "password2": TEST_PASSWORD,
            "accept_terms": "on",
        },
    )


def confirm_by_mail(client, email):
    (message,) = [message for message in mail.outbox if message.to == [email]][-1:]
    link = re.search(r"http://\S+(/konto/confirm-email/\S+/)", message.body).group(1)
    return client.post(link)


def waiting_member(email="r.engel@amt-seeland.example"):
    user = MemberFactory(email=email)
    user.approval = Approval.PENDING
    user.save()
    return user


@pytest.mark.parametrize(
    ("email", "admitted"),
    [
        ("a@bva.bund.de", True),
        ("a@it.bva.bund.de", True),
        ("A@BVA.BUND.DE", True),
        ("a@bund.de", False),
        ("a@evilbund.de", False),
        ("a@bund.de.example", False),
        ("a@stadt-musterstadt.de", True),
        ("a@amt.stadt-musterstadt.de", False),
        ("a@gmail.example", False),
    ],
)
def test_allowlist_admits_exact_domains_and_wildcard_subdomains(allowlist, email, admitted):
    assert email_domain_admitted(email) is admitted


def test_international_domains_match_in_either_spelling():
    EmailDomainRule.objects.create(pattern="Stadt-München.de")

    assert EmailDomainRule.objects.get().pattern == "xn--stadt-mnchen-jlb.de"
    assert email_domain_admitted("buergeramt@stadt-münchen.de")
    assert email_domain_admitted("buergeramt@xn--stadt-mnchen-jlb.de")


@pytest.mark.parametrize(
    "pattern", ["bund", "*bund.de", "*.*.de", "https://bund.de", "a..de", "bund.de/x", "-a.de", "*"]
)
def test_malformed_patterns_are_refused_in_german(pattern):
    rule = EmailDomainRule(pattern=pattern)

    with pytest.raises(ValidationError, match="Bitte geben Sie eine Domain"):
        rule.full_clean()


def test_editors_maintain_the_allowlist_in_the_admin(editor_client):
    response = editor_client.post(
        reverse("wagtailsnippets_members_emaildomainrule:add"),
        {"pattern": "*.Niedersachsen.de", "note": "Landesverwaltung"},
    )
    duplicate = editor_client.post(
        reverse("wagtailsnippets_members_emaildomainrule:add"),
        {"pattern": "*.niedersachsen.de", "note": ""},
    )

    assert response.status_code == 302
    assert duplicate.status_code == 200
    assert list(EmailDomainRule.objects.values_list("pattern", flat=True)) == ["*.niedersachsen.de"]


def test_allowlisted_sign_up_is_approved_without_bothering_editors(
    client, allowlist, editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "neu@bva.bund.de")
    with django_capture_on_commit_callbacks(execute=True):
        confirm_by_mail(client, "neu@bva.bund.de")

    assert User.objects.get(email="neu@bva.bund.de").approval == Approval.APPROVED
    assert not [message for message in mail.outbox if editor.email in message.to]


def test_other_domains_wait_and_editors_hear_once_the_address_is_confirmed(
    client, allowlist, editor, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, "neu@beratung.example")
    user = User.objects.get(email="neu@beratung.example")
    assert user.approval == Approval.PENDING
    assert [message.to for message in mail.outbox] == [["neu@beratung.example"]]

    with django_capture_on_commit_callbacks(execute=True):
        confirm_by_mail(client, "neu@beratung.example")

    to_editors = [message for message in mail.outbox if message.to == [editor.email]]
    assert len(to_editors) == 1
    assert "neu@beratung.example" in to_editors[0].subject
    assert "/admin/freischaltungen/" in to_editors[0].body
    assert not [message for message in mail.outbox if member.email in message.to]


def test_confirming_an_allowlisted_address_lets_a_waiting_account_in(
    client, allowlist, django_capture_on_commit_callbacks
):
    user = waiting_member()
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "r.engel@bva.bund.de"})
    with django_capture_on_commit_callbacks(execute=True):
        confirm_by_mail(client, "r.engel@bva.bund.de")

    user.refresh_from_db()
    assert user.approval == Approval.APPROVED


def test_waiting_accounts_see_only_what_the_public_sees(client):
    colleague = MemberFactory(first_name="Jana", last_name="Kraft")
    profile_update(
        profile=colleague.profile,
        data={
            "display_name_visibility": Visibility.PUBLIC,
            "position": "Referentin E-Akte",
            "position_visibility": Visibility.MEMBERS,
        },
    )
    client.force_login(waiting_member())

    response = client.get(reverse("members:profile", args=[colleague.profile.pk]))

    assert response.status_code == 200
    assert "Referentin E-Akte" not in response.content.decode()
    assert "Ihr Zugang wartet auf Freischaltung" in response.content.decode()


def test_waiting_accounts_are_not_listed_but_see_their_own_profile(member_client):
    waiting = waiting_member()
    profile_update(
        profile=waiting.profile,
        data={"display_name": "Ruth Engel", "display_name_visibility": Visibility.PUBLIC},
    )
    own = Client()
    own.force_login(waiting)

    assert "Ruth Engel" not in member_client.get(reverse("members:directory")).content.decode()
    detail = reverse("members:profile", args=[waiting.profile.pk])
    assert member_client.get(detail).status_code == 404
    assert own.get(detail).status_code == 200


def test_editors_see_confirmed_waiting_accounts_in_the_queue(editor_client):
    waiting_member("wartet@beratung.example")
    unconfirmed = waiting_member("unbestaetigt@beratung.example")
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)

    queue = editor_client.get(reverse("members_account_review")).content.decode()
    dashboard = editor_client.get(reverse("wagtailadmin_home")).content.decode()

    assert "wartet@beratung.example" in queue
    assert "unbestaetigt@beratung.example" not in queue
    assert "1 Konto wartet auf Freischaltung" in dashboard


def test_approving_lets_the_member_in_and_tells_them_once(
    editor_client, django_capture_on_commit_callbacks
):
    waiting = waiting_member()
    url = reverse("members_account_approve", args=[waiting.pk])

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url)
        again = editor_client.post(url, follow=True)

    waiting.refresh_from_db()
    assert waiting.approval == Approval.APPROVED
    assert waiting.is_network_member
    assert [message.to for message in mail.outbox] == [[waiting.email]]
    assert "Ihr Zugang ist freigeschaltet" in mail.outbox[0].subject
    assert "ist bereits freigeschaltet" in again.content.decode()


def test_declining_tells_the_person_why(editor_client, django_capture_on_commit_callbacks):
    waiting = waiting_member()

    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(
            reverse("members_account_decline", args=[waiting.pk]),
            {"reason": "Bitte nutzen Sie Ihre dienstliche Adresse."},
        )

    waiting.refresh_from_db()
    assert waiting.approval == Approval.DECLINED
    assert "Bitte nutzen Sie Ihre dienstliche Adresse." in mail.outbox[0].body
    assert "/mitglieder/konto-loeschen/" in mail.outbox[0].body


def test_an_overlong_reason_keeps_the_account_waiting(editor_client):
    waiting = waiting_member()

    response = editor_client.post(
        reverse("members_account_decline", args=[waiting.pk]), {"reason": "x" * 1001}, follow=True
    )

    waiting.refresh_from_db()
    assert waiting.approval == Approval.PENDING
    assert "höchstens 1000 Zeichen" in response.content.decode()
    assert mail.outbox == []


def test_approved_members_cannot_be_declined_through_the_queue(editor_client, member):
    response = editor_client.post(reverse("members_account_decline", args=[member.pk]), follow=True)

    member.refresh_from_db()
    assert member.approval == Approval.APPROVED
    assert "nur wartende Konten" in response.content.decode()


def test_members_cannot_approve_anyone(member_client):
    waiting = waiting_member()

    queue = member_client.get(reverse("members_account_review"))
    approve = member_client.post(reverse("members_account_approve", args=[waiting.pk]))

    waiting.refresh_from_db()
    assert queue.status_code == 302
    assert approve.status_code == 302
    assert waiting.approval == Approval.PENDING


def test_approving_needs_a_post_and_an_existing_account(editor_client):
    waiting = waiting_member()

    assert (
        editor_client.get(reverse("members_account_approve", args=[waiting.pk])).status_code == 405
    )
    assert editor_client.post(reverse("members_account_approve", args=[999999])).status_code == 404
