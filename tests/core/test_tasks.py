import pytest
from django.db import transaction
from django_tasks import task

from core.tasks import enqueue_on_commit
from hub.settings.env import ConfigurationError, env_tasks

RAN: list[str] = []


@task()
def remember(word: str) -> None:
    RAN.append(word)


def test_tasks_backend_from_environment(monkeypatch):
    monkeypatch.setenv("TASKS_BACKEND", "database")
    assert env_tasks("TASKS_BACKEND", "immediate")["default"]["BACKEND"] == (
        "django_tasks_db.DatabaseBackend"
    )
    monkeypatch.delenv("TASKS_BACKEND")
    assert "ImmediateBackend" in env_tasks("TASKS_BACKEND", "immediate")["default"]["BACKEND"]
    monkeypatch.setenv("TASKS_BACKEND", "celery")
    with pytest.raises(ConfigurationError, match="TASKS_BACKEND muss immediate oder database"):
        env_tasks("TASKS_BACKEND", "immediate")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tasks_run_only_after_commit():
    RAN.clear()
    with transaction.atomic():
        enqueue_on_commit(remember, "committed")
        assert RAN == []
    assert RAN == ["committed"]
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(remember, "rolled back")
        raise RuntimeError
    assert RAN == ["committed"]
