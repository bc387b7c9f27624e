"""`make run`: links in mails point to the address it serves on, and its log shows requests and
warnings, not a line per background task.

The Makefile test runs the real `make run` with a stand-in virtualenv whose `daphne` prints the
address the site was given, and `true` in place of manage.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="GNU make is not installed")


def make_run(tmp_path: Path, *arguments: str, **env: str) -> str:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # Newer than pyproject.toml, so `make` installs nothing.
    (bin_dir / ".installed").touch()
    daphne = bin_dir / "daphne"
    daphne.write_text('#!/bin/sh\necho "$WAGTAILADMIN_BASE_URL"\n', encoding="utf-8")
    daphne.chmod(0o755)
    environment = {key: value for key, value in os.environ.items() if key != "MAKEFLAGS"}
    environment.pop("WAGTAILADMIN_BASE_URL", None)
    result = subprocess.run(
        [MAKE, "-s", "-C", str(ROOT), "run", f"BIN={bin_dir}", "MANAGE=true", *arguments],
        env={**environment, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.splitlines()[-1]


@needs_make
def test_make_run_links_to_the_port_it_serves_on(tmp_path):
    assert make_run(tmp_path, "PORT=8101") == "http://127.0.0.1:8101"


@needs_make
def test_make_run_keeps_an_address_the_user_set(tmp_path):
    address = make_run(tmp_path, "PORT=8101", WAGTAILADMIN_BASE_URL="https://kollegium.example")

    assert address == "https://kollegium.example"


def test_background_tasks_log_failures_only():
    """Asked of a fresh process with the settings `make run` uses: a `db_worker` run inside
    the test process turns the tasks logger down for good."""
    probe = (
        "import django, logging; django.setup(); tasks = logging.getLogger('django_tasks'); "
        "print(tasks.isEnabledFor(logging.INFO), tasks.isEnabledFor(logging.ERROR), "
        "logging.getLogger('django.request').isEnabledFor(logging.WARNING))"
    )
    environment = {key: value for key, value in os.environ.items() if key != "LOG_LEVEL"}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env={**environment, "DJANGO_SETTINGS_MODULE": "hub.settings.dev"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == ["False", "True", "True"]
