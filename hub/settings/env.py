"""Typed access to the environment.

Every configuration value comes from an environment variable. A malformed value stops start-up
with one German sentence naming the variable, instead of a traceback deep inside Django.
"""

from __future__ import annotations

import ipaddress
import os
import re
from typing import Any, cast
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on", "ja"}
_FALSE = {"0", "false", "no", "off", "nein", ""}


class ConfigurationError(ImproperlyConfigured):
    """A configuration variable holds a value the platform cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigurationError(
        f"Die Umgebungsvariable {name} muss ein Wahrheitswert sein (true/false), nicht {raw!r}."
    )


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        raise ConfigurationError(
            f"Die Umgebungsvariable {name} muss eine ganze Zahl ab {minimum} sein, nicht {raw!r}."
        )
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: dict[str, Any]) -> dict[str, Any]:
    """Parse a PostgreSQL URL; anything else is rejected with a clear sentence."""
    raw = env_str(name)
    if not raw:
        return default
    scheme = urlsplit(raw).scheme
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ConfigurationError(
            f"Die Umgebungsvariable {name} muss eine PostgreSQL-Adresse der Form "
            f"postgresql://benutzer:passwort@host:5432/datenbank sein."
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as error:
        raise ConfigurationError(
            f"Die Umgebungsvariable {name} ist keine gültige Datenbank-Adresse ({error})."
        ) from error
    if not config.get("NAME"):
        raise ConfigurationError(
            f"Die Umgebungsvariable {name} nennt keine Datenbank (…/datenbankname fehlt)."
        )
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        # The parameters travel apart from the SQL, and a statement run five times on a
        # connection is prepared: PostgreSQL then plans the ORM's many-joined queries once per
        # connection instead of on every request (planning took longer than running them).
        # Off for a pooler in transaction mode that cannot keep prepared statements.
        # Beside the options the address itself sets (`?sslmode=require`).
        config["OPTIONS"] = {
            **config.get("OPTIONS", {}),
            "server_side_binding": True,
            "prepare_threshold": 5,
        }
    # dj-database-url types its result as a TypedDict of the keys it knows; the settings that
    # use it (test.py adds some) treat it as a plain dict.
    return cast(dict[str, Any], config)


def env_url(name: str, *, schemes: set[str], example: str) -> str:
    """Return a service URL, or an empty string when the variable is unset."""
    raw = env_str(name)
    if not raw:
        return ""
    parts = urlsplit(raw)
    try:
        port_is_valid = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        port_is_valid = False
    if parts.scheme not in schemes or not parts.hostname or not port_is_valid:
        raise ConfigurationError(
            f"Die Umgebungsvariable {name} muss eine Adresse der Form {example} sein, "
            f"nicht {raw!r}."
        )
    return raw


_OIDC_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")


def env_oidc_apps() -> list[dict[str, Any]]:
    """The single sign-on provider from the OIDC_* variables, as allauth's settings-based app.

    Returns an empty list (no sign-on button) while none of OIDC_SERVER_URL, OIDC_CLIENT_ID and
    OIDC_CLIENT_SECRET is set; once one is set, all three are required.
    """
    required = ("OIDC_SERVER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
    if not any(env_str(name) for name in required):
        return []
    for name in required:
        if not env_str(name):
            raise ConfigurationError(
                f"Die Umgebungsvariable {name} fehlt, ist aber für die Anmeldung über "
                f"OpenID Connect zusammen mit {', '.join(n for n in required if n != name)} "
                f"nötig."
            )
    provider_id = env_str("OIDC_PROVIDER_ID", "sso")
    if not _OIDC_SLUG.fullmatch(provider_id):
        raise ConfigurationError(
            f"Die Umgebungsvariable OIDC_PROVIDER_ID muss ein Kürzel aus Kleinbuchstaben, "
            f"Ziffern und Bindestrichen sein (z. B. verwaltungs-sso), nicht {provider_id!r}."
        )
    server_url = env_url(
        "OIDC_SERVER_URL", schemes={"http", "https"}, example="https://login.example/realm"
    )
    return [
        {
            "provider_id": provider_id,
            "name": env_str("OIDC_PROVIDER_NAME") or "Single Sign-on",
            "client_id": env_str("OIDC_CLIENT_ID"),
            "secret": env_str("OIDC_CLIENT_SECRET"),
            "settings": {
                "server_url": server_url,
                "oauth_pkce_enabled": True,
                # Only the provider's own email_verified claim marks an address as verified,
                # and an address never signs in to an existing local account by itself.
                "verified_email": False,
                "email_authentication": False,
            },
        }
    ]


TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}


def env_tasks(name: str, default: str) -> dict[str, Any]:
    """The TASKS setting for django-tasks from a backend name (immediate or database)."""
    choice = env_str(name, default).lower()
    if choice not in TASK_BACKENDS:
        raise ConfigurationError(
            f"Die Umgebungsvariable {name} muss {' oder '.join(TASK_BACKENDS)} sein, "
            f"nicht {choice!r}."
        )
    return {"default": {"BACKEND": TASK_BACKENDS[choice], "QUEUES": ["default"]}}


UNIX_SOCKET_PEER = "unix"


def env_trusted_proxies(name: str) -> list[str]:
    """The reverse proxies whose X-Forwarded-For entries are believed (see core/client_address.py).

    A comma-separated list of IP addresses, CIDR networks and the word `unix` (a peer on a Unix
    socket, i.e. a proxy on the same machine). Returned normalised as network strings; empty
    when unset, and then X-Forwarded-For is ignored.
    """
    proxies = []
    for entry in env_list(name, []):
        if entry.lower() == UNIX_SOCKET_PEER:
            proxies.append(UNIX_SOCKET_PEER)
            continue
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            network = None
        if network is None:
            raise ConfigurationError(
                f"Die Umgebungsvariable {name} muss IP-Adressen, Netze (z. B. 10.0.0.0/8) oder "
                f"unix enthalten, durch Kommas getrennt, nicht {entry!r}."
            )
        if network.prefixlen == 0:
            # Trusting every address would let any client choose its own address again.
            raise ConfigurationError(
                f"Die Umgebungsvariable {name} darf nicht jedes Netz ({entry}) als Proxy "
                f"nennen: dann könnte jeder Client seine Adresse selbst angeben."
            )
        proxies.append(str(network))
    return proxies
