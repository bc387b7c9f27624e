"""Index entries for tests that need exact control over what the database index holds."""

from __future__ import annotations

from datetime import datetime

from search.indexing import Item
from search.models import Audience


def search_item(
    key: str,
    title: str,
    *,
    kind: str = "practice",
    audience: str = Audience.PUBLIC,
    text: str = "",
    date: datetime | None = None,
) -> Item:
    return Item(
        entry_id=key,
        key=key,
        kind=kind,
        audience=audience,
        title=title,
        text=text,
        url=f"/{key}/",
        date=date,
    )
