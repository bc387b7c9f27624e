"""The websocket Origin check compares scheme, host and port, as Django's CSRF check does for a
POST (issue 19, finding 8: `http://localhost:9999` was accepted for a site on another port)."""

import pytest
from channels.testing import WebsocketCommunicator

from hub.asgi import application
from members.consumers import CLOSE_UNAUTHENTICATED
from members.socket_auth import origin_allowed


def handshake(host: str | None, origin: str | None, scheme: str | None = None, **headers: str):
    """A websocket scope as Daphne builds it (Daphne names no scheme; other servers may)."""
    pairs = [("host", host), ("origin", origin)]
    pairs += [(name.replace("_", "-"), value) for name, value in headers.items()]
    scope = {
        "type": "websocket",
        "path": "/ws/live/",
        "query_string": b"",
        "headers": [(name.encode(), value.encode()) for name, value in pairs if value is not None],
    }
    if scheme:
        scope["scheme"] = scheme
    return scope


@pytest.mark.parametrize(
    ("host", "origin", "scheme"),
    [
        ("testserver", "http://testserver", None),
        ("localhost:8000", "http://localhost:8000", None),
        ("localhost:8000", "http://localhost:8000", "ws"),
        ("localhost:8443", "https://localhost:8443", "wss"),
        ("127.0.0.1:8000", "http://127.0.0.1:8000", None),
    ],
)
def test_the_sites_own_origin_is_accepted(host, origin, scheme):
    assert origin_allowed(handshake(host, origin, scheme))


@pytest.mark.parametrize(
    ("host", "origin", "scheme"),
    [
        # The probe's case: same host name, another port.
        ("localhost:8000", "http://localhost:9999", None),
        ("localhost:8000", "http://localhost", None),
        ("localhost", "http://localhost:80", None),
        # Another scheme.
        ("localhost:8000", "https://localhost:8000", None),
        ("localhost:8443", "http://localhost:8443", "wss"),
        ("testserver", "ws://testserver", None),
        # Another host, or one outside ALLOWED_HOSTS even when Host and Origin agree.
        ("testserver", "http://evil.example", None),
        ("testserver", "http://testserver.evil.example", None),
        ("evil.example", "http://evil.example", None),
        # No Origin (not a browser page), an opaque one, garbage.
        ("testserver", None, None),
        ("testserver", "null", None),
        ("testserver", "http://[testserver", None),
        ("testserver", "", None),
    ],
)
def test_origins_of_another_scheme_host_or_port_are_refused(host, origin, scheme):
    assert not origin_allowed(handshake(host, origin, scheme))


def test_two_origin_headers_are_refused():
    scope = handshake("testserver", "http://testserver")
    scope["headers"].append((b"origin", b"http://evil.example"))

    assert not origin_allowed(scope)


def test_behind_a_tls_proxy_the_forwarded_scheme_counts(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    https = handshake("testserver", "https://testserver", x_forwarded_proto="https")
    http = handshake("testserver", "http://testserver", x_forwarded_proto="https")
    plain = handshake("testserver", "https://testserver", x_forwarded_proto="http")

    assert origin_allowed(https)
    assert not origin_allowed(http)
    assert not origin_allowed(plain)


def test_a_forwarded_host_counts_only_where_configured(settings):
    forwarded = handshake(
        "upstream:8000", "https://kollegium.example", "wss", x_forwarded_host="kollegium.example"
    )
    settings.ALLOWED_HOSTS = ["upstream", "kollegium.example"]

    refused = origin_allowed(forwarded)
    settings.USE_X_FORWARDED_HOST = True

    assert not refused
    assert origin_allowed(forwarded)


def test_csrf_trusted_origins_are_honoured_with_scheme_and_port(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://kollegium.example", "https://*.bund.example:8443"]

    assert origin_allowed(handshake("testserver", "https://kollegium.example"))
    assert not origin_allowed(handshake("testserver", "http://kollegium.example"))
    assert not origin_allowed(handshake("testserver", "https://kollegium.example:444"))
    assert origin_allowed(handshake("testserver", "https://amt.bund.example:8443"))
    assert origin_allowed(handshake("testserver", "https://bund.example:8443"))
    assert not origin_allowed(handshake("testserver", "https://amt.bund.example"))
    assert not origin_allowed(handshake("testserver", "http://amt.bund.example:8443"))
    # A trusted origin does not admit a Host outside ALLOWED_HOSTS.
    assert not origin_allowed(handshake("evil.example", "https://kollegium.example"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        (b"http://localhost:8000", True),
        (b"http://localhost:9999", False),
        (b"https://localhost:8000", False),
    ],
)
async def test_the_application_refuses_the_handshake_before_any_consumer(origin, accepted):
    headers = [(b"host", b"localhost:8000"), (b"origin", origin)]
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=headers)

    connected, code = await communicator.connect()

    # Past the origin check, an anonymous visitor meets the consumer's refusal instead.
    assert connected is False
    assert (code == CLOSE_UNAUTHENTICATED) is accepted
