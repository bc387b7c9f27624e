"""Absolute links start with the configured address, never with the request's Host header."""

from __future__ import annotations

from core.links import absolute_url


def test_links_from_url_names_and_paths(settings) -> None:
    settings.WAGTAILADMIN_BASE_URL = "https://kollegium.example/"

    assert absolute_url("peer_learning:session", 7) == "https://kollegium.example/lernen/termine/7/"
    assert absolute_url("/wissen/") == "https://kollegium.example/wissen/"
    assert absolute_url("") == "https://kollegium.example"
