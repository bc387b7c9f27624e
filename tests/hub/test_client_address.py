"""Client addresses behind the reverse proxy: X-Forwarded-For is read from the right, and only
the entries of configured proxies are believed (hub/client_address.py)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from hub.client_address import address_from_chain, client_address, client_network
from hub.settings.env import ConfigurationError, env_trusted_proxies
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


@pytest.mark.django_db
def test_rotating_the_spoofed_entry_does_not_escape_the_suggestion_limit(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

    answers = [
        client.get(
            reverse("search:suggestions"),
            {"q": "Ak"},
            REMOTE_ADDR=NGINX,
            HTTP_X_FORWARDED_FOR=f"198.51.{n // 250}.{n % 250}, 203.0.113.7",
        ).status_code
        for n in range(150)
    ]
    other_client = client.get(
        reverse("search:suggestions"),
        {"q": "Ak"},
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.8",
    )

    assert answers.count(429) == 30
    assert other_client.status_code == 200


@pytest.mark.django_db
def test_rotating_the_header_from_an_untrusted_peer_does_not_escape_the_limit(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]

    answers = [
        client.get(
            reverse("search:suggestions"),
            {"q": "Ak"},
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n % 250}",
        ).status_code
        for n in range(125)
    ]

    assert answers.count(429) == 5


@pytest.mark.django_db
def test_without_configuration_the_header_cannot_choose_the_address(client, settings):
    settings.TRUSTED_PROXIES = []

    answers = [
        client.get(
            reverse("search:suggestions"),
            {"q": "Ak"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n % 250}",
        ).status_code
        for n in range(125)
    ]

    assert answers.count(429) == 5


@pytest.mark.django_db
def test_rotating_ipv6_addresses_within_one_network_does_not_escape_the_limit(client, settings):
    settings.TRUSTED_PROXIES = ["unix"]

    answers = [
        client.get(
            reverse("search:suggestions"),
            {"q": "Ak"},
            REMOTE_ADDR="",
            HTTP_X_FORWARDED_FOR=f"2001:db8:1:2::{n:x}",
        ).status_code
        for n in range(125)
    ]

    assert answers.count(429) == 5
