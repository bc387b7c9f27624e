"""The address of the client behind a request: the one place that reads X-Forwarded-For.

The client writes whatever it likes into X-Forwarded-For; each proxy only appends the address
it received the request from. So the chain is read from the right, starting with the peer
(who opened the connection to Daphne): while the address is one of the proxies named in
TRUSTED_PROXIES, the entry to its left was written by that proxy and is believed. The first
address that is not a trusted proxy is the client. With TRUSTED_PROXIES empty the header is
ignored and the peer is the client.

Daphne on a Unix socket reports no peer address (no REMOTE_ADDR); such a peer counts as the
local proxy when TRUSTED_PROXIES contains `unix`.
"""

from __future__ import annotations

import ipaddress
import logging
from functools import cache, lru_cache

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)

# A single IPv6 client usually holds a whole /64 network and can pick any address in it;
# counted per address, it could rotate past every limit (allauth groups the same way).
IPV6_CLIENT_PREFIX = 64

# How TRUSTED_PROXIES names a reverse proxy on a Unix socket; settings/env.py parses the same
# word (settings cannot import app code, so the word is written in both places).
UNIX_SOCKET_PEER = "unix"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(request: HttpRequest) -> str:
    """The client's IP address, or "" when it cannot be known (an untrusted Unix peer)."""
    return address_from_chain(
        peer=request.META.get("REMOTE_ADDR", ""),
        forwarded_for=request.META.get("HTTP_X_FORWARDED_FOR", ""),
        trusted=tuple(settings.TRUSTED_PROXIES),
    )


def client_network(request: HttpRequest) -> str:
    """What rate limits count a visitor by: the client address, or its /64 network for IPv6."""
    address = client_address(request)
    if ":" in address:
        return str(ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False))
    return address


def address_from_chain(*, peer: str, forwarded_for: str, trusted: tuple[str, ...]) -> str:
    """The right-most address of `X-Forwarded-For, peer` that is not a trusted proxy."""
    trust_unix, networks = _trusted_proxies(trusted)
    peer_address = _parse(peer) if peer else None
    if peer and peer_address is None:
        # Not an address (a server that puts something else into REMOTE_ADDR): nothing to trust.
        return ""
    if peer_address is None:
        if not trust_unix:
            _warn_untrusted_unix_peer()
            return ""
    elif not _is_trusted(peer_address, networks):
        return str(peer_address)
    # The peer is a trusted proxy: walk the entries it and the proxies before it appended.
    entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
    last_trusted = str(peer_address) if peer_address else ""
    for entry in reversed(entries):
        address = _parse(entry)
        if address is None:
            # Proxies write addresses; anything else came from the client, whose own address
            # is then unknown beyond the proxy that received it.
            return last_trusted
        if not _is_trusted(address, networks):
            return str(address)
        last_trusted = str(address)
    # Every hop is a trusted proxy (a request from inside the proxies' own network).
    return last_trusted


@cache
def _warn_untrusted_unix_peer() -> None:
    """Once per process: every visitor now shares one address in all rate limits."""
    logger.warning(
        "A request came through a Unix socket, but TRUSTED_PROXIES does not contain 'unix': "
        "client addresses are unknown and all visitors share their rate limits."
    )


@lru_cache(maxsize=8)
def _trusted_proxies(trusted: tuple[str, ...]) -> tuple[bool, tuple[Network, ...]]:
    networks = tuple(
        ipaddress.ip_network(entry, strict=False) for entry in trusted if entry != UNIX_SOCKET_PEER
    )
    return UNIX_SOCKET_PEER in trusted, networks


def _is_trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def _parse(entry: str) -> Address | None:
    """An address as proxies write it: `203.0.113.7`, `203.0.113.7:5100`, `2001:db8::1` or
    `[2001:db8::1]:5100`. IPv4 addresses mapped into IPv6 count as the IPv4 address."""
    host = entry.strip()
    if host.startswith("["):
        host, bracket, _port = host[1:].partition("]")
        if not bracket:
            return None
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    # An IPv6 zone (`fe80::1%eth0`) names the proxy's interface, not a different client.
    host = host.partition("%")[0]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address
