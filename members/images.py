"""Avatar processing: only real images, bounded in bytes and pixels, re-encoded without metadata."""

from __future__ import annotations

import io
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from core.media import private_file_name

AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_PIXELS = 25_000_000
AVATAR_SIZE = (256, 256)
AVATAR_FORMATS = {"JPEG", "PNG", "WEBP"}


def process_avatar(upload: UploadedFile) -> ContentFile:
    """Check the upload and return a square JPEG without EXIF or other metadata.

    Raises ValidationError with a German message for anything that is not a usable image.
    """
    if upload.size is None or upload.size > AVATAR_MAX_BYTES:
        raise ValidationError(_("Das Bild ist größer als 5 MB. Bitte wählen Sie ein kleineres."))
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; any bomb is an error here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(upload)
            if image.width * image.height > AVATAR_MAX_PIXELS:
                raise ValidationError(
                    _("Das Bild hat zu viele Bildpunkte (höchstens 25 Megapixel).")
                )
            if image.format not in AVATAR_FORMATS:
                raise ValidationError(
                    _("Bitte laden Sie ein Bild im Format JPEG, PNG oder WebP hoch.")
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("Das Bild hat zu viele Bildpunkte (höchstens 25 Megapixel).")
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValidationError(
            _(
                "Die Datei ist kein lesbares Bild. Bitte laden Sie ein JPEG-, PNG- oder "
                "WebP-Bild hoch."
            )
        ) from error
    # Turn the picture upright first: the orientation tag goes with the rest of the metadata.
    image = ImageOps.exif_transpose(image).convert("RGB")
    image = ImageOps.fit(image, AVATAR_SIZE, method=Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85, optimize=True)
    # Private: served by a view that applies the owner's choice of who sees the picture.
    return ContentFile(output.getvalue(), name=private_file_name("jpg"))
