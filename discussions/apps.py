from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    label = "discussions"
    verbose_name = _("Austausch")

    def ready(self) -> None:
        from core import demo, personal_data
        from discussions.demo import seed_discussions
        from discussions.personal_data import erase_messages, export_messages

        demo.register("discussions", seed_discussions, order=40)
        personal_data.register("discussions", export_messages, erase_messages)
