"""Load the demo network: `manage.py seed_demo [--scale N]`.

Idempotent: every seeder creates only what is missing, so a second run changes nothing and a
run on a non-empty database only fills gaps.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from core.demo import DemoContext, DemoReport, seeders
from core.page_cache import page_cache_retire_on_commit

T = TypeVar("T")
MAX_SCALE = 1_000_000


def _scale(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if not 0 <= number <= MAX_SCALE:
        raise CommandError(
            f"--scale erwartet eine ganze Zahl von 0 bis {MAX_SCALE:,}".replace(",", ".")
            + f", nicht {value!r}."
        )
    return number


class Command(BaseCommand):
    help = (
        "Lädt das Demo-Netzwerk (idempotent); --scale N legt zusätzlich je N Mitglieder, "
        "Praxisbeispiele und Nachrichten an."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale",
            type=str,
            default="0",
            help="Massendaten für Lasttests: je N Mitglieder, Praxisbeispiele und Nachrichten.",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Startwert des Zufalls.")

    def handle(self, *args: Any, **options: Any) -> None:
        scale = _scale(options["scale"])
        show_progress = options["verbosity"] > 0

        def progress(items: Iterable[T], label: str, total: int) -> Iterator[T]:
            return iter(
                tqdm(items, desc=label, total=total, disable=not show_progress, file=self.stderr)
            )

        rng = random.Random(options["seed"])  # noqa: S311 - reproducible demo data, no secrets
        context = DemoContext(scale=scale, rng=rng, progress=progress)
        report = DemoReport()
        for seeder in seeders():
            seeder.seed(context, report)

        if report.created:
            # Seeders write in bulk, which sends no signals: pages cached before show none of it.
            page_cache_retire_on_commit()
            summary = ", ".join(f"{what}: {number}" for what, number in report.created.items())
            self.stdout.write(self.style.SUCCESS(f"Neu angelegt: {summary}"))
        else:
            self.stdout.write("Demo-Netzwerk ist vollständig, nichts zu tun.")
        if report.logins:
            self.stdout.write("\nDemo-Zugänge (nur für die lokale Vorschau):")
            for role, email, password in report.logins:
                self.stdout.write(f"  {role:<12} {email:<45} Passwort: {password}")
