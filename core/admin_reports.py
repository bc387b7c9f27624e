"""How editors' reports are wired into the Wagtail admin."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from wagtail.admin.views.reports import ReportView


def report_urls(
    prefix: str, namespace: str, reports: dict[str, tuple[str, type[ReportView]]]
) -> URLResolver:
    """A namespace of reports under `prefix`: per report name, its address and view.

    Each report gets the page itself and the address its filters reload the results from
    (`<name>_results`), which its `index_results_url_name` names.
    """
    patterns: list[URLPattern] = []
    for name, (address, view) in reports.items():
        patterns += [
            path(f"{address}/", view.as_view(), name=name),
            path(
                f"{address}/ergebnisse/",
                view.as_view(results_only=True),
                name=f"{name}_results",
            ),
        ]
    return path(prefix, include((patterns, namespace), namespace=namespace))


def wagtail_report_overrides() -> list[URLPattern]:
    """Wagtail's own reports at their own addresses, with formulas defused in the CSV export.

    Their CSV export writes titles and names as they are, and members choose both (a course
    title, a display name). These patterns come before Wagtail's admin URLs and have no name:
    Wagtail keeps reversing its own names, which lead to the same addresses and so here.
    The export is the report's own address with `?export=csv`; the results addresses, which
    export nothing, stay Wagtail's. Like every admin URL they require admin access and are
    never cached (`wagtail/admin/urls/__init__.py`).
    """
    from django.views.decorators.cache import never_cache
    from wagtail.admin.auth import require_admin_access
    from wagtail.admin.views.reports.aging_pages import AgingPagesView
    from wagtail.admin.views.reports.audit_logging import LogEntriesView
    from wagtail.admin.views.reports.locked_pages import LockedPagesView
    from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView

    from core.csv_export import SafeSpreadsheetExportMixin

    reports: dict[str, type[ReportView]] = {
        "locked": LockedPagesView,
        "workflow": WorkflowView,
        "workflow_tasks": WorkflowTasksView,
        "site-history": LogEntriesView,
        "aging-pages": AgingPagesView,
    }

    def with_safe_export(view: type[ReportView]) -> type[ReportView]:
        return type(view.__name__, (SafeSpreadsheetExportMixin, view), {})

    return [
        path(
            f"admin/reports/{address}/",
            never_cache(require_admin_access(with_safe_export(view).as_view())),
        )
        for address, view in reports.items()
    ]
