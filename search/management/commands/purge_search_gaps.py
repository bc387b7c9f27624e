"""`manage.py purge_search_gaps`: delete content-gap counts past their retention."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from search.gaps import purge_old_gaps


class Command(BaseCommand):
    help = (
        "Löscht die Zählungen erfolgloser Suchen, die älter als SEARCH_GAP_RETENTION_DAYS Tage "
        "sind (einmal täglich ausführen, z. B. per cron oder systemd-Timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = purge_old_gaps()
        self.stdout.write(
            f"{deleted} Zählung(en) älter als {settings.SEARCH_GAP_RETENTION_DAYS} Tage gelöscht."
        )
