"""Plain text from the documents attached to practice pages, for the search index.

PDF through pypdf; the Office Open XML and OpenDocument formats are ZIP files of XML, read with
defusedxml (no entity bombs); plain text as it is. Anything that cannot be read yields "" and a log
line: a broken attachment must never stop a page from being indexed.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import PurePath
from typing import BinaryIO
from xml.etree.ElementTree import Element

from defusedxml.ElementTree import fromstring
from pypdf import PdfReader

logger = logging.getLogger(__name__)

# Stored text per document; beyond it, a document adds nothing to finding it.
MAX_DOCUMENT_TEXT = 200_000

_WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DRAWING_NS = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ODF_TEXT_NS = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"

# Which parts of an archive hold the text, and which XML elements are its paragraphs and runs.
_OOXML_PARTS = {
    ".docx": ("word/document.xml", _WORD_NS + "p", _WORD_NS + "t"),
    ".pptx": ("ppt/slides/slide", _DRAWING_NS + "p", _DRAWING_NS + "t"),
    ".xlsx": ("xl/sharedStrings.xml", _SHEET_NS + "si", _SHEET_NS + "t"),
}
_ODF_SUFFIXES = frozenset({".odt", ".ods", ".odp"})
_PLAIN_SUFFIXES = frozenset({".txt", ".csv", ".md"})


def document_text(name: str, file: BinaryIO) -> str:
    """The text of an uploaded file, judged by its name's extension; "" when unreadable."""
    suffix = PurePath(name).suffix.lower()
    try:
        if suffix == ".pdf":
            text = _pdf_text(file)
        elif suffix in _OOXML_PARTS:
            text = _ooxml_text(file, *_OOXML_PARTS[suffix])
        elif suffix in _ODF_SUFFIXES:
            text = _odf_text(file)
        elif suffix in _PLAIN_SUFFIXES:
            text = file.read(MAX_DOCUMENT_TEXT * 4).decode("utf-8", errors="replace")
        else:
            return ""
    except Exception:
        logger.warning("Could not extract text from %s", name, exc_info=True)
        return ""
    return text[:MAX_DOCUMENT_TEXT]


def _pdf_text(file: BinaryIO) -> str:
    reader = PdfReader(file)
    pages = []
    length = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        pages.append(text)
        length += len(text)
        if length > MAX_DOCUMENT_TEXT:
            break
    return "\n".join(pages)


def _paragraphs(root: Element, paragraph_tag: str, run_tag: str) -> list[str]:
    return [
        "".join(run.text or "" for run in paragraph.iter(run_tag))
        for paragraph in root.iter(paragraph_tag)
    ]


def _ooxml_text(file: BinaryIO, part: str, paragraph_tag: str, run_tag: str) -> str:
    with zipfile.ZipFile(file) as archive:
        # Slides are one part each (slide1.xml, slide2.xml, ...), in their order.
        names = sorted(
            (name for name in archive.namelist() if name.startswith(part)),
            key=lambda name: (len(name), name),
        )
        lines: list[str] = []
        for name in names:
            root = fromstring(archive.read(name))
            lines.extend(_paragraphs(root, paragraph_tag, run_tag))
    return "\n".join(line for line in lines if line)


def _odf_text(file: BinaryIO) -> str:
    with zipfile.ZipFile(file) as archive:
        root = fromstring(archive.read("content.xml"))
    blocks = {_ODF_TEXT_NS + "p", _ODF_TEXT_NS + "h"}
    lines = ["".join(element.itertext()) for element in root.iter() if element.tag in blocks]
    return "\n".join(line for line in lines if line)
