from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = _("Netzwerk")

    def ready(self) -> None:
        from core import demo, personal_data, sections
        from discussions.models import DigestKind
        from discussions.services.digest import register_digest_part
        from network.demo import seed_network
        from network.digest import followed_content_items
        from network.home import followed_articles_section, followed_courses_section
        from network.personal_data import export_network

        demo.register("network", seed_network, order=50)
        register_digest_part(DigestKind.FOLLOWED, followed_content_items)
        sections.register_member_home_section(
            "followed_articles", followed_articles_section, order=40
        )
        sections.register_member_home_section(
            "followed_courses", followed_courses_section, order=50
        )
        # The rows go with the account (their foreign keys cascade); nothing to anonymise.
        personal_data.register("network", export_network)
