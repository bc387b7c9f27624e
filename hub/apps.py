from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Kollegium")

    def ready(self) -> None:
        from hub import demo, health
        from hub.demo_topics import seed_topics

        health.register("database", health.check_database)
        health.register("channel_layer", health.check_channel_layer)
        demo.register("topics", seed_topics, order=5)
