"""Remind confirmed participants of sessions starting within the next 24 hours.

Run it regularly (e.g. every 15 minutes from cron or a systemd timer). Each registration is
claimed with one guarded UPDATE before its mail is queued, so repeated or overlapping runs
never remind anyone twice. People confirmed less than 24 hours before the start just got
their confirmation and are not reminded again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import F
from django.utils import timezone

from core.tasks import enqueue_on_commit
from peer_learning import tasks
from peer_learning.models import Registration, RegistrationStatus, SessionStatus

REMINDER_WINDOW = dt.timedelta(hours=24)


class Command(BaseCommand):
    help = "Erinnert bestätigte Teilnehmende 24 Stunden vor Beginn an ihren Termin (einmalig)."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        due = Registration.objects.filter(
            status=RegistrationStatus.CONFIRMED,
            reminded_at__isnull=True,
            user__isnull=False,
            session__status=SessionStatus.PLANNED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + REMINDER_WINDOW,
            confirmed_at__lte=F("session__starts_at") - REMINDER_WINDOW,
        ).values_list("pk", flat=True)
        sent = 0
        for pk in list(due):
            claimed = Registration.objects.filter(pk=pk, reminded_at__isnull=True).update(
                reminded_at=now
            )
            if claimed:
                enqueue_on_commit(tasks.send_registration_mail, pk, "reminder")
                sent += 1
        self.stdout.write(f"{sent} Erinnerung(en) verschickt.")
