from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = _("Kollegium")

    def ready(self) -> None:
        from core import demo, personal_data
        from hub.accessibility.demo import seed_accessibility_statement
        from hub.demo_topics import seed_topics
        from hub.knowledge.demo import seed_knowledge
        from hub.knowledge.personal_data import (
            erase_practice_authorship,
            export_practice_feedback,
            export_practice_material,
        )

        demo.register("topics", seed_topics, order=5)
        demo.register("knowledge", seed_knowledge, order=30)
        demo.register("accessibility_statement", seed_accessibility_statement, order=35)
        personal_data.register(
            "practice_material", export_practice_material, erase_practice_authorship
        )
        personal_data.register("practice_feedback", export_practice_feedback)
        _connect_page_cache_invalidation()
        _connect_attachment_release()


def _connect_attachment_release() -> None:
    from wagtail.signals import page_published

    from hub.knowledge.services import practice_attachments_release
    from hub.models import PracticePage

    def release(instance: PracticePage, **kwargs: object) -> None:
        practice_attachments_release(page=instance)

    page_published.connect(
        release, sender=PracticePage, weak=False, dispatch_uid="practice_attachments"
    )


def _connect_page_cache_invalidation() -> None:
    """Cached pages show published pages, topics and member names: changes retire them."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Locale, PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    from core.page_cache import page_cache_retire_receiver
    from hub.models import PracticePage, Topic
    from members.models import Organisation, Profile, User

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(page_cache_retire_receiver, dispatch_uid=f"page_cache_{id(signal)}")
    # A view restriction decides which pages count as public; sites make the pages' URLs;
    # teasers name the organisation; a locale gives pages their language.
    for model in (Topic, Profile, PracticePage, PageViewRestriction, Site, Organisation, Locale):
        post_save.connect(
            page_cache_retire_receiver, sender=model, dispatch_uid=f"page_cache_{model}"
        )
        post_delete.connect(
            page_cache_retire_receiver, sender=model, dispatch_uid=f"page_cache_d_{model}"
        )
    post_save.connect(_user_saved, sender=User, dispatch_uid="page_cache_user")
    post_delete.connect(
        page_cache_retire_receiver, sender=User, dispatch_uid="page_cache_user_deleted"
    )


def _user_saved(using: str, update_fields: frozenset[str] | None = None, **kwargs: object) -> None:
    """Approval and activity decide whose names appear; a login alone changes nothing shown."""
    from core.page_cache import page_cache_retire_on_commit

    if update_fields != frozenset({"last_login"}):
        page_cache_retire_on_commit(using=using)
