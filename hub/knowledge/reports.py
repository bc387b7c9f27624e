"""Editors' reports in the Wagtail admin: submissions waiting for review, articles overdue,
members' feedback."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.reports import PageReportView

from core.csv_export import SafeSpreadsheetExportMixin
from hub.knowledge.selectors import (
    pending_submissions,
    practice_feedback_report,
    stale_practice_pages,
)


class PendingSubmissionsReport(SafeSpreadsheetExportMixin, PageReportView):
    """Practice pages in the review workflow, with who submitted them and since when."""

    page_title = _("Offene Einreichungen")
    header_icon = "tasks"
    results_template_name = "hub/reports/pending_submissions_results.html"
    index_url_name = "knowledge_reports:pending"
    index_results_url_name = "knowledge_reports:pending_results"
    any_permission_required = ["publish"]
    list_export = ["title", "latest_revision_created_at", "submitted_by.profile.display_name"]
    export_headings = {
        "title": _("Titel"),
        "latest_revision_created_at": _("Zuletzt geändert"),
        "submitted_by.profile.display_name": _("Eingereicht von"),
    }

    def get_filename(self) -> str:
        return f"offene-einreichungen-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self) -> Any:
        self.queryset = pending_submissions()
        return super().get_queryset()


class StalePracticePagesReport(SafeSpreadsheetExportMixin, PageReportView):
    """Live articles past their review date: the longest overdue first."""

    page_title = _("Veraltete Beiträge")
    header_icon = "time"
    results_template_name = "hub/reports/stale_results.html"
    index_url_name = "knowledge_reports:stale"
    index_results_url_name = "knowledge_reports:stale_results"
    any_permission_required = ["publish"]
    list_export = ["title", "review_date", "owner"]
    export_headings = {
        "title": _("Titel"),
        "review_date": _("Prüfen bis"),
        "owner": _("Verantwortlich"),
    }

    def get_filename(self) -> str:
        return f"veraltete-beitraege-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self) -> Any:
        self.queryset = stale_practice_pages()
        return super().get_queryset()


class PracticeFeedbackReport(SafeSpreadsheetExportMixin, PageReportView):
    """Live articles with how many members found them helpful and how many administrations
    use them, the most helpful first."""

    page_title = _("Rückmeldungen zu Beiträgen")
    header_icon = "pick"
    results_template_name = "hub/reports/feedback_results.html"
    index_url_name = "knowledge_reports:feedback"
    index_results_url_name = "knowledge_reports:feedback_results"
    any_permission_required = ["publish"]
    list_export = ["title", "helpful_count", "reuse_count", "first_published_at"]
    export_headings = {
        "title": _("Titel"),
        "helpful_count": _("Hilfreich"),
        "reuse_count": _("Nachnutzungen"),
        "first_published_at": _("Veröffentlicht"),
    }

    def get_filename(self) -> str:
        return f"rueckmeldungen-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self) -> Any:
        self.queryset = practice_feedback_report()
        return super().get_queryset()
