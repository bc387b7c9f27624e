"""Markdown to safe HTML for messages.

markdown-it-py parses CommonMark with raw HTML switched off and bare addresses made into links
(linkify); nh3 (the Ammonia sanitiser) then keeps only the tags a chat message needs and gives
every link rel="nofollow ugc noopener". Sanitising after rendering means a parser bug can never
let markup through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
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
# A mention of a channel member; the page marks the viewer's own by swapping in the second form.
MENTION_MARKUP = '<span class="mention" data-member-id="{id}">'
OWN_MENTION_MARKUP = '<span class="mention mention--me" data-member-id="{id}">'
# Text between tags, outside links and code, where a mention can stand.
_MARKUP_PIECES = re.compile(r"(<[^>]*>)")
_NO_MENTIONS_INSIDE = frozenset({"a", "code", "pre"})

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


def mark_mentions(html: str, members: Iterable[tuple[int, str]]) -> str:
    """Wrap every "@Name" of a channel member in the sanitised HTML in MENTION_MARKUP, so the
    page can highlight the viewer's own. `members` longest name first; names are matched
    escaped, as they stand in the HTML, and never inside links or code."""
    patterns = [
        (member_id, re.compile(rf"(?<![\w@])@{re.escape(escapeHtml(name))}(?!\w)", re.IGNORECASE))
        for member_id, name in members
    ]
    if not patterns:
        return html
    pieces = _MARKUP_PIECES.split(html)
    depth = 0
    for index, piece in enumerate(pieces):
        if piece.startswith("<"):
            tag = re.match(r"</?([a-z0-9]+)", piece)
            if tag and tag.group(1) in _NO_MENTIONS_INSIDE:
                depth += -1 if piece.startswith("</") else 1
            continue
        if depth or "@" not in piece:
            continue
        pieces[index] = _mark_text(piece, patterns)
    return "".join(pieces)


def _mark_text(text: str, patterns: list[tuple[int, re.Pattern[str]]]) -> str:
    """Mark the first matching (longest) name at each "@", left to right."""
    marked = []
    position = 0
    while (at := text.find("@", position)) != -1:
        for member_id, pattern in patterns:
            found = pattern.match(text, at)
            if found:
                marked.append(text[position:at])
                marked.append(f"{MENTION_MARKUP.format(id=member_id)}{found.group(0)}</span>")
                position = found.end()
                break
        else:
            marked.append(text[position : at + 1])
            position = at + 1
    marked.append(text[position:])
    return "".join(marked)
