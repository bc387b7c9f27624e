from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Kollegium")

    def ready(self) -> None:
        from hub import health

        health.register("database", health.check_database)
        health.register("channel_layer", health.check_channel_layer)
