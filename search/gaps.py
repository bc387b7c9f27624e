"""Content gaps: searches that found nothing or little, counted per query and week without
who asked, for the editors' report. Kept `SEARCH_GAP_RETENTION_DAYS` days."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from search.models import SearchGap
from search.query import MAX_QUERY_LENGTH

QUERY_LENGTH = SearchGap._meta.get_field("query").max_length


def normalised_query(text: str) -> str:
    """The query as the report counts it: lower case, single spaces, cut to the field."""
    return " ".join(text[:MAX_QUERY_LENGTH].split()).casefold()[:QUERY_LENGTH].strip()


def week_of(day: datetime.date) -> datetime.date:
    """The Monday of the day's week."""
    return day - datetime.timedelta(days=day.weekday())


def record_search(text: str, result_count: int) -> None:
    """Count a search if it found fewer than `SEARCH_GAP_MAX_HITS` entries. The count rises in
    the database (F expression), so simultaneous searches are all counted."""
    query = normalised_query(text)
    if not query or result_count >= settings.SEARCH_GAP_MAX_HITS:
        return
    week = week_of(timezone.localdate())
    counted = SearchGap.objects.filter(query=query, week=week).update(
        count=F("count") + 1, result_count=result_count
    )
    if counted or SearchGap.objects.filter(week=week).count() >= (
        settings.SEARCH_GAP_QUERIES_PER_WEEK
    ):
        return
    gap, created = SearchGap.objects.get_or_create(
        query=query, week=week, defaults={"count": 1, "result_count": result_count}
    )
    if not created:
        # Another request created the row between the two statements: count this search too.
        SearchGap.objects.filter(pk=gap.pk).update(count=F("count") + 1)
    if created:
        # A new row starts at most once per query and week: cheap enough to keep the table
        # within its retention even where `purge_search_gaps` is not scheduled.
        purge_old_gaps()


def purge_old_gaps() -> int:
    """Delete the weeks that began more than `SEARCH_GAP_RETENTION_DAYS` days ago, so no count
    is older than that; returns how many rows went."""
    cutoff = timezone.localdate() - datetime.timedelta(days=settings.SEARCH_GAP_RETENTION_DAYS)
    deleted, _by_model = SearchGap.objects.filter(week__lt=cutoff).delete()
    return deleted
