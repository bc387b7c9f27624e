"""A throwaway demo site on a free loopback port, for the screenshot tool and the Lighthouse bench.

`demo_site()` makes a temporary var dir, migrates it and loads `seed_demo` (subprocesses with
hub.settings.dev), starts Daphne on it, and removes server and directory afterwards, also on
error. With `production=True` the server runs hub.settings.production the way it is deployed
(DEBUG off, static files collected into the temp dir with hashed, compressed names), only on
plain http: loopback has no TLS proxy in front.

`demo_pages()` reads the addresses of the pages worth looking at from the seeded database.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
MEMBER_EMAIL = "miriam.schulte@demo.kollegium.example"
TRAINER_EMAIL = "thomas.becker@demo.kollegium.example"
DEMO_PASSWORD = "kollegium-demo"  # noqa: S105 - the seeded demo accounts' published password
SEARCH_QUERY = "Bürgerbeteiligung"
SERVER_START_TIMEOUT_S = 60


@dataclass(frozen=True)
class DemoPage:
    """A page to look at; `public` says whether anonymous visitors may see it."""

    name: str
    path: str
    public: bool = True
    members: bool = True


@dataclass(frozen=True)
class DemoSite:
    url: str
    var_dir: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _manage(*args: str, env: dict[str, str]) -> None:
    """Run a management command quietly; its output is shown only if it fails."""
    result = subprocess.run(  # noqa: S603 - fixed command, arguments from this module
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise RuntimeError(f"manage.py {' '.join(args)} failed with code {result.returncode}")


def _wait_until_up(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"Daphne ended with code {server.returncode} before it answered")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):  # noqa: S310 - loopback
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"Daphne did not answer on {url} within {SERVER_START_TIMEOUT_S} s")


@contextlib.contextmanager
def demo_site(*, production: bool = False) -> Iterator[DemoSite]:
    """Serve a freshly seeded demo network; this process's environment is pointed at its
    database, so `demo_pages()` and other ORM reads see it."""
    with tempfile.TemporaryDirectory(prefix="kollegium-demo-") as tmp:
        var_dir = Path(tmp)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        os.environ.update(
            KOLLEGIUM_VAR_DIR=str(var_dir),
            DJANGO_SETTINGS_MODULE="hub.settings.dev",
            WAGTAILADMIN_BASE_URL=url,
        )
        setup_env = dict(os.environ)
        _manage("migrate", "--noinput", env=setup_env)
        # Pages and screenshots need the demo's words, not its vectors (minutes of embedding);
        # searches still embed the query, as in production.
        _manage("seed_demo", env={**setup_env, "SEARCH_VECTORS": "false"})
        server_env = dict(setup_env)
        if production:
            server_env.update(
                DJANGO_SETTINGS_MODULE="hub.settings.production",
                SECRET_KEY=secrets.token_urlsafe(50),
                ALLOWED_HOSTS="127.0.0.1,localhost",
                SECURE_SSL_REDIRECT="false",
            )
            _manage("collectstatic", "--noinput", env=server_env)
        daphne = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
        server = subprocess.Popen(  # noqa: S603 - fixed command
            [*daphne, "hub.asgi:application"],
            cwd=PROJECT_DIR,
            env=server_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(url, server)
            yield DemoSite(url=url, var_dir=var_dir)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def signed_in_context(browser: Browser, base_url: str, viewport: ViewportSize) -> BrowserContext:
    """A browser context with the demo member signed in through the login form."""
    context = browser.new_context(locale="de-DE", viewport=viewport)
    page = context.new_page()
    sign_in(page, base_url)
    page.close()
    return context


def sign_in(page: Page, base_url: str) -> None:
    """Sign the demo member in through the login form in this page's browser context."""
    page.goto(base_url + "/konto/login/")
    page.get_by_label("E-Mail").fill(MEMBER_EMAIL)
    page.get_by_label("Passwort").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/konto/login/" not in url)


def demo_pages() -> list[DemoPage]:
    """The pages to look at, found in the seeded database: the busiest open channel and thread,
    a live course with its next session, the trainer's profile, a practice example."""
    import django

    django.setup()
    from django.db.models import Count
    from django.urls import reverse

    from discussions.models import Channel, ChannelVisibility, Message
    from hub.models import PracticePage
    from members.models import Profile
    from peer_learning.models import CoursePage, Session

    channel = (
        Channel.objects.filter(visibility=ChannelVisibility.OPEN, is_archived=False)
        .annotate(message_count=Count("messages"))
        .order_by("-message_count")
        .first()
    )
    thread = (
        Message.objects.filter(
            channel__visibility=ChannelVisibility.OPEN,
            reply_to=None,
            deleted_at=None,
            hidden_at=None,
        )
        .annotate(reply_count=Count("replies"))
        .order_by("-reply_count")
        .first()
    )
    course = CoursePage.objects.live().public().annotate(n=Count("sessions")).order_by("-n").first()
    session = Session.objects.filter(course__live=True).order_by("-starts_at").first()
    profile = Profile.objects.get(user__email=TRAINER_EMAIL)
    practice = PracticePage.objects.live().public().first()
    if not (channel and thread and course and session and practice):
        raise RuntimeError("seed_demo did not create the pages to look at")
    return [
        DemoPage("startseite", "/"),
        DemoPage("suche", reverse("search:search") + "?" + urlencode({"q": SEARCH_QUERY})),
        DemoPage("kanal", reverse("discussions:channel", args=[channel.slug]), public=False),
        DemoPage("thread", reverse("discussions:thread", args=[thread.pk]), public=False),
        DemoPage("katalog", reverse("peer_learning:catalogue")),
        DemoPage("impuls", course.get_url()),
        DemoPage("termin", reverse("peer_learning:session", args=[session.pk])),
        DemoPage("verzeichnis", reverse("members:directory")),
        DemoPage("profil", reverse("members:profile", args=[profile.pk])),
        DemoPage("registrierung", reverse("account_signup"), members=False),
        DemoPage("wissen", reverse("knowledge:index")),
        DemoPage("praxisbeispiel", practice.get_url()),
    ]


def select_pages(pages: list[DemoPage], names: str | None) -> list[DemoPage]:
    """The pages named in a comma-separated list (all without one)."""
    if not names:
        return pages
    wanted = set(names.split(","))
    unknown = wanted - {page.name for page in pages}
    if unknown:
        known = ", ".join(page.name for page in pages)
        raise SystemExit(f"Unbekannte Seiten: {', '.join(sorted(unknown))} (bekannt: {known})")
    return [page for page in pages if page.name in wanted]
