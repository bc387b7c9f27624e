"""Markdown in messages becomes safe HTML."""

import re

import pytest

from discussions.rendering import render_markdown


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
