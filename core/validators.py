"""Validators shared by the apps' services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_storable_text(value: str) -> None:
    """Refuse text that cannot be stored, rendered or sent on.

    A JSON frame may carry a lone surrogate ("\\ud800"), which UTF-8 cannot encode: the
    Markdown sanitiser, the database driver and every socket that would receive it fail on it.
    NUL characters are refused by PostgreSQL. Django's forms never hand over either (request
    data is decoded with replacement characters, and form fields refuse NUL), so this guards
    what reaches the services by any other way.
    """
    positions = [value.find("\x00")]
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        positions.append(error.start)
    found = [position for position in positions if position >= 0]
    if found:
        raise ValidationError(
            _(
                "Der Text enthält an Stelle %(position)s ein Zeichen, das sich nicht speichern "
                "lässt. Bitte entfernen Sie es und senden Sie den Text erneut."
            ),
            code="invalid_character",
            params={"position": min(found) + 1},
        )
