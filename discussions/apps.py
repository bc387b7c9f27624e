from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    label = "discussions"
    verbose_name = _("Austausch")

    def ready(self) -> None:
        from core import demo, personal_data, sections
        from discussions.demo import seed_discussions
        from discussions.personal_data import erase_messages, export_messages
        from discussions.sections import (
            article_questions_section,
            member_channels_section,
            member_notifications_section,
            member_questions_section,
        )

        demo.register("discussions", seed_discussions, order=40)
        personal_data.register("discussions", export_messages, erase_messages)
        sections.register_member_home_section(
            "notifications", member_notifications_section, order=10
        )
        sections.register_member_home_section("my_questions", member_questions_section, order=30)
        sections.register_member_home_section(
            "my_channels", member_channels_section, order=20, aside=True
        )
        # Before search's similar solutions: questions about this very article come first.
        sections.register_page_section("article_questions", article_questions_section, order=5)
