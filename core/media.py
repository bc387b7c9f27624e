"""Private media: uploaded files that not everyone may see live outside the public media folder.

Members' submission attachments (until their article is published, and as long as their
collection is restricted) and avatars (shown only as far as their owner's visibility allows)
are stored under names whose base name starts with `private-`. The storage keeps such files in
`PRIVATE_MEDIA_ROOT`, which the web server does not serve, and gives them the address of
`hub.views.private_media`, which asks the owning app whether the viewer may see the file.
Wagtail's renditions of a private image keep the original's base name, so they are private too.
Everything else stays in `MEDIA_ROOT` and is served by the web server as before.

The view answers with `X-Accel-Redirect` to an nginx `internal` location when
`KOLLEGIUM_PRIVATE_MEDIA_ACCEL_REDIRECT` names one (production), and streams the file itself
otherwise (development).
"""

from __future__ import annotations

import mimetypes
import os
import uuid
from datetime import datetime
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header

PRIVATE_PREFIX = "private-"


def private_file_name(extension: str) -> str:
    """A fresh, unguessable name for a file that must not be public."""
    return f"{PRIVATE_PREFIX}{uuid.uuid4().hex}.{extension}"


def is_private(name: str) -> bool:
    return PurePosixPath(name).name.startswith(PRIVATE_PREFIX)


class MediaStorage(FileSystemStorage):
    """The default storage: public files in MEDIA_ROOT, private ones in PRIVATE_MEDIA_ROOT.

    Every operation on a private name goes to a second file system storage rooted in the
    private folder, so names stay relative to their own root ("documents/private-….pdf").
    """

    def __init__(self, private_location: str | os.PathLike[str] | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._private_location = private_location

    @cached_property
    def private_storage(self) -> FileSystemStorage:
        return FileSystemStorage(
            location=os.path.abspath(self._private_location or settings.PRIVATE_MEDIA_ROOT)
        )

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        # Django calls this for every changed setting; the stub names only the ones it handles.
        super()._clear_cached_properties(setting, **kwargs)  # type: ignore[arg-type]
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("private_storage", None)

    def _storage_for(self, name: str) -> Any:
        """The private storage for a private name, this storage's own methods otherwise."""
        return self.private_storage if is_private(name) else super()

    def _open(self, name: str, mode: str = "rb") -> File:
        return self._storage_for(name)._open(name, mode)

    def _save(self, name: str, content: File) -> str:
        return self._storage_for(name)._save(name, content)

    def path(self, name: str) -> str:
        return self._storage_for(name).path(name)

    def delete(self, name: str) -> None:
        self._storage_for(name).delete(name)

    def exists(self, name: str) -> bool:
        return self._storage_for(name).exists(name)

    def size(self, name: str) -> int:
        return self._storage_for(name).size(name)

    def get_modified_time(self, name: str) -> datetime:
        return self._storage_for(name).get_modified_time(name)

    def url(self, name: str | None) -> str:
        if name and is_private(name):
            return reverse("private_media", kwargs={"name": name})
        return super().url(name)


def private_file_response(request: HttpRequest, name: str) -> HttpResponse | FileResponse:
    """The file, for a viewer already found allowed to see it."""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    inline = content_type.startswith("image/") and content_type != "image/svg+xml"
    accel = settings.KOLLEGIUM_PRIVATE_MEDIA_ACCEL_REDIRECT
    response: HttpResponse | FileResponse
    if accel:
        # nginx serves the file from its internal location and keeps these headers.
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(name)
    else:
        try:
            file = default_storage.open(name)
        except (FileNotFoundError, OSError) as error:
            raise Http404 from error
        response = FileResponse(file, content_type=content_type)
    disposition = content_disposition_header(not inline, PurePosixPath(name).name)
    assert disposition is not None  # there is one whenever a file name is given
    response["Content-Disposition"] = disposition
    # The answer depends on who asks and may change (a hidden avatar, a published article):
    # no shared cache keeps it, browsers ask again.
    response["Cache-Control"] = "private, no-cache"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
