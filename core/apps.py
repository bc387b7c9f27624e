from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The platform layer every app builds on: registries, realtime fan-out, page cache, rate
    limits, tasks, health, uploads, security headers. It imports no other Kollegium app."""

    name = "core"
    verbose_name = _("Plattform")

    def ready(self) -> None:
        from core import health
        from core.csp import install_wagtail_script_nonces

        health.register("database", health.check_database)
        health.register("channel_layer", health.check_channel_layer)
        install_wagtail_script_nonces()
