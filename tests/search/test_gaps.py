"""Content gaps: searches with no or few results, counted per week without who asked, kept
90 days, and the editors' report with a way to write the missing article."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.roles import Role
from search.gaps import record_search, week_of
from search.models import SearchGap
from tests.factories import MemberFactory, totp_activate


def searched(client, text, **params):
    return client.get(reverse("search:search"), {"q": text, **params})


def on_day(day: datetime.date):
    return mock.patch("search.gaps.timezone.localdate", return_value=day)


def test_a_search_without_results_is_counted_without_who_asked(client, db):
    member = MemberFactory()
    client.force_login(member)

    searched(client, "  Gibt es  Vorlagen für die Wärmeplanung? ")

    gap = SearchGap.objects.get()
    assert gap.query == "gibt es vorlagen für die wärmeplanung?"
    assert gap.week == week_of(timezone.localdate())
    assert gap.week.weekday() == 0
    assert (gap.count, gap.result_count) == (1, 0)
    # Nothing that could lead back to a person: no user, address, session or time of day.
    assert {field.name for field in SearchGap._meta.get_fields()} == {
        "id",
        "query",
        "week",
        "count",
        "result_count",
    }


def test_filtered_searches_later_pages_and_found_queries_are_not_counted(client, db, settings):
    settings.SEARCH_GAP_MAX_HITS = 3
    searched(client, "Wärmeplanung", art="practice")
    searched(client, "Wärmeplanung", seite="2")
    searched(client, "")

    assert not SearchGap.objects.exists()

    record_search("Wärmeplanung", 3)
    record_search("Bürgerhaushalt", 2)
    assert list(SearchGap.objects.values_list("query", "result_count")) == [("bürgerhaushalt", 2)]


def test_counted_once_per_query_and_week(db):
    monday = datetime.date(2026, 11, 30)
    with on_day(monday):
        record_search("Wärmeplanung", 0)
    with on_day(monday + datetime.timedelta(days=6)):
        record_search("wärmeplanung ", 1)
    with on_day(monday + datetime.timedelta(days=7)):
        record_search("Wärmeplanung", 0)

    assert list(
        SearchGap.objects.order_by("week").values_list("week", "count", "result_count")
    ) == [
        (monday, 2, 1),
        (monday + datetime.timedelta(days=7), 1, 0),
    ]


def test_a_week_records_a_bounded_number_of_queries(db, settings):
    settings.SEARCH_GAP_QUERIES_PER_WEEK = 2
    monday = datetime.date(2026, 11, 30)
    with on_day(monday):
        for text in ("Wärmeplanung", "Glasfaser", "Erfundenes", "Wärmeplanung"):
            record_search(text, 0)

    assert dict(SearchGap.objects.values_list("query", "count")) == {
        "wärmeplanung": 2,
        "glasfaser": 1,
    }


def test_counts_are_kept_90_days(db, settings):
    settings.SEARCH_GAP_RETENTION_DAYS = 90
    today = datetime.date(2026, 12, 6)
    old = SearchGap.objects.create(query="alt", week=week_of(today - datetime.timedelta(days=91)))
    kept = SearchGap.objects.create(query="jung", week=week_of(today - datetime.timedelta(days=84)))

    with on_day(today):
        call_command("purge_search_gaps", stdout=mock.MagicMock())

    assert list(SearchGap.objects.all()) == [kept]
    assert not SearchGap.objects.filter(pk=old.pk).exists()


def test_a_new_week_purges_what_is_past_retention(db):
    today = datetime.date(2026, 12, 6)
    SearchGap.objects.create(query="alt", week=week_of(today - datetime.timedelta(days=120)))

    with on_day(today):
        record_search("Wärmeplanung", 0)

    assert list(SearchGap.objects.values_list("query", flat=True)) == ["wärmeplanung"]


@pytest.fixture
def editor_client(client, db):
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)
    return client


def test_the_report_lists_gaps_by_week_with_a_link_to_write_the_article(editor_client):
    from hub.models import KnowledgeIndexPage

    this_week = week_of(timezone.localdate())
    last_week = this_week - datetime.timedelta(days=7)
    SearchGap.objects.create(query="wärmeplanung", week=this_week, count=4)
    SearchGap.objects.create(query="bürgerhaushalt", week=last_week, count=2, result_count=1)
    add_url = reverse(
        "wagtailadmin_pages:add",
        args=("hub", "practicepage", KnowledgeIndexPage.objects.get().pk),
    )

    html = editor_client.get(reverse("search_reports:gaps")).content.decode()
    filtered = editor_client.get(
        reverse("search_reports:gaps"), {"week": last_week.isoformat()}
    ).content.decode()
    menu = editor_client.get(reverse("wagtailadmin_home")).content.decode()

    assert html.index("wärmeplanung") < html.index("bürgerhaushalt")
    assert "Beitrag anlegen" in html
    assert f'href="{add_url}"' in html
    assert "bürgerhaushalt" in filtered
    assert "wärmeplanung" not in filtered.split("<table", 1)[1]
    assert "search-gaps" in menu


@pytest.mark.parametrize("role", [None, Role.MODERATOR, Role.TRAINER])
def test_only_editors_see_the_report(client, db, role):
    user = MemberFactory(roles=(role,) if role else ())
    totp_activate(user)
    client.force_login(user)
    SearchGap.objects.create(query="wärmeplanung", week=week_of(timezone.localdate()))

    response = client.get(reverse("search_reports:gaps"))

    assert response.status_code in (302, 403)
    assert "wärmeplanung" not in response.content.decode()
