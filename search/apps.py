from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Suche")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from core import demo, health, sections
        from search import receivers
        from search.analysis import lists_changed
        from search.backends import get_backend
        from search.demo import seed_search_index
        from search.models import SynonymGroup, WordPart
        from search.similar import similar_section

        health.register("search", lambda: get_backend().health())
        receivers.connect()
        sections.register_page_section("similar", similar_section, order=10)
        # Last: after every seeder that creates content.
        demo.register("search", seed_search_index, order=1000)

        def analysis_lists_changed(**_kwargs: object) -> None:
            transaction.on_commit(lists_changed)

        for model in (WordPart, SynonymGroup):
            post_save.connect(analysis_lists_changed, sender=model, weak=False)
            post_delete.connect(analysis_lists_changed, sender=model, weak=False)
