"""Attachments of member submissions: only known document and image types, bounded in size,
checked by content (not by name alone), images re-encoded without metadata, stored as private
files (core/media.py) that only the author and the editors reach until the article is out."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.media import private_file_name

MAX_ATTACHMENTS = 5
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
# Office files are ZIP archives. What their directory says about the parts is checked before
# anything is unpacked: a few hundred kilobytes can otherwise expand to gigabytes (a zip bomb).
# Real documents compress XML about 5 to 20 times and store images as they are.
MAX_ARCHIVE_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 5000
# The directory itself is read into memory (a few hundred bytes per entry) before any check
# can look at it, so its declared size is checked first.
MAX_ARCHIVE_DIRECTORY_BYTES = 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Tiny parts may compress beyond the ratio (a page of blanks); only larger ones count.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024

IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
OFFICE_OPEN_XML = {"docx", "xlsx", "pptx"}
OPEN_DOCUMENT = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}
ARCHIVE_TYPES = OFFICE_OPEN_XML | set(OPEN_DOCUMENT)
TEXT_TYPES = {"txt", "csv"}
DOCUMENT_TYPES = {"pdf", *OFFICE_OPEN_XML, *OPEN_DOCUMENT, *TEXT_TYPES}
ALLOWED_TYPES_TEXT = "PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, TXT, CSV, JPEG, PNG, WebP"


@dataclass(frozen=True)
class Attachment:
    """A checked upload: `kind` is "document" or "image"; `content` is what gets stored."""

    kind: str
    title: str
    content: ContentFile


def check_attachment(upload: UploadedFile) -> Attachment:
    """Raise ValidationError with a German message naming the file for anything not allowed."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    title = PurePath(name).stem[:200] or _("Anhang")
    if extension in IMAGE_FORMATS:
        return Attachment("image", title, _image_content(upload, name, IMAGE_FORMATS[extension]))
    if extension not in DOCUMENT_TYPES:
        raise ValidationError(
            _("„%(name)s“: Dieser Dateityp ist nicht erlaubt. Erlaubt sind %(types)s."),
            params={"name": name, "types": ALLOWED_TYPES_TEXT},
        )
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("„%(name)s“ ist größer als %(limit)s."),
            params={"name": name, "limit": filesizeformat(MAX_DOCUMENT_BYTES)},
        )
    upload.seek(0)
    data = upload.read()
    if extension in ARCHIVE_TYPES:
        check_archive(name, io.BytesIO(data))
    if not _content_matches(extension, data):
        raise ValidationError(
            _("„%(name)s“ ist keine gültige %(type)s-Datei."),
            params={"name": name, "type": extension.upper()},
        )
    return Attachment("document", title, ContentFile(data, name=private_file_name(extension)))


def check_archive(name: str, file: IO[bytes]) -> None:
    """Refuse an Office or OpenDocument file whose parts would unpack to too much, judged from
    the archive's directory alone (nothing is decompressed). An unreadable archive passes here;
    the content check names it."""
    too_many = ValidationError(
        _("„%(name)s“ besteht aus zu vielen Teilen (mehr als %(count)d)."),
        params={"name": name, "count": MAX_ARCHIVE_ENTRIES},
        code="archive_entries",
    )
    declared = _declared_directory(file)
    if declared is not None and (
        declared[0] > MAX_ARCHIVE_ENTRIES or declared[1] > MAX_ARCHIVE_DIRECTORY_BYTES
    ):
        raise too_many
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    if len(entries) > MAX_ARCHIVE_ENTRIES:
        raise too_many
    if sum(entry.file_size for entry in entries) > MAX_ARCHIVE_UNPACKED_BYTES:
        raise ValidationError(
            _(
                "„%(name)s“ wäre entpackt größer als %(limit)s. Bitte teilen Sie die Datei auf "
                "oder laden Sie sie als PDF hoch."
            ),
            params={"name": name, "limit": filesizeformat(MAX_ARCHIVE_UNPACKED_BYTES)},
            code="archive_size",
        )
    for entry in entries:
        if entry.file_size >= RATIO_CHECKED_FROM_BYTES and (
            entry.file_size > MAX_COMPRESSION_RATIO * max(entry.compress_size, 1)
        ):
            raise ValidationError(
                _(
                    "„%(name)s“ ist ungewöhnlich stark komprimiert und wird deshalb nicht "
                    "angenommen. Bitte speichern Sie die Datei neu oder laden Sie sie als PDF hoch."
                ),
                params={"name": name},
                code="archive_ratio",
            )


_END_OF_DIRECTORY = struct.Struct("<4s4H2LH")


def _declared_directory(file: IO[bytes]) -> tuple[int, int] | None:
    """Entries and bytes of the central directory, as the archive's end record declares them;
    None when there is no end record (zipfile then refuses the file anyway)."""
    file.seek(0, io.SEEK_END)
    size = file.tell()
    # The end record is the last thing in the file, followed by a comment of up to 64 KiB.
    start = max(0, size - _END_OF_DIRECTORY.size - 0xFFFF)
    file.seek(start)
    tail = file.read()
    position = tail.rfind(b"PK\x05\x06")
    if position < 0 or len(tail) - position < _END_OF_DIRECTORY.size:
        return None
    fields = _END_OF_DIRECTORY.unpack_from(tail, position)
    return fields[4], fields[5]


def _content_matches(extension: str, data: bytes) -> bool:
    if extension == "pdf":
        return data.startswith(b"%PDF-")
    if extension in TEXT_TYPES:
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if extension in OFFICE_OPEN_XML:
                return "[Content_Types].xml" in names
            if "mimetype" not in names:
                return False
            # No more than the expected value is read: the part itself could be a bomb.
            with archive.open("mimetype") as part:
                return part.read(len(OPEN_DOCUMENT[extension]) + 1) == OPEN_DOCUMENT[extension]
    except (zipfile.BadZipFile, OSError, KeyError):
        return False


def _image_content(upload: UploadedFile, name: str, expected_format: str) -> ContentFile:
    if upload.size is None or upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("„%(name)s“ ist größer als %(limit)s."),
            params={"name": name, "limit": filesizeformat(MAX_IMAGE_BYTES)},
        )
    unreadable = ValidationError(
        _("„%(name)s“ ist kein lesbares JPEG-, PNG- oder WebP-Bild."), params={"name": name}
    )
    too_large = ValidationError(
        _("„%(name)s“ hat zu viele Bildpunkte (höchstens 40 Megapixel)."), params={"name": name}
    )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(upload)
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise too_large
            if image.format != expected_format:
                raise unreadable
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise unreadable from error
    # Re-encoding drops EXIF and other metadata (camera position, author names).
    image = ImageOps.exif_transpose(image)
    if expected_format == "JPEG":
        image = image.convert("RGB")
    output = io.BytesIO()
    image.save(output, format=expected_format)
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[expected_format]
    return ContentFile(output.getvalue(), name=private_file_name(extension))
