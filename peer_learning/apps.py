from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeerLearningConfig(AppConfig):
    name = "peer_learning"
    verbose_name = _("Lernen")

    def ready(self) -> None:
        from hub import demo, personal_data
        from peer_learning.demo import seed_courses
        from peer_learning.personal_data import export_learning
        from peer_learning.services import learning_erase

        personal_data.register("learning", export_learning, learning_erase)
        demo.register("peer_learning", seed_courses, order=20)
