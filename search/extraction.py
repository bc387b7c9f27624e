"""Plain text from the documents attached to practice pages, for the search index.

PDF through pypdf (whose own limits bound every stream it decodes); the Office Open XML and
OpenDocument formats are ZIP files of XML, read with expat refusing document type declarations
and entities as defusedxml does (no entity bombs); plain text as it is. Anything that cannot be
read yields "" and a log line: a broken attachment must never stop a page from being indexed.

An archive can claim anything about its parts, and a part of a few hundred kilobytes can expand
to gigabytes (a zip bomb). So parts are never read whole: they are decompressed in small chunks
into an incremental parser (expat) that keeps only the text it collects, and reading stops at a
fixed number of bytes per part and per archive, at a fixed nesting depth and once enough text is
collected. Memory stays bounded whatever the archive holds; what was collected up to a limit is
kept.
"""

from __future__ import annotations

import functools
import logging
import zipfile
from collections.abc import Callable, Iterable
from pathlib import PurePath
from typing import Any, BinaryIO, NoReturn
from xml.parsers import expat
from xml.parsers.expat import XMLParserType

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from pypdf import PdfReader

logger = logging.getLogger(__name__)

# Stored text per document; beyond it, a document adds nothing to finding it.
MAX_DOCUMENT_TEXT = 200_000
# Decompressed XML read per part and per archive. Real documents with 200,000 characters of text
# stay well below; a bomb is cut off here, after a second or two of parsing.
MAX_PART_BYTES = 16 * 1024 * 1024
MAX_ARCHIVE_BYTES = 32 * 1024 * 1024
# Parts read per archive (presentations: one per slide) and element nesting per part.
MAX_PARTS = 2000
MAX_XML_DEPTH = 500
_CHUNK_BYTES = 64 * 1024

_WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/main}"
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ODF_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0}"

# Which parts of an archive hold the text, and which XML elements are its paragraphs and runs.
_OOXML_PARTS = {
    ".docx": ("word/document.xml", _WORD_NS + "p", _WORD_NS + "t"),
    ".pptx": ("ppt/slides/slide", _DRAWING_NS + "p", _DRAWING_NS + "t"),
    ".xlsx": ("xl/sharedStrings.xml", _SHEET_NS + "si", _SHEET_NS + "t"),
}
_ODF_PARAGRAPHS = frozenset({_ODF_TEXT_NS + "p", _ODF_TEXT_NS + "h"})
_ODF_SUFFIXES = frozenset({".odt", ".ods", ".odp"})
_PLAIN_SUFFIXES = frozenset({".txt", ".csv", ".md"})


def document_text(name: str, file: BinaryIO) -> str:
    """The text of an uploaded file, judged by its name's extension; "" when unreadable."""
    suffix = PurePath(name).suffix.lower()
    try:
        if suffix == ".pdf":
            text = _pdf_text(file)
        elif suffix in _OOXML_PARTS:
            part, paragraph_tag, run_tag = _OOXML_PARTS[suffix]
            text = _archive_text(
                file,
                functools.partial(_ooxml_parts, prefix=part),
                paragraph_tags=frozenset({paragraph_tag}),
                run_tag=run_tag,
            )
        elif suffix in _ODF_SUFFIXES:
            text = _archive_text(
                file,
                lambda names: [name for name in names if name == "content.xml"],
                paragraph_tags=_ODF_PARAGRAPHS,
                run_tag=None,
            )
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


def _ooxml_parts(names: Iterable[str], prefix: str) -> list[str]:
    # Slides are one part each (slide1.xml, slide2.xml, ...), in their order.
    return sorted(
        (name for name in names if name.startswith(prefix) and name.endswith(".xml")),
        key=lambda name: (len(name), name),
    )


class _Enough(Exception):
    """A limit is reached: stop reading, keep what was collected."""


class _TextCollector:
    """Collects the text of paragraph elements as the parser streams past them.

    With `run_tag`, only text inside those elements counts (Office Open XML keeps text in
    `<w:t>` and the like); without, all text inside the paragraph (OpenDocument). A paragraph
    nested in another (a text box, a footnote) is a line of its own. Tags are "namespace}name",
    as expat reports them.
    """

    def __init__(self, paragraph_tags: frozenset[str], run_tag: str | None) -> None:
        self.paragraph_tags = paragraph_tags
        self.run_tag = run_tag
        self.lines: list[str] = []
        self.length = 0
        self._open: list[list[str]] = []
        self._depth = 0
        self._in_run = 0

    def start(self, tag: str, attributes: object) -> None:
        self._depth += 1
        if self._depth > MAX_XML_DEPTH:
            raise _Enough
        if tag in self.paragraph_tags:
            self._open.append([])
        elif tag == self.run_tag:
            self._in_run += 1

    def end(self, tag: str) -> None:
        self._depth -= 1
        if tag in self.paragraph_tags and self._open:
            self._keep("".join(self._open.pop()))
        elif tag == self.run_tag:
            self._in_run -= 1

    def text(self, content: str) -> None:
        if self._open and (self.run_tag is None or self._in_run):
            self._open[-1].append(content)
            self.length += len(content)
            if self.length > MAX_DOCUMENT_TEXT:
                raise _Enough

    def close_open_paragraphs(self) -> None:
        """After a stop: the paragraphs cut off still count with what they had."""
        while self._open:
            self._keep("".join(self._open.pop(0)))

    def _keep(self, line: str) -> None:
        if line:
            self.lines.append(line)


def _forbid_dtd(*args: Any) -> NoReturn:
    raise DTDForbidden(*args[:3])


def _forbid_entity(*args: Any) -> NoReturn:
    raise EntitiesForbidden(*(args + (None,) * 6)[:6])


def _forbid_external(*args: Any) -> NoReturn:
    raise ExternalReferenceForbidden(*args[:4])


def _xml_parser(collector: _TextCollector) -> XMLParserType:
    """An expat parser feeding the collector. Expat straight, not SAX or ElementTree: a bomb of
    millions of empty elements costs one Python call per tag, five times faster than SAX. Office
    documents have no document type declarations or entities, so any is refused (as defusedxml
    does)."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbid_dtd
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_entity
    parser.ExternalEntityRefHandler = _forbid_external
    parser.StartElementHandler = collector.start
    parser.EndElementHandler = collector.end
    parser.CharacterDataHandler = collector.text
    return parser


def _archive_text(
    file: BinaryIO,
    choose_parts: Callable[[list[str]], list[str]],
    *,
    paragraph_tags: frozenset[str],
    run_tag: str | None,
) -> str:
    collector = _TextCollector(paragraph_tags, run_tag)
    archive_left = MAX_ARCHIVE_BYTES
    with zipfile.ZipFile(file) as archive:
        for name in choose_parts(archive.namelist())[:MAX_PARTS]:
            try:
                archive_left -= _parse_part(archive, name, collector, archive_left)
            except _Enough:
                logger.info("Stopped reading %s at a limit; indexing the text read so far", name)
                break
            if archive_left <= 0:
                break
    collector.close_open_paragraphs()
    return "\n".join(collector.lines)


def _parse_part(
    archive: zipfile.ZipFile, name: str, collector: _TextCollector, archive_left: int
) -> int:
    """Stream one part into the collector; returns the bytes read. Raises _Enough at a limit."""
    limit = min(MAX_PART_BYTES, archive_left)
    parser = _xml_parser(collector)
    read = 0
    with archive.open(name) as part:
        while chunk := part.read(min(_CHUNK_BYTES, limit - read + 1)):
            read += len(chunk)
            if read > limit:
                raise _Enough
            parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return read
