"""Helpers the catalogue, member and trainer views share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from peer_learning import selectors
from peer_learning.models import Session


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _visible_session_or_404(pk: int) -> Session:
    session = selectors.visible_session(pk=pk)
    if session is None:
        raise Http404(_("Diesen Termin gibt es nicht."))
    return session
