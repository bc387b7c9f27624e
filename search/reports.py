"""The editors' report "Inhaltslücken": searches that found nothing or little, per week."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters  # type: ignore[import-untyped]  # ships no types; stubs not installed
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from core.csv_export import SafeSpreadsheetExportMixin
from hub.models import KnowledgeIndexPage, PracticePage
from search.models import SearchGap


def week_label(week: datetime.date) -> str:
    year, number, _weekday = week.isocalendar()
    return gettext("KW %(number)d/%(year)d (ab %(date)s)") % {
        "number": number,
        "year": year,
        "date": date_format(week, "SHORT_DATE_FORMAT"),
    }


def _week_choices() -> list[tuple[str, str]]:
    weeks = SearchGap.objects.order_by("-week").values_list("week", flat=True).distinct()
    return [(week.isoformat(), week_label(week)) for week in weeks]


class SearchGapFilterSet(WagtailFilterSet):
    week = django_filters.ChoiceFilter(
        label=_("Woche"), choices=_week_choices, empty_label=_("Alle Wochen")
    )

    class Meta:
        model = SearchGap
        fields = ["week"]


def new_practice_page_url() -> str | None:
    """Where editors start a practice page: the add form under the live knowledge index.
    Wagtail's add form takes no initial values, so the title is typed there."""
    index = KnowledgeIndexPage.objects.live().first()
    if index is None:
        return None
    return reverse(
        "wagtailadmin_pages:add",
        args=(PracticePage._meta.app_label, PracticePage._meta.model_name, index.pk),
    )


class SearchGapsReport(SafeSpreadsheetExportMixin, ReportView):
    """Queries with no or few results, the newest week and the most asked first."""

    page_title = _("Inhaltslücken")
    header_icon = "search"
    results_template_name = "search/reports/search_gaps_results.html"
    index_url_name = "search_reports:gaps"
    index_results_url_name = "search_reports:gaps_results"
    filterset_class = SearchGapFilterSet
    permission_policy = ModelPermissionPolicy(SearchGap)
    any_permission_required = ["view"]
    list_export = ["week", "query", "count", "result_count"]
    export_headings = {
        "week": _("Woche (ab Montag)"),
        "query": _("Suchanfrage"),
        "count": _("Anzahl"),
        "result_count": _("Treffer nach Wörtern"),
    }

    def get_filename(self) -> str:
        return f"inhaltsluecken-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self) -> Any:
        return SearchGap.objects.order_by("-week", "-count", "query")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            new_practice_page_url=new_practice_page_url(),
            retention_days=settings.SEARCH_GAP_RETENTION_DAYS,
            max_hits=settings.SEARCH_GAP_MAX_HITS,
            **kwargs,
        )
