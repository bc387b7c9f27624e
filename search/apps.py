from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Suche")

    def ready(self) -> None:
        from hub import health
        from search import receivers
        from search.backends import get_search_backend

        health.register("search", lambda: get_search_backend().health())
        receivers.connect()
