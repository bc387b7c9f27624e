"""The course mails: German, plain text plus HTML, built from one structured message.

Every mail says the same things in both parts, so each kind is written once here as a
`Message` and rendered by two templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.links import absolute_url
from core.mail import Attachment, Mail, mail_render
from peer_learning.calendar import sessions_calendar
from peer_learning.models import CoursePage, Registration, Session


@dataclass
class Message:
    subject: str
    paragraphs: list[str]
    facts: list[tuple[str, str]] = field(default_factory=list)
    action: tuple[str, str] | None = None
    # Plain text a trainer wrote; shown as-is (escaped in HTML), never as markup.
    quote: str = ""


def session_when(session: Session) -> str:
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    day = formats.date_format(start, "l, j. F Y")
    if start.date() == end.date():
        return f"{day}, {start:%H:%M}–{end:%H:%M} Uhr"
    return f"{day}, {start:%H:%M} Uhr – {formats.date_format(end, 'j. F Y')}, {end:%H:%M} Uhr"


def session_facts(session: Session, *, with_meeting_link: bool) -> list[tuple[str, str]]:
    facts = [
        (_("Impuls"), session.course.title),
        (_("Termin"), session_when(session)),
        (_("Durchführung"), session.get_delivery_display()),
    ]
    if session.location:
        facts.append((_("Ort"), session.location))
    if with_meeting_link and session.meeting_url:
        facts.append((_("Videokonferenz"), session.meeting_url))
    return facts


def session_link(session: Session) -> tuple[str, str]:
    return _("Zum Termin"), absolute_url("peer_learning:session", session.pk)


def build_mail(
    *, to: str, message: Message, calendar_of: Session | None = None, with_link: bool = False
) -> Mail:
    attachments = []
    if calendar_of is not None:
        calendar = sessions_calendar([calendar_of], with_meeting_link=with_link)
        attachments.append(
            Attachment(
                filename="termin.ics",
                content=calendar.decode(),
                mimetype="text/calendar; charset=utf-8; method=PUBLISH",
            )
        )
    return mail_render(
        "peer_learning/email/course",
        to=to,
        subject=message.subject,
        context={"message": message},
        attachments=attachments,
    )


def registration_message(registration: Registration, kind: str) -> Message:
    session = registration.session
    title = session.course.title
    seat = kind != "waitlisted"
    texts = {
        "confirmed": (
            _("Anmeldung bestätigt: %(title)s"),
            [
                _(
                    "Sie sind für den folgenden Termin angemeldet. Den Termin für Ihren Kalender "
                    "finden Sie im Anhang."
                ),
                _(
                    "Falls Sie doch nicht können, melden Sie sich bitte ab: Ihr Platz geht dann "
                    "an die nächste Person auf der Warteliste."
                ),
            ],
        ),
        "waitlisted": (
            _("Warteliste: %(title)s"),
            [
                _(
                    "Der Termin ist ausgebucht. Sie stehen auf der Warteliste und rücken "
                    "automatisch nach, sobald ein Platz frei wird – wir schreiben Ihnen dann "
                    "sofort."
                ),
            ],
        ),
        "promoted": (
            _("Sie sind nachgerückt: %(title)s"),
            [
                _(
                    "Gute Nachricht: Ein Platz ist frei geworden, und Sie sind von der Warteliste "
                    "nachgerückt. Ihre Anmeldung ist jetzt bestätigt; den Termin finden Sie im "
                    "Anhang."
                ),
            ],
        ),
        "reminder": (
            _("Erinnerung: %(title)s beginnt bald"),
            [_("Ihr Termin beginnt in weniger als 24 Stunden. Wir freuen uns auf Sie!")],
        ),
    }
    subject, paragraphs = texts[kind]
    return Message(
        subject=subject % {"title": title},
        paragraphs=paragraphs,
        facts=session_facts(session, with_meeting_link=seat),
        action=session_link(session),
    )


def session_message(session: Session, kind: str, *, holds_seat: bool) -> Message:
    title = session.course.title
    if kind == "cancelled":
        return Message(
            subject=_("Abgesagt: %(title)s") % {"title": title},
            paragraphs=[
                _(
                    "Leider muss der folgende Termin ausfallen. Ihre Anmeldung ist damit "
                    "hinfällig; Sie müssen nichts weiter tun."
                ),
                _("Im Katalog finden Sie weitere Termine und Impulse."),
            ],
            facts=session_facts(session, with_meeting_link=False),
            action=(_("Zum Katalog"), absolute_url("peer_learning:catalogue")),
        )
    return Message(
        subject=_("Geändert: %(title)s") % {"title": title},
        paragraphs=[
            _(
                "Die Trainerin oder der Trainer hat Zeit oder Ort des Termins geändert. So sieht "
                "er jetzt aus:"
            ),
        ],
        facts=session_facts(session, with_meeting_link=holds_seat),
        action=session_link(session),
    )


def trainer_message(session: Session, *, sender_name: str, subject: str, body: str) -> Message:
    return Message(
        subject=_("%(title)s: %(subject)s") % {"title": session.course.title, "subject": subject},
        paragraphs=[
            _("%(name)s schreibt allen Teilnehmenden dieses Termins:") % {"name": sender_name},
        ],
        quote=body,
        facts=session_facts(session, with_meeting_link=True),
        action=session_link(session),
    )


def wish_course_message(course: CoursePage, sessions: list[Session]) -> Message:
    """To a member who wished for what the course teaches, once it is published."""
    facts = [(_("Impuls"), course.title)]
    facts += [(_("Termin"), session_when(session)) for session in sessions]
    return Message(
        subject=_("Ihr Lernwunsch wird erfüllt: %(title)s") % {"title": course.title},
        paragraphs=[
            _(
                "Sie hatten sich gewünscht, mehr darüber zu lernen – jetzt bietet eine Kollegin "
                "oder ein Kollege dazu einen Impuls an."
            ),
            _("Hier sind die Termine; anmelden können Sie sich auf der Seite des Impulses.")
            if sessions
            else _(
                "Termine stehen noch nicht fest; auf der Seite des Impulses sehen Sie sie, "
                "sobald es welche gibt."
            ),
        ],
        facts=facts,
        action=(_("Zum Impuls"), absolute_url(course.url or "")),
    )
