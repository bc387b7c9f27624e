"""Client addresses behind the reverse proxy: X-Forwarded-For is read from the right, and only
the entries of configured proxies are believed (core/client_address.py)."""

import http.client
import socket
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from channels.routing import get_default_application
from daphne.testing import DaphneProcess, _reinstall_reactor
from django.test import RequestFactory
from django.urls import reverse

from core.client_address import address_from_chain, client_address, client_network
from hub.settings.env import ConfigurationError, env_trusted_proxies
from search.views import SUGGESTIONS_PER_MINUTE
from tests.conftest import _apply_settings_in_server
from tests.hub.test_settings import run_manage

NGINX = "10.0.0.2"


def chain(forwarded_for: str, *, peer: str = NGINX, trusted: tuple[str, ...] = ("10.0.0.0/24",)):
    return address_from_chain(peer=peer, forwarded_for=forwarded_for, trusted=trusted)


def test_the_proxy_appended_entry_wins_over_what_the_client_wrote():
    # nginx's $proxy_add_x_forwarded_for: the client's own header, then the address nginx saw.
    assert chain("198.51.100.1, 203.0.113.7") == "203.0.113.7"
    assert chain("198.51.100.99, 203.0.113.7") == "203.0.113.7"


def test_every_trusted_proxy_in_the_chain_is_skipped():
    trusted = ("10.0.0.0/24", "192.0.2.10")
    assert chain("spoofed, 203.0.113.7, 192.0.2.10", trusted=trusted) == "203.0.113.7"


def test_without_trusted_proxies_the_header_is_ignored():
    assert chain("198.51.100.1, 203.0.113.7", trusted=()) == NGINX


def test_an_untrusted_peer_is_the_client_whatever_it_claims():
    assert chain("198.51.100.1", peer="203.0.113.66") == "203.0.113.66"


def test_a_unix_socket_peer_is_the_local_proxy_only_when_configured():
    assert chain("spoofed, 203.0.113.7", peer="", trusted=("unix",)) == "203.0.113.7"
    assert chain("spoofed, 203.0.113.7", peer="", trusted=("10.0.0.0/24",)) == ""
    assert chain("spoofed, 203.0.113.7", peer="", trusted=()) == ""


