"""Member-written text turned into the rich text Wagtail stores, with nothing unsafe left."""

from __future__ import annotations

import re

import nh3

ALLOWED_TAGS = {"p", "br", "h2", "h3", "b", "strong", "i", "em", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
_BLOCK_TAG = re.compile(r"<(p|h2|h3|ul|ol)\b", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def submitted_text_to_rich_text(text: str) -> str:
    """Sanitise with an allowlist (Ammonia via nh3): scripts, styles, event handlers and
    `javascript:` links are gone. Text without block markup becomes paragraphs: a blank line
    starts a new one, a single line break stays a line break."""
    cleaned = nh3.clean(
        text.replace("\r\n", "\n"),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()
    if not cleaned or _BLOCK_TAG.search(cleaned):
        return cleaned
    paragraphs = [part.strip() for part in _PARAGRAPH_BREAK.split(cleaned) if part.strip()]
    return "".join("<p>" + part.replace("\n", "<br>") + "</p>" for part in paragraphs)


def rich_text_to_plain_length(html: str) -> int:
    """How many visible characters the text has (for minimum-length checks)."""
    return len(nh3.clean(html, tags=set()).strip())
