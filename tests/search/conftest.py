"""A small network to search in, indexed through the real receivers, and the backends to
search it with: the database (SQLite here, PostgreSQL with --database=postgresql) and a real
Elasticsearch node."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from discussions.models import ChannelVisibility
from discussions.services.channels import channel_create
from discussions.services.messages import message_post
from hub.models import Topic
from members.models import Approval, FederalState, User, Visibility
from peer_learning.models import CourseFormat, Session
from peer_learning.services import course_create
from tests.engines.servers import REQUEST_TIMEOUT_SECONDS
from tests.factories import MemberFactory, OrganisationFactory, practice_page_create


@dataclass
class World:
    topics: dict[str, Topic]
    member: User
    outsider_member: User
    pending: User
    practice: Any
    draft: Any
    course: Any
    session: Session
    open_message: Any
    private_message: Any
    private_channel: Any
    public_profile_owner: User
    members_only_owner: User
    anonymous: AnonymousUser


def build_world() -> World:
    topics = {
        name: Topic.objects.create(name=name) for name in ("Bürgerbeteiligung", "E-Akte", "Vergabe")
    }
    kommune = OrganisationFactory(name="Stadt Kassel", level="kommune", state=FederalState.HE)
    land = OrganisationFactory(name="Staatskanzlei Sachsen", level="land", state=FederalState.SN)
    member = MemberFactory(first_name="Mara", last_name="Kanal", organisation=kommune)
    outsider_member = MemberFactory(first_name="Olaf", last_name="Draußen", organisation=land)
    pending = MemberFactory(first_name="Paula", last_name="Wartend")
    pending.approval = Approval.PENDING
    pending.save()

    practice = practice_page_create(
        title="Bürgerbeteiligung in der Kommune",
        summary="Wie eine Stadt ihre Bürgerinnen und Bürger an der Haushaltsplanung beteiligt.",
        body=[("paragraph", "<p>Die Beteiligung begann mit einem Bürgerhaushalt.</p>")],
        topics=(topics["Bürgerbeteiligung"],),
        administration_level="kommune",
        state=FederalState.HE,
    )
    practice_page_create(
        title="E-Akte im Landesamt",
        summary="Die elektronische Akte ersetzt im Landesamt die Papierakte.",
        body=[("paragraph", "<p>Scannen, signieren, archivieren.</p>")],
        topics=(topics["E-Akte"],),
        administration_level="land",
        state=FederalState.SN,
    )
    draft = practice_page_create(
        title="Geheimer Entwurf zur Haushaltsplanung",
        summary="Noch nicht veröffentlicht: Haushaltsplanung mit Losverfahren.",
        publish=False,
    )
    trainer = MemberFactory(first_name="Tina", last_name="Trainerin")
    course = course_create(
        user=trainer,
        data={
            "title": "Einführung in die Vergabe",
            "summary": "Vergaberecht für Einsteigerinnen: Schwellenwerte und Verfahren.",
            "description": "<p>Wir üben an Beispielen aus der Kommune.</p>",
            "format": CourseFormat.choices[0][0],
            "topics": [topics["Vergabe"]],
        },
    )
    course.save_revision().publish()
    start = timezone.now() + timedelta(days=14)
    session = Session.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        delivery="online",
        capacity=20,
    )
    open_channel = channel_create(
        creator=member, name="Haushalt offen", topics=[topics["Bürgerbeteiligung"]]
    )
    open_message = message_post(
        author=member, channel=open_channel, source="Unser Bürgerhaushalt lief mit Losverfahren."
    )
    private_channel = channel_create(
        creator=outsider_member, name="Haushalt intern", visibility=ChannelVisibility.PRIVATE
    )
    private_message = message_post(
        author=outsider_member,
        channel=private_channel,
        source="Vertraulich: Losverfahren im Kreistag gescheitert.",
    )
    public_profile_owner = MemberFactory(
        first_name="Petra", last_name="Öffentlich", organisation=kommune
    )
    profile = public_profile_owner.profile
    profile.display_name_visibility = Visibility.PUBLIC
    profile.position = "Leitung Bürgerbüro"
    profile.position_visibility = Visibility.PUBLIC
    profile.bio = "Ich kenne mich mit Losverfahren aus."
    profile.bio_visibility = Visibility.MEMBERS
    profile.save()
    members_only_owner = MemberFactory(first_name="Max", last_name="Intern")
    return World(
        topics=topics,
        member=member,
        outsider_member=outsider_member,
        pending=pending,
        practice=practice,
        draft=draft,
        course=course,
        session=session,
        open_message=open_message,
        private_message=private_message,
        private_channel=private_channel,
        public_profile_owner=public_profile_owner,
        members_only_owner=members_only_owner,
        anonymous=AnonymousUser(),
    )


@pytest.fixture(params=["database", pytest.param("elasticsearch", marks=pytest.mark.engines)])
def search_backend(request: pytest.FixtureRequest, settings: Any) -> str:
    """Which engine answers; with Elasticsearch, indexes of this test's own prefix."""
    if request.param == "elasticsearch":
        server = request.getfixturevalue("elasticsearch_server")
        settings.ELASTICSEARCH_URL = server.url
        settings.ELASTICSEARCH_TIMEOUT = REQUEST_TIMEOUT_SECONDS
        settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:12]}-"
        server.wait_until_green()
        from search.backends import ElasticsearchBackend

        ElasticsearchBackend().create_index()
        yield request.param
        ElasticsearchBackend().drop_indexes()
    else:
        yield request.param


def refresh_index() -> None:
    """Elasticsearch shows new documents after a refresh; the database at once."""
    from search.backends import get_backend

    get_backend().refresh()


@pytest.fixture
def world(db: None, search_backend: str, django_capture_on_commit_callbacks: Any) -> World:
    with django_capture_on_commit_callbacks(execute=True):
        built = build_world()
    refresh_index()
    return built


# Search tasks on the database task backend, as production runs them.
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
OUTBOX_REPLAY = "search.outbox.search_outbox_sync"


def waiting_tasks(task_path: str):
    return DBTaskResult.objects.filter(task_path=task_path, status=TaskResultStatus.READY)


def run_due_tasks(task_path: str) -> list[DBTaskResult]:
    """What `manage.py db_worker` does with each due task of this path (claim it, run it,
    record the outcome), without its polling loop, which would end the test's transaction."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    due = list(waiting_tasks(task_path).ready())
    for result in due:
        result.claim(worker.worker_id)
        worker.run_task(result)
    return due


def waiting_replays():
    return waiting_tasks(OUTBOX_REPLAY)


def run_due_replays() -> list[DBTaskResult]:
    return run_due_tasks(OUTBOX_REPLAY)
