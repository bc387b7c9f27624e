"""Demo seeder: make sure the search index covers the demo content.

Content created through services and the admin is indexed by the receivers; bulk-loaded demo
data (`seed_demo --scale`) bypasses signals, so the index is rebuilt when its counts lag behind.
"""

from __future__ import annotations

from django.db.models import Count

from core.demo import DemoContext, DemoReport
from search.indexing import database_counts, rebuild
from search.models import SearchEntry


def index_is_current() -> bool:
    indexed = dict(
        SearchEntry.objects.order_by()
        .values_list("kind")
        .annotate(count=Count("key", distinct=True))
    )
    return all(indexed.get(kind, 0) == count for kind, count in database_counts().items())


def seed_search_index(context: DemoContext, report: DemoReport) -> None:
    if not index_is_current():
        report.count("Sucheinträge", rebuild())
