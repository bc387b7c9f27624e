"""Learning wishes ("Lernwünsche"): posting one, "+1 – das möchte ich auch", offering a course
for it, and telling the wishers once the editors published that course."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.mail import mails_send_on_commit
from core.validators import validate_storable_text
from hub.models import Topic
from members.models import User
from members.selectors import is_network_member
from peer_learning.mails import build_mail, wish_course_message
from peer_learning.models import CoursePage, LearningWish, Session, SessionStatus, WishVote
from peer_learning.selectors import is_trainer_of
from peer_learning.wish_selectors import wishers_of


def _require_member(user: User) -> None:
    if not is_network_member(user):
        raise PermissionDenied(_("Lernwünsche gibt es für freigeschaltete Mitglieder."))


@transaction.atomic
def wish_create(
    *, author: User, title: str, text: str = "", topics: Iterable[Topic] = (), format: str
) -> LearningWish:
    _require_member(author)
    for value in (title, text):
        validate_storable_text(value)
    title = " ".join(title.split())
    if not title:
        raise ValidationError({"title": _("Bitte sagen Sie, was Sie lernen möchten.")})
    wish = LearningWish(author=author, title=title, text=text.strip(), format=format)
    wish.full_clean(exclude=["author", "course"])
    wish.save()
    wish.topics.set(list(topics))
    return wish


@transaction.atomic
def wish_vote_set(*, member: User, wish: LearningWish, voting: bool) -> bool:
    """ "+1 – das möchte ich auch" on or off; the same request twice changes nothing more.
    The author wished for it already and counts anyway."""
    _require_member(member)
    if wish.author_id == member.pk:
        raise ValidationError(_("Das ist Ihr eigener Wunsch; er zählt bereits."))
    if voting:
        WishVote.objects.get_or_create(wish=wish, member=member)
    else:
        WishVote.objects.filter(wish=wish, member=member).delete()
    return voting


@transaction.atomic
def wish_course_link(*, wish: LearningWish, course: CoursePage, user: User) -> LearningWish:
    """ "Ich biete das an": the trainer's new course answers the wish (a wish already answered
    by another course keeps it)."""
    if not is_trainer_of(course=course, user=user):
        raise PermissionDenied(_("Nur wer den Impuls gibt, kann ihn einem Wunsch zuordnen."))
    wish = LearningWish.objects.select_for_update().get(pk=wish.pk)
    if wish.course_id is None:
        wish.course = course
        wish.save(update_fields=["course"])
    return wish


@transaction.atomic
def wish_course_announce(*, course: CoursePage) -> int:
    """Once the editors published a course that answers wishes: one mail to each member who
    wished for it (author or "+1"), with the course's planned sessions, sent after the commit;
    a later publication of the same course mails no one again. Returns the mails queued."""
    wishes = LearningWish.objects.select_for_update().filter(course=course, announced_at=None)
    if not wishes:
        return 0
    recipients = list(wishers_of(course=course).exclude(pk__in=course.trainers.values("pk")))
    sessions = list(
        Session.objects.filter(
            course=course, status=SessionStatus.PLANNED, starts_at__gt=timezone.now()
        )
        .select_related("course")
        .order_by("starts_at")
    )
    with translation.override(settings.LANGUAGE_CODE):
        message = wish_course_message(course, sessions)
        mails_send_on_commit(build_mail(to=user.email, message=message) for user in recipients)
    wishes.update(announced_at=timezone.now())
    return len(recipients)
