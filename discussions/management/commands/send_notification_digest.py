from typing import Any

from django.core.management.base import BaseCommand

from discussions.services.digest import notification_digest_send


class Command(BaseCommand):
    help = (
        "Schickt jedem Mitglied eine E-Mail mit seinen neuen ungelesenen Benachrichtigungen "
        "(einmal täglich ausführen, z. B. per cron oder systemd-Timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notification_digest_send()
        self.stdout.write(f"{sent} Zusammenfassung(en) verschickt.")
