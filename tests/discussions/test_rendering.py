"""Markdown in messages becomes safe HTML."""

import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from discussions.rendering import mark_mentions, render_markdown
from discussions.templatetags.discussion_tags import mentions_of, message_time


def test_markdown_is_rendered_and_bare_links_become_clickable():
    html = render_markdown("**Wichtig:** siehe https://www.bsi.bund.de/grundschutz")

    assert "<strong>Wichtig:</strong>" in html
    assert (
        '<a href="https://www.bsi.bund.de/grundschutz" rel="nofollow ugc noopener">'
        "https://www.bsi.bund.de/grundschutz</a>"
    ) in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[klick](javascript:alert(1))",
        '<a href="https://x.example" onclick="alert(1)">x</a>',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_raw_html_and_script_links_never_survive(source):
    html = render_markdown(source)

    assert "<script" not in html
    assert "<img" not in html
    assert not re.search(r"<[^>]*\son\w+=", html), html
    assert 'href="javascript:' not in html
    assert 'href="data:' not in html


def test_images_become_links_so_no_third_party_content_loads():
    html = render_markdown("![Organigramm](https://example.org/bild.png)")

    assert "<img" not in html
    assert 'href="https://example.org/bild.png"' in html
    assert ">Organigramm</a>" in html


def test_link_titles_and_markdown_links_get_the_rel():
    html = render_markdown('[Leitfaden](https://example.org "Titel")')

    assert html == (
        '<p><a href="https://example.org" title="Titel" rel="nofollow ugc noopener">'
        "Leitfaden</a></p>"
    )


def test_mentions_are_marked_outside_links_and_code():
    html = render_markdown("Hallo @Anna Albers und @Anna, `@Anna` [x](https://a.de/@Anna) a@Anna")
    marked = mark_mentions(html, [(1, "Anna Albers"), (2, "Anna")])
    assert '<span class="mention" data-member-id="1">@Anna Albers</span> und ' in marked
    assert '<span class="mention" data-member-id="2">@Anna</span>,' in marked
    assert "<code>@Anna</code>" in marked
    assert 'href="https://a.de/@Anna"' in marked
    assert marked.endswith(" a@Anna</p>")


def test_the_viewers_own_mentions_are_highlighted():
    html = '<p><span class="mention" data-member-id="7">@Ben</span></p>'
    assert 'class="mention mention--me" data-member-id="7"' in mentions_of(html, 7)
    assert mentions_of(html, 8) == html


def test_one_timestamp_format_relative_today_absolute_before():
    now = timezone.localtime().replace(hour=14, minute=58)
    today = message_time(now)
    assert today.startswith(f'<time datetime="{now.isoformat()}" title="{now.day}. ')
    assert today.endswith(f'{now.year}, 14:58">14:58</time>')
    yesterday = now - timedelta(days=1)
    assert message_time(yesterday).endswith(">gestern, 14:58</time>")
    earlier = datetime(2025, 11, 5, 14, 58, tzinfo=now.tzinfo)
    assert message_time(earlier).endswith(
        'title="5. November 2025, 14:58">5. Nov 2025, 14:58</time>'
    )
