from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    label = "discussions"
    verbose_name = _("Austausch")

    def ready(self) -> None:
        from discussions.demo import seed_discussions
        from discussions.personal_data import erase_messages, export_messages
        from hub import demo, personal_data

        demo.register("discussions", seed_discussions, order=40)
        personal_data.register("discussions", export_messages, erase_messages)
