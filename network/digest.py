"""What follows add to the digest mail (`discussions.services.digest.register_digest_part`):
new articles and courses in what the member follows."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from core.links import absolute_url
from discussions.services.digest import DigestItem
from members.models import User
from network.home import followed_new_articles, followed_new_courses

DIGEST_ARTICLES = 10
DIGEST_COURSES = 5
# How far back the first digest of followed content looks.
FIRST_DIGEST_DAYS = 7


def followed_content_items(member: User, since: datetime | None) -> list[DigestItem]:
    """Articles and courses published since the last digest in what the member follows."""
    since = since or timezone.now() - timedelta(days=FIRST_DIGEST_DAYS)
    articles = followed_new_articles(member=member, limit=DIGEST_ARTICLES, since=since)
    courses = followed_new_courses(member=member, limit=DIGEST_COURSES, since=since)
    return [
        *(
            DigestItem(
                text=_("Praxisbeispiel: %(title)s") % {"title": page.title},
                url=absolute_url(page.url or ""),
            )
            for page in articles
        ),
        *(
            DigestItem(
                text=_("Impuls: %(title)s") % {"title": course.title},
                url=absolute_url(course.url or ""),
            )
            for course in courses
        ),
    ]
