"""Demo follows, Merkliste entries and feedback on articles, so the pages show something.

Seeded once: a member who already follows or keeps something, or an article that already has
feedback, is left as it is.
"""

from __future__ import annotations

from django.db import transaction

from core.demo import DemoContext, DemoReport
from discussions.models import Channel
from hub.models import HelpfulMark, PracticePage, Reuse, Topic
from members.demo import demo_email
from members.models import User
from network.models import Bookmark, Follow
from peer_learning.models import CoursePage

MEMBER = ("Miriam", "Schulte")
FOLLOWED_TOPICS = ("E-Akte", "OZG und Onlinedienste")
FOLLOWED_CHANNEL = "e-akte-praxis"
FOLLOWED_PERSON = ("Thomas", "Becker")
# How many demo members mark the newest articles helpful, and how many of them say their
# administration uses it: a spread, so the knowledge index's orders differ.
FEEDBACK = (5, 3, 4, 1, 2, 0, 3)


def seed_network(context: DemoContext, report: DemoReport) -> None:
    member = User.objects.filter(email=demo_email(*MEMBER)).first()
    if member is not None and not Follow.objects.filter(member=member).exists():
        _seed_member(member)
        report.count("Gefolgt und gemerkt")
    if not HelpfulMark.objects.exists():
        report.count("Rückmeldungen zu Beiträgen", _seed_feedback())


@transaction.atomic
def _seed_member(member: User) -> None:
    for topic in Topic.objects.filter(name__in=FOLLOWED_TOPICS):
        Follow.objects.create(member=member, topic=topic)
    channel = Channel.objects.filter(slug=FOLLOWED_CHANNEL).first()
    if channel is not None:
        Follow.objects.create(member=member, channel=channel)
    person = User.objects.filter(email=demo_email(*FOLLOWED_PERSON)).select_related("profile")
    for user in person:
        Follow.objects.create(member=member, person=user)
        if user.profile.organisation_id:
            Follow.objects.create(member=member, organisation_id=user.profile.organisation_id)
    for page in PracticePage.objects.live().order_by("-first_published_at")[:2]:
        Bookmark.objects.create(member=member, article=page)
    course = CoursePage.objects.live().order_by("-first_published_at").first()
    if course is not None:
        Bookmark.objects.create(member=member, course=course)


@transaction.atomic
def _seed_feedback() -> int:
    givers = list(
        User.objects.filter(email__endswith="@demo.kollegium.example", approval="approved")
        .exclude(email=demo_email(*MEMBER))
        .select_related("profile")
        .order_by("email")
    )
    pages = PracticePage.objects.live().order_by("-first_published_at")[: len(FEEDBACK)]
    marks = 0
    for page, helpful in zip(pages, FEEDBACK, strict=False):
        for index, giver in enumerate(givers[:helpful]):
            HelpfulMark.objects.create(page=page, member=giver)
            marks += 1
            organisation_id = giver.profile.organisation_id
            if index % 2 and organisation_id:
                Reuse.objects.create(page=page, member=giver, organisation_id=organisation_id)
    return marks