@pytest.mark.parametrize(
    ("forwarded_for", "expected"),
    [
        ("203.0.113.7:51234", "203.0.113.7"),
        ("[2001:db8::7]:443", "2001:db8::7"),
        ("2001:DB8:0:0::7", "2001:db8::7"),
        ("fe80::7%eth0", "fe80::7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        # Garbage where a proxy writes addresses: the client is unknown beyond the proxy.
        ("unknown", NGINX),
        ("203.0.113.7, <script>", NGINX),
        ("[2001:db8::7", NGINX),
        ("", NGINX),
        # A request from within the proxies' network: the left-most proxy is the client.
        ("10.0.0.9", "10.0.0.9"),
    ],
)
def test_entries_in_every_form_proxies_write(forwarded_for, expected):
    assert chain(forwarded_for) == expected


def test_a_peer_that_is_not_an_address_gives_no_address():
    assert chain("203.0.113.7", peer="localhost") == ""


def test_requests_read_remote_addr_and_the_header(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="1.2.3.4, 2001:db8:1:2:3:4:5:6"
    )

    assert client_address(request) == "2001:db8:1:2:3:4:5:6"
    # An IPv6 client holds its whole /64: rate limits count the network.
    assert client_network(request) == "2001:db8:1:2::/64"


def test_trusted_proxies_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PROXIES", " unix, 10.0.0.7 ,192.168.0.0/16, 2001:db8::/48, 10.1.2.3/8")

    assert env_trusted_proxies("PROXIES") == [
        "unix",
        "10.0.0.7/32",
        "192.168.0.0/16",
        "2001:db8::/48",
        "10.0.0.0/8",
    ]


@pytest.mark.parametrize("value", ["nginx", "10.0.0.300", "10.0.0.0/33", "0.0.0.0/0", "::/0"])
def test_malformed_trusted_proxies_are_refused(monkeypatch, value):
    monkeypatch.setenv("PROXIES", f"10.0.0.2, {value}")

    with pytest.raises(ConfigurationError, match="Die Umgebungsvariable PROXIES"):
        env_trusted_proxies("PROXIES")


def test_malformed_trusted_proxies_stop_start_up_with_one_sentence():
    result = run_manage(
        "check", DJANGO_SETTINGS_MODULE="hub.settings.dev", TRUSTED_PROXIES="nginx.local"
    )

    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("Konfigurationsfehler: Die Umgebungsvariable TRUSTED_PROXIES")
    assert "'nginx.local'" in line


# The probe behind the documented proxy: nginx appends the address it saw, the client rotates
# whatever it writes in front of it.


def flood(ask: Callable[[int], int]) -> list[int]:
    """Ask for suggestions until refused. The limit counts per clock minute; of 2 x limit + 1
    requests (sent within a minute) more than the limit fall into one minute, so a 429 comes
    unless the requests escape the limit."""
    answers: list[int] = []
    while len(answers) <= 2 * SUGGESTIONS_PER_MINUTE and 429 not in answers:
        answers.append(ask(len(answers)))
    return answers


def suggest(client, **headers) -> int:
    return client.get(reverse("search:suggestions"), {"q": "Ak"}, **headers).status_code


@pytest.mark.django_db
def test_rotating_the_spoofed_entry_does_not_escape_the_suggestion_limit(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

    answers = flood(
        lambda n: suggest(
            client,
            REMOTE_ADDR=NGINX,
            HTTP_X_FORWARDED_FOR=f"198.51.{n // 250}.{n % 250}, 203.0.113.7",
        )
    )
    other_client = suggest(
        client, REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.8"
    )

    assert answers[-1] == 429
    assert other_client == 200


@pytest.mark.django_db
def test_rotating_the_header_from_an_untrusted_peer_does_not_escape_the_limit(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

    answers = flood(
        lambda n: suggest(
            client, REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"198.51.100.{n % 250}"
        )
    )

    assert answers[-1] == 429


@pytest.mark.django_db
def test_without_configuration_the_header_cannot_choose_the_address(client, settings):
    settings.TRUSTED_PROXIES = []

    answers = flood(lambda n: suggest(client, HTTP_X_FORWARDED_FOR=f"198.51.100.{n % 250}"))

    assert answers[-1] == 429


@pytest.mark.django_db
def test_rotating_ipv6_addresses_within_one_network_does_not_escape_the_limit(client, settings):
    settings.TRUSTED_PROXIES = ["unix"]

    answers = flood(
        lambda n: suggest(client, REMOTE_ADDR="", HTTP_X_FORWARDED_FOR=f"2001:db8:1:2::{n:x}")
    )

    assert answers[-1] == 429


class UnixSocketDaphne(DaphneProcess):
    """Daphne on a Unix socket as in the README's production setup (no --proxy-headers)."""

    def __init__(self, path: str, setup) -> None:
        super().__init__("", get_default_application, setup=setup)
        self.path = path

    def run(self) -> None:
        _reinstall_reactor()
        from daphne.server import Server

        server = Server(
            application=self.get_application(),
            endpoints=[f"unix:{self.path}"],
            signal_handlers=False,
        )
        self.setup()
        server.run()


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=10)
        self.path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


@pytest.fixture
def unix_daphne(django_db_setup, django_db_blocker, tmp_path):
    from django.db import connections

    path = str(tmp_path / "daphne.sock")
    with django_db_blocker.unblock():
        connections.close_all()
        process = UnixSocketDaphne(
            path, setup=partial(_apply_settings_in_server, {"TRUSTED_PROXIES": ["unix"]})
        )
        process.start()
    deadline = time.monotonic() + 30
    while not Path(path).exists():
        assert process.is_alive() and time.monotonic() < deadline, "Daphne did not start"
        time.sleep(0.05)
    yield path
    process.terminate()
    process.join(timeout=10)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_documented_setup_counts_the_address_nginx_appends(unix_daphne):
    def ask(forwarded_for: str) -> int:
        connection = UnixHTTPConnection(unix_daphne)
        connection.request(
            "GET",
            reverse("search:suggestions") + "?q=Ak",
            headers={"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": "https"},
        )
        status = connection.getresponse().status
        connection.close()
        return status

    answers = flood(lambda n: ask(f"198.51.{n // 250}.{n % 250}, 203.0.113.7"))

    assert answers[-1] == 429
    assert ask("198.51.100.1, 203.0.113.8") == 200


@pytest.mark.django_db
def test_an_unknown_client_cannot_sign_in_rather_than_share_one_address(client, settings, member):
    # Daphne on a Unix socket without `unix` in TRUSTED_PROXIES: no address at all.
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

    response = client.post(
        reverse("account_login"),
        {"login": member.email, "password": "egal"},
        REMOTE_ADDR="",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )

    assert response.status_code == 403
