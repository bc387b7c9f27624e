from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Mitglieder")

    def ready(self) -> None:
        from core import demo, personal_data
        from members import live_sessions
        from members.demo import seed_members
        from members.personal_data import export_account, export_consents, export_profile

        demo.register("members", seed_members, order=10)
        personal_data.register("account", export_account)
        personal_data.register("profile", export_profile)
        personal_data.register("consents", export_consents)
        live_sessions.connect_receivers()
