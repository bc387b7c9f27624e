import re

import pytest
from django.core.management import CommandError, call_command

from core.page_cache import CACHE_HEADER
from members.models import AdministrationLevel, Approval, Organisation, Profile, User
from members.selectors import accounts_awaiting_review, email_domain_admitted

pytestmark = pytest.mark.django_db


def seed(*args: str) -> None:
    call_command("seed_demo", *args, verbosity=0)


@pytest.mark.slow
def test_demo_network_spans_administrations_of_every_level():
    seed()

    assert User.objects.count() >= 30
    assert Organisation.objects.filter(profiles__isnull=False).distinct().count() >= 10
    levels = set(Organisation.objects.values_list("level", flat=True))
    assert {
        AdministrationLevel.FEDERAL,
        AdministrationLevel.STATE,
        AdministrationLevel.MUNICIPAL,
    } <= levels
    assert not Profile.objects.filter(
        organisation__isnull=True, user__approval=Approval.APPROVED
    ).exists()


@pytest.mark.slow
def test_demo_network_has_an_allowlist_and_accounts_waiting_for_editors():
    seed()

    assert email_domain_admitted("referat@bmi.bund.de")
    assert accounts_awaiting_review().count() == 2


@pytest.mark.slow
def test_demo_logins_work_and_have_their_roles(client):
    seed()

    assert client.login(email="miriam.schulte@demo.kollegium.example", password="kollegium-demo")
    trainer = User.objects.get(email="thomas.becker@demo.kollegium.example")
    editor = User.objects.get(email="anna.lehmann@demo.kollegium.example")
    assert trainer.groups.filter(name="Trainer").exists()
    assert editor.has_perm("wagtailadmin.access_admin")


@pytest.mark.slow
def test_seeding_twice_changes_nothing(capsys):
    seed()
    before = (User.objects.count(), Organisation.objects.count(), Profile.objects.count())

    call_command("seed_demo")

    after = (User.objects.count(), Organisation.objects.count(), Profile.objects.count())
    assert after == before
    assert "nichts zu tun" in capsys.readouterr().out


@pytest.mark.slow
def test_seeding_fills_only_gaps():
    seed()
    total = User.objects.count()
    User.objects.get(email="lea.zimmermann@demo.kollegium.example").delete()

    seed()

    assert User.objects.count() == total
    assert User.objects.filter(email="lea.zimmermann@demo.kollegium.example").exists()


@pytest.mark.slow
def test_scale_bulk_creates_members_once():
    seed("--scale", "250")
    total = User.objects.count()

    seed("--scale", "250")

    assert total >= 280
    assert User.objects.count() == total
    assert Profile.objects.count() == total


@pytest.mark.parametrize("value", ["-1", "viele", "10000000"])
def test_scale_rejects_nonsense(value):
    with pytest.raises(CommandError, match="--scale erwartet eine ganze Zahl"):
        seed("--scale", value)


@pytest.mark.slow
def test_bulk_seeding_retires_the_cached_pages(client, django_capture_on_commit_callbacks):
    """Bulk writes send no signals: the command retires the cached pages itself."""
    seed()
    before = client.get("/wissen/")
    assert client.get("/wissen/")[CACHE_HEADER] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        seed("--scale", "5")

    after = client.get("/wissen/")
    assert after[CACHE_HEADER] == "miss"
    assert _article_count(after) == _article_count(before) + 5


def _article_count(response) -> int:
    match = re.search(r"(\d+) Beitr(?:ag|äge)", response.content.decode())
    assert match, "the knowledge index names its number of articles"
    return int(match.group(1))
