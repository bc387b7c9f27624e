"""The hub's models, one module per subject; import them from here."""

from hub.models.accessibility import (
    AccessibilityFeedback,
    AccessibilityStatementPage,
    Conformance,
    EvaluationMethod,
)
from hub.models.feedback import HelpfulMark, Reuse
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
    "HelpfulMark",
    "HomeFeaturedItem",
    "HomePage",
    "KnowledgeIndexPage",
    "PracticePage",
    "PracticePageAuthor",
    "Reuse",
    "Topic",
    "topic_slug",
]
