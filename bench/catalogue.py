"""Benchmark: the learning catalogue with 500 courses and 2,000 sessions, and registrations
per second when many members register for the same sessions at once.

Server time in-process (Django's test client, no network), on SQLite and on a throwaway
PostgreSQL server, like bench/directory.py. Mails are queued in the database
(TASKS_BACKEND=database), as in production.

    make bench
    python -m bench.catalogue --database postgresql --courses 500 --sessions-per-course 4
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.directory import database, measure_pages, percentile

SCENARIOS = {
    "Katalog, anonym": ("anonymous", "/lernen/"),
    "Katalog, Mitglied": ("member", "/lernen/"),
    "Katalog, Seite 10": ("member", "/lernen/?seite=10"),
    "Katalog, Thema + Format": ("member", "/lernen/?thema=e-akte&format=workshop"),
    "Katalog, Suche": ("member", "/lernen/?q=verwaltung"),
    "Termine, Liste": ("member", "/lernen/termine/"),
    "Termine, freie Plätze": ("member", "/lernen/termine/?freie_plaetze=on"),
    "Termine, Monat": ("member", "/lernen/termine/monat/"),
}
FORMATS = ("kurzimpuls", "ama", "austausch", "workshop")
WORDS = ("Verwaltung", "Digitalisierung", "E-Akte", "Onlinedienste", "Führung", "Vergabe")


def build_catalogue(courses: int, sessions_per_course: int) -> None:
    import random

    from django.db import transaction
    from django.utils import timezone

    from hub.models import Topic
    from members.models import User
    from peer_learning.models import CatalogueIndexPage, CoursePage, Session

    rng = random.Random(5)  # noqa: S311 - reproducible benchmark data
    catalogue = CatalogueIndexPage.objects.get()
    topics = list(Topic.objects.all())
    trainers = list(User.objects.filter(groups__name="Trainer"))
    now = timezone.now()
    with transaction.atomic():
        for number in range(courses):
            course = CoursePage(
                title=f"{rng.choice(WORDS)} in der Praxis {number}",
                slug=f"bench-impuls-{number}",
                summary=f"Erfahrungen aus der {rng.choice(WORDS)} – Impuls {number}.",
                description="<p>Ein Impuls für den Benchmark.</p>",
                format=rng.choice(FORMATS),
                duration_minutes=rng.choice((30, 60, 90)),
                live=True,
                featured=number % 50 == 0,
            )
            course.topics = rng.sample(topics, 2)
            course.trainers = [rng.choice(trainers)]
            catalogue.add_child(instance=course)
            catalogue.refresh_from_db()
        sessions = []
        for course in CoursePage.objects.filter(slug__startswith="bench-impuls-"):
            for _session in range(sessions_per_course):
                starts_at = now + dt.timedelta(days=rng.randint(-30, 90), hours=rng.randint(0, 8))
                capacity = rng.choice((5, 10, 20, 30))
                sessions.append(
                    Session(
                        course=course,
                        starts_at=starts_at,
                        ends_at=starts_at + dt.timedelta(minutes=course.duration_minutes),
                        delivery="online",
                        meeting_url="https://konferenz.example/bench",
                        capacity=capacity,
                        seats_taken=rng.randint(0, capacity),
                    )
                )
        Session.objects.bulk_create(sessions, batch_size=500)


def measure_registrations(threads: int, capacity: int, registrants: int) -> None:
    """`registrants` members register for one session with `capacity` seats, `threads` at a
    time, each thread on its own database connection."""
    from django.db import connection
    from django.utils import timezone

    from members.models import Approval, User
    from peer_learning.models import CoursePage, Registration, Session
    from peer_learning.services import registration_create

    course = CoursePage.objects.filter(slug__startswith="bench-impuls-").first()
    starts_at = timezone.now() + dt.timedelta(days=3)
    session = Session.objects.create(
        course=course,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        delivery="online",
        meeting_url="https://konferenz.example/bench",
        capacity=capacity,
    )
    scale_members = User.objects.filter(email__endswith="@scale.kollegium.example")
    # Bulk-created demo members wait for approval; only approved members may register.
    scale_members.update(approval=Approval.APPROVED)
    people = list(scale_members.order_by("pk")[:registrants])
    if len(people) < registrants:
        sys.exit(f"Nur {len(people)} Mitglieder für {registrants} Anmeldungen vorhanden.")
    latencies: list[float] = []
    lock = threading.Lock()

    def register(person: User) -> None:
        try:
            begin = time.perf_counter()
            registration_create(session_id=session.pk, user=person)
            with lock:
                latencies.append((time.perf_counter() - begin) * 1000)
        finally:
            connection.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(register, people))
    elapsed = time.perf_counter() - started
    session.refresh_from_db()
    confirmed = Registration.objects.filter(session=session, status="confirmed").count()
    if confirmed != capacity or session.seats_taken != capacity:
        sys.exit(f"Überbucht oder Plätze frei: {confirmed} bestätigt, {capacity} Plätze")
    print(
        f"\nAnmeldungen unter Konkurrenz: {registrants} Mitglieder, {threads} gleichzeitig, "
        f"{capacity} Plätze\n"
        f"  {registrants / elapsed:.0f} Anmeldungen/s, je Anmeldung p50 "
        f"{statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms; "
        f"{confirmed} bestätigt, {registrants - confirmed} auf der Warteliste (nicht überbucht)"
    )


def run(engine: str, courses: int, sessions_per_course: int, requests: int, threads: int) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="kollegium-bench-") as tmp,
        database(engine, Path(tmp)) as label,
    ):
        os.environ["KOLLEGIUM_VAR_DIR"] = tmp
        os.environ["DJANGO_SETTINGS_MODULE"] = "hub.settings.dev"
        os.environ["DEBUG"] = "false"
        os.environ["TASKS_BACKEND"] = "database"
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from members.models import User
        from peer_learning.models import CoursePage, Session

        call_command("migrate", verbosity=0)
        call_command("seed_demo", "--scale", "400", verbosity=0)
        started = time.perf_counter()
        build_catalogue(courses, sessions_per_course)
        built = time.perf_counter() - started
        clients = {
            "anonymous": Client(HTTP_HOST="localhost"),
            "member": Client(HTTP_HOST="localhost"),
        }
        clients["member"].force_login(User.objects.get(email__startswith="miriam.schulte"))
        print(
            f"\n{label}: {CoursePage.objects.live().count()} Impulse, "
            f"{Session.objects.count()} Termine (angelegt in {built:.1f} s)"
        )
        measure_pages(clients, SCENARIOS, requests)
        measure_registrations(threads=threads, capacity=50, registrants=400)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--courses", type=int, default=500)
    parser.add_argument("--sessions-per-course", type=int, default=4)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--threads", type=int, default=16)
    arguments = parser.parse_args()
    run(
        arguments.database,
        arguments.courses,
        arguments.sessions_per_course,
        arguments.requests,
        arguments.threads,
    )


if __name__ == "__main__":
    main()
