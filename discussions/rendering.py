"""Markdown to safe HTML for messages.

markdown-it-py parses CommonMark with raw HTML switched off and bare addresses made into links
(linkify); nh3 (the Ammonia sanitiser) then keeps only the tags a chat message needs and gives
every link rel="nofollow ugc noopener". Sanitising after rendering means a parser bug can never
let markup through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

ALLOWED_TAGS = frozenset(
    {
        "p",
        "br",
        "strong",
        "em",
        "s",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "a",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_parser = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    .enable("linkify")
    .enable("strikethrough")
)


def _image_as_link(self: RendererHTML, tokens: Sequence[Token], idx: int, *args: Any) -> str:
    """Images would load third-party content into every reader's browser: show a link."""
    token = tokens[idx]
    label = self.renderInline(token.children or [], *args) or escapeHtml(str(token.attrGet("src")))
    return f'<a href="{escapeHtml(str(token.attrGet("src")))}">{label}</a>'


_parser.add_render_rule("image", _image_as_link)


def render_markdown(source: str) -> str:
    """The sanitised HTML for a message's Markdown source."""
    return nh3.clean(
        _parser.render(source),
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel=LINK_REL,
    ).strip()
