"""Lists kept per member (core.member_cache): computed once, afresh after the member's or
everyone's generation moves on, and only once the change is committed."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.member_cache import cached_member_list, kept_items, retire_member_lists
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


class Counter:
    """A list computation that says how often it ran."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self) -> list[int]:
        self.runs += 1
        return [self.runs]


def test_a_list_is_computed_once_and_then_kept():
    member, compute = MemberFactory(), Counter()

    assert cached_member_list(member, "liste", compute) == [1]
    assert cached_member_list(member, "liste", compute) == [1]
    assert compute.runs == 1


def test_an_empty_list_is_kept_too():
    member, runs = MemberFactory(), []

    def nothing() -> list[int]:
        runs.append(1)
        return []

    assert cached_member_list(member, "leer", nothing) == []
    assert cached_member_list(member, "leer", nothing) == []
    assert len(runs) == 1


def test_each_member_and_each_name_has_its_own_list():
    first, second, compute = MemberFactory(), MemberFactory(), Counter()

    assert cached_member_list(first, "liste", compute) == [1]
    assert cached_member_list(second, "liste", compute) == [2]
    assert cached_member_list(first, "andere", compute) == [3]


def test_the_members_own_change_renews_only_their_lists(django_capture_on_commit_callbacks):
    first, second, compute = MemberFactory(), MemberFactory(), Counter()
    cached_member_list(first, "liste", compute)
    cached_member_list(second, "liste", compute)

    with django_capture_on_commit_callbacks(execute=True):
        retire_member_lists(first.pk)

    assert cached_member_list(first, "liste", compute) == [3]
    assert cached_member_list(second, "liste", compute) == [2]


def test_a_shared_change_renews_everyones_lists(django_capture_on_commit_callbacks):
    first, second, compute = MemberFactory(), MemberFactory(), Counter()
    cached_member_list(first, "liste", compute)
    cached_member_list(second, "liste", compute)

    with django_capture_on_commit_callbacks(execute=True):
        retire_member_lists()

    assert cached_member_list(first, "liste", compute) == [3]
    assert cached_member_list(second, "liste", compute) == [4]


def test_the_lists_are_renewed_only_after_the_commit(django_capture_on_commit_callbacks):
    member, compute = MemberFactory(), Counter()
    cached_member_list(member, "liste", compute)

    with django_capture_on_commit_callbacks(execute=True):
        retire_member_lists(member.pk)
        # Still in the transaction: a list computed now would come from the old rows.
        assert cached_member_list(member, "liste", compute) == [1]

    assert cached_member_list(member, "liste", compute) == [2]


def test_a_rolled_back_change_keeps_the_lists(django_capture_on_commit_callbacks):
    member, compute = MemberFactory(), Counter()
    cached_member_list(member, "liste", compute)

    with django_capture_on_commit_callbacks(execute=False):
        retire_member_lists(member.pk)

    assert cached_member_list(member, "liste", compute) == [1]


def test_nothing_is_kept_for_a_visitor():
    compute = Counter()

    cached_member_list(AnonymousUser(), "liste", compute)
    cached_member_list(AnonymousUser(), "liste", compute)

    assert compute.runs == 2


def test_items_are_read_once_for_everybody_until_anyones_change(
    django_capture_on_commit_callbacks,
):
    member, asked = MemberFactory(), []

    def rows(keys: list[int]) -> dict[int, str]:
        asked.append(keys)
        # Key 4 is gone by now (a question deleted since its key was read).
        return {key: f"Zeile {key}" for key in keys if key != 4}

    assert kept_items("zeile", [1, 2], rows) == {1: "Zeile 1", 2: "Zeile 2"}
    assert kept_items("zeile", [2, 3, 4], rows) == {2: "Zeile 2", 3: "Zeile 3"}
    assert kept_items("zeile", [], rows) == {}
    assert asked == [[1, 2], [3, 4]]

    with django_capture_on_commit_callbacks(execute=True):
        retire_member_lists(member.pk)
    kept_items("zeile", [1], rows)
    assert asked == [[1, 2], [3, 4]]

    with django_capture_on_commit_callbacks(execute=True):
        retire_member_lists()
    assert kept_items("zeile", [1], rows) == {1: "Zeile 1"}
    assert asked == [[1, 2], [3, 4], [1]]
