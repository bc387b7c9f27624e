"""Benchmark: server time of the "Wer kann helfen?" directory with 5,000 members.

Runs the real view stack in-process (Django's test client: no network in the figures) against
a fresh database filled by `seed_demo --scale`, on SQLite and on a throwaway PostgreSQL server
started like the test suite's. Prints p50/p95 per scenario.

    make bench            # both engines
    python -m bench.directory --database sqlite --members 5000 --requests 200
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SCENARIOS = {
    "anonym, Seite 1": ("anonymous", "/mitglieder/"),
    "Mitglied, Seite 1": ("member", "/mitglieder/"),
    "Mitglied, Seite 50": ("member", "/mitglieder/?seite=50"),
    "Mitglied, Thema": ("member", "/mitglieder/?expertise=e-akte"),
    "Mitglied, Text + Ebene": ("member", "/mitglieder/?q=sach&level=kommune"),
}


@contextlib.contextmanager
def database(engine: str, workdir: Path) -> Iterator[str]:
    if engine == "sqlite":
        os.environ["KOLLEGIUM_VAR_DIR"] = str(workdir)
        yield "SQLite"
        return
    from tests.engines.servers import postgres_server

    with postgres_server(workdir / "postgres") as server:
        os.environ["DATABASE_URL"] = server.url("kollegium")
        import psycopg

        with psycopg.connect(server.url(), autocommit=True) as connection:
            connection.execute("CREATE DATABASE kollegium")
        yield f"PostgreSQL {server.version}"


def machine_pace() -> str:
    """The machine's pace when a figure was taken: the load average does not show a shared
    machine's slow hours (the same code measured half as fast again), this does. The best of
    three runs of a fixed pure-Python loop, in milliseconds, with the load."""
    runs = []
    for _run in range(3):
        begin = time.perf_counter()
        total = 0
        for number in range(2_000_000):
            total += number
        runs.append((time.perf_counter() - begin) * 1000)
    load = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"Takt: 2 Mio. Additionen in {min(runs):.0f} ms; Systemlast (1/5/15 min): {load}"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure_pages(
    clients: dict[str, Any], scenarios: dict[str, tuple[str, str]], requests: int
) -> None:
    """Print p50/p95 server time and requests/s of each (client, URL) scenario after warm-up."""
    print(f"{'Szenario':<28}{'p50 ms':>9}{'p95 ms':>9}{'Anfragen/s':>12}")
    for name, (who, url) in scenarios.items():
        client = clients[who]
        for _warm_up in range(5):
            client.get(url)
        samples = []
        for _request in range(requests):
            begin = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - begin) * 1000)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
        throughput = 1000 * len(samples) / sum(samples)
        print(
            f"{name:<28}{statistics.median(samples):>9.1f}"
            f"{percentile(samples, 0.95):>9.1f}{throughput:>12.0f}"
        )


def run(engine: str, members: int, requests: int) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="kollegium-bench-") as tmp,
        database(engine, Path(tmp)) as label,
    ):
        os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.dev"
        os.environ["DEBUG"] = "false"
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from members.models import User

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        call_command("seed_demo", "--scale", str(members), verbosity=0)
        seeded = time.perf_counter() - started
        clients = {
            "anonymous": Client(HTTP_HOST="localhost"),
            "member": Client(HTTP_HOST="localhost"),
        }
        clients["member"].force_login(User.objects.get(email__startswith="miriam.schulte"))

        print(f"\n{label}: {User.objects.count()} Mitglieder (angelegt in {seeded:.1f} s)")
        measure_pages(clients, SCENARIOS, requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=200)
    arguments = parser.parse_args()
    run(arguments.database, arguments.members, arguments.requests)


if __name__ == "__main__":
    main()
