"""Signals the platform sends for other apps to hook into."""

from django.dispatch import Signal

# Sent once when a long-running process has loaded Django and is about to serve: the ASGI
# application (`hub.asgi`, imported by Daphne) and the task worker (`manage.py db_worker`),
# with `sender` "asgi" or "db_worker". Other management commands (migrate, shell, cron jobs)
# do not send it. Receivers must return at once (start-up waits for them) and hand longer work
# to a thread; senders use `send_robust`, which logs a failing receiver and carries on.
process_started = Signal()
