"""The hub's models, one module per subject; import them from here."""

from hub.models.accessibility import (
    AccessibilityFeedback,
    AccessibilityStatementPage,
    Conformance,
    EvaluationMethod,
)
from hub.models.knowledge import (
    RESERVED_SLUGS,
    KnowledgeIndexPage,
    PracticePage,
    PracticePageAuthor,
)
from hub.models.pages import HomeFeaturedItem, HomePage
from hub.models.topics import Topic, topic_slug

__all__ = [
    "RESERVED_SLUGS",
    "AccessibilityFeedback",
    "AccessibilityStatementPage",
    "Conformance",
    "EvaluationMethod",
    "HomeFeaturedItem",
    "HomePage",
    "KnowledgeIndexPage",
    "PracticePage",
    "PracticePageAuthor",
    "Topic",
    "topic_slug",
]
