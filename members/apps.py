from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Mitglieder")

    def ready(self) -> None:
        from hub import demo
        from members.demo import seed_members

        demo.register("members", seed_members, order=10)
