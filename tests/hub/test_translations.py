"""The English catalogue is complete, and every catalogue sits where `make messages` keeps it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = ROOT / "hub" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _entries(path: Path) -> list[str]:
    """The catalogue's entries without the header and without obsolete (`#~`) ones."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")[1:]
    return [block for block in blocks if not block.lstrip().startswith("#~")]


def _is_untranslated(entry: str) -> bool:
    lines = entry.strip().splitlines()
    if any(line.startswith("#,") and "fuzzy" in line for line in lines):
        return True
    translations = [i for i, line in enumerate(lines) if line.startswith("msgstr")]
    return any(
        lines[i].endswith('""') and (i + 1 == len(lines) or not lines[i + 1].startswith('"'))
        for i in translations
    )


def test_every_text_of_the_site_has_its_english() -> None:
    untranslated = [entry.strip() for entry in _entries(ENGLISH) if _is_untranslated(entry)]
    assert untranslated == []


def test_the_catalogues_are_the_two_the_settings_name() -> None:
    catalogues = {
        path.relative_to(ROOT).as_posix()
        for app in ("core", "hub", "discussions", "members", "peer_learning", "search")
        for path in (ROOT / app).rglob("*.po")
    }
    assert catalogues == {
        "hub/locale/en/LC_MESSAGES/django.po",
        "hub/locale/allauth/de/LC_MESSAGES/django.po",
    }


def test_the_check_sees_an_untranslated_text() -> None:
    assert _is_untranslated('#: a.py:1\nmsgid "Hallo"\nmsgstr ""')
    assert _is_untranslated('#, fuzzy\nmsgid "Hallo"\nmsgstr "Hello"')
    assert not _is_untranslated('msgid "Hallo"\nmsgstr ""\n"Hello"')
    assert not _is_untranslated('msgid "Hallo"\nmsgstr "Hello"')
