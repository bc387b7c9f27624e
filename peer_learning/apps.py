from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeerLearningConfig(AppConfig):
    name = "peer_learning"
    verbose_name = _("Lernen")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core import demo, personal_data, sections
        from core.page_cache import page_cache_retire_receiver
        from peer_learning import receivers
        from peer_learning.demo import seed_courses, seed_wishes
        from peer_learning.models import Session
        from peer_learning.personal_data import export_learning
        from peer_learning.sections import (
            member_sessions_section,
            topic_courses_section,
            upcoming_sessions_section,
        )
        from peer_learning.services import learning_erase

        personal_data.register("learning", export_learning, learning_erase)
        demo.register("peer_learning", seed_courses, order=20)
        demo.register("learning_wishes", seed_wishes, order=25)
        receivers.connect()
        sections.register_home_section("upcoming_sessions", upcoming_sessions_section, order=10)
        sections.register_topic_section("courses", topic_courses_section, order=10)
        sections.register_member_home_section(
            "my_sessions", member_sessions_section, order=10, aside=True
        )
        # Cached pages list upcoming sessions; sessions change without a page being published.
        # Seats are taken with UPDATEs that send no signal: the services retire those.
        post_save.connect(
            page_cache_retire_receiver, sender=Session, dispatch_uid="page_cache_session"
        )
        post_delete.connect(
            page_cache_retire_receiver, sender=Session, dispatch_uid="page_cache_session_d"
        )
