"""Configuration comes from the environment; bad values stop start-up with one clear sentence."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from hub.settings.env import ConfigurationError, env_bool, env_database, env_int, env_url

PROJECT_DIR = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "SECRET_KEY"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://user@host/db"),
        ("DATABASE_URL", "postgresql://user@host:notaport/db"),
        ("DATABASE_URL", "postgresql://user@host:5432/"),
        ("REDIS_URL", "localhost:6379"),
        ("ELASTICSEARCH_URL", "elasticsearch"),
        ("DEBUG", "vielleicht"),
    ],
)
def test_malformed_environment_stops_start_up_with_one_sentence(variable, value):
    result = run_manage("check", DJANGO_SETTINGS_MODULE="hub.settings.dev", **{variable: value})

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Konfigurationsfehler: Die Umgebungsvariable " + variable)


def test_asgi_entry_point_stops_with_the_same_sentence():
    result = subprocess.run(
        [sys.executable, "-c", "import hub.asgi"],
        cwd=PROJECT_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "hub.settings.dev", "REDIS_URL": "nope"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert result.stderr.strip().startswith("Konfigurationsfehler: Die Umgebungsvariable REDIS_URL")


def test_production_requires_a_real_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="hub.settings.production")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_production_settings_pass_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="hub.settings.production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="kollegium.example",
    )

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_system_checks_pass():
    call_command("check", fail_level="WARNING")


@pytest.mark.django_db
def test_models_and_migrations_are_in_sync():
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def test_env_parsers_accept_good_values(monkeypatch):
    monkeypatch.setenv("FLAG", "ja")
    monkeypatch.setenv("NUMBER", "12")
    monkeypatch.setenv("DB", "postgres://kollegium:geheim@db.internal:5433/kollegium")
    monkeypatch.setenv("SEARCH", "https://search.internal:9200")

    assert env_bool("FLAG", default=False) is True
    assert env_int("NUMBER", 1) == 12
    database = env_database("DB", default={})
    assert (database["ENGINE"], database["HOST"], database["PORT"], database["NAME"]) == (
        "django.db.backends.postgresql",
        "db.internal",
        5433,
        "kollegium",
    )
    assert (
        env_url("SEARCH", schemes={"http", "https"}, example="") == "https://search.internal:9200"
    )


def test_postgresql_prepares_statements_unless_switched_off(monkeypatch):
    monkeypatch.setenv("DB", "postgresql://kollegium@db.internal:5432/kollegium")

    assert env_database("DB", default={})["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": 5,
    }
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    assert "OPTIONS" not in env_database("DB", default={})


def test_prepared_statements_keep_the_options_of_the_address(monkeypatch):
    monkeypatch.setenv("DB", "postgresql://kollegium@db.internal:5432/kollegium?sslmode=require")

    assert env_database("DB", default={})["OPTIONS"] == {
        "sslmode": "require",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }


def test_env_int_rejects_values_below_minimum(monkeypatch):
    monkeypatch.setenv("NUMBER", "0")

    with pytest.raises(ConfigurationError, match="NUMBER"):
        env_int("NUMBER", 5, minimum=1)
