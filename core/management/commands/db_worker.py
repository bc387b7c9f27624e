"""django-tasks-db's worker (`manage.py db_worker`), announcing its start.

The project's `hub` app comes before `django_tasks_db` in INSTALLED_APPS, so this command
takes the name; everything else is django-tasks-db's own.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from core.signals import process_started


class Command(WorkerCommand):
    def handle(self, *args: Any, **options: Any) -> None:
        # django-tasks has no signal of its own for a worker's start.
        process_started.send_robust(sender="db_worker")
        super().handle(*args, **options)
