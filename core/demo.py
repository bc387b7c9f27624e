"""Registry for the demo network loaded by `manage.py seed_demo`.

Each app contributes a seeder in `AppConfig.ready()`. A seeder must be idempotent: it creates
only what is missing, so running the command twice changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass
class DemoContext:
    """What a seeder gets: the bulk volume asked for, a seeded RNG and a progress wrapper."""

    scale: int
    rng: random.Random
    progress: Callable[[Iterable[T], str, int], Iterator[T]]


@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, what: str, number: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + number


@dataclass(frozen=True)
class Seeder:
    name: str
    seed: Callable[[DemoContext, DemoReport], None]
    order: int


_seeders: dict[str, Seeder] = {}


def register(name: str, seed: Callable[[DemoContext, DemoReport], None], *, order: int) -> None:
    _seeders[name] = Seeder(name=name, seed=seed, order=order)


def seeders() -> list[Seeder]:
    return sorted(_seeders.values(), key=lambda seeder: seeder.order)
