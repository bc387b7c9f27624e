from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Netzwerk")

    def ready(self) -> None:
        from core import demo, personal_data
        from network.demo import seed_network
        from network.personal_data import export_network

        demo.register("network", seed_network, order=50)
        # The rows go with the account (their foreign keys cascade); nothing to anonymise.
        personal_data.register("network", export_network)
