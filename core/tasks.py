"""The platform's task mechanism (django-tasks): work that must not hold up a request.

Apps define tasks with `django_tasks.task` and enqueue them with `enqueue_on_commit`, so a
write that rolls back never sends mail and the worker always finds the committed rows. The
backend comes from the TASKS_BACKEND variable (see hub/settings/env.py).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks.base import Task


def enqueue_on_commit(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    """Enqueue `task` once the current transaction commits (at once outside a transaction).

    Arguments must be JSON-safe: pass primary keys, not model instances.
    """
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
