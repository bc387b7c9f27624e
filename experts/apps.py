from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "experts"
    verbose_name = _("Fragen an Fachleute")

    def ready(self) -> None:
        from core import demo, personal_data, sections
        from discussions.models import DigestKind
        from discussions.services.digest import register_digest_part
        from experts import receivers
        from experts.demo import seed_experts
        from experts.digest import open_question_items
        from experts.personal_data import export_experts
        from experts.sections import help_questions_section, matching_wishes_section

        receivers.connect()
        # After the network's demo rows: the routed question needs the demo channels and tags.
        demo.register("experts", seed_experts, order=60)
        # The rows go with the account (their member keys cascade); nothing to anonymise.
        personal_data.register("experts", export_experts)
        register_digest_part(DigestKind.QUESTIONS, open_question_items)
        sections.register_member_home_section("help_questions", help_questions_section, order=20)
        # After the member's own questions and those they may answer, before what they follow.
        sections.register_member_home_section("matching_wishes", matching_wishes_section, order=35)
