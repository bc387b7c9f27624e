"""Office archives for upload and extraction tests, zip bombs included."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

WORD_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MB = 1000 * 1000

# What the bomb's document.xml repeats: text to collect, markup without text (the parser's
# slowest case) or ever deeper nesting (what a tree-building parser keeps in memory).
BOMB_FILLINGS = {
    "text": b"<w:p><w:r><w:t>Haushaltssatzung</w:t></w:r></w:p>",
    "markup": b"<w:b/>",
    "nesting": b"<w:r>",
}


def docx_bytes(*paragraphs: str) -> bytes:
    """A minimal Word document with the given paragraphs."""
    body = "".join(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" for text in paragraphs)
    return zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": (
                f'<w:document xmlns:w="{WORD_NS}"><w:body>{body}</w:body></w:document>'
            ).encode(),
        }
    )


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bomb(*, unpacked_bytes: int = 110 * MB, filling: str = "text") -> bytes:
    """A Word document of a few hundred kilobytes whose document.xml expands to
    `unpacked_bytes`, written in chunks so that building it costs no memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        with archive.open("word/document.xml", "w") as part:
            part.write(f'<w:document xmlns:w="{WORD_NS}"><w:body><w:p><w:r><w:t>'.encode())
            chunk = BOMB_FILLINGS[filling] * (1 + 1_000_000 // len(BOMB_FILLINGS[filling]))
            written = 0
            while written < unpacked_bytes:
                part.write(chunk)
                written += len(chunk)
            part.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buffer.getvalue()


def write_docx_bomb(path: Path, **kwargs: object) -> Path:
    path.write_bytes(docx_bomb(**kwargs))  # type: ignore[arg-type]
    return path
