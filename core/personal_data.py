"""Registry for what the platform holds about a member (GDPR Art. 15, 17, 20).

Each app contributes in `AppConfig.ready()`: an exporter that returns its part of the member's
data as JSON-safe values, and optionally an eraser that anonymises content the member authored
(so discussions and articles stay readable) before the account itself is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]


@dataclass(frozen=True)
class Contributor:
    name: str
    export: Exporter
    erase: Eraser | None = None


_contributors: dict[str, Contributor] = {}


def register(name: str, export: Exporter, erase: Eraser | None = None) -> None:
    _contributors[name] = Contributor(name=name, export=export, erase=erase)


def contributors() -> list[Contributor]:
    return list(_contributors.values())
