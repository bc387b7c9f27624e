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
