"""Courses ("Impulse") as Wagtail pages, their sessions, registrations and feedback."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.sections import page_sections

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]

# Paths of the site's own views under the catalogue; a course slug must not shadow them.
RESERVED_COURSE_SLUGS = frozenset(
    {"termine", "anbieten", "meine-impulse", "lernhistorie", "kalender", "anmeldungen", "wuensche"}
)

MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 480
MAX_CAPACITY = 500


class CatalogueIndexPage(Page):
    """The catalogue's place in the page tree: courses are its children.

    Members browse the catalogue through the site's own view (filters, sessions), so the page
    itself only hands over to it; its intro is shown there.
    """

    intro: models.TextField[str, str] = models.TextField(_("Einleitung"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["hub.HomePage"]
    subpage_types = ["peer_learning.CoursePage"]
    max_count = 1

    class Meta:
        verbose_name = _("Lernkatalog")

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponseRedirect(reverse("peer_learning:catalogue"))


class CourseFormat(models.TextChoices):
    SHORT_TALK = "kurzimpuls", _("Kurzimpuls")
    ASK_ME_ANYTHING = "ama", _("Ask me anything")
    EXCHANGE = "austausch", _("Erfahrungsaustausch")
    WORKSHOP = "workshop", _("Workshop")


class CourseLevel(models.TextChoices):
    BEGINNER = "einstieg", _("Einstieg")
    ADVANCED = "fortgeschritten", _("Fortgeschritten")
    EXPERT = "vertiefung", _("Vertiefung für Fachleute")


class CourseLanguage(models.TextChoices):
    GERMAN = "de", _("Deutsch")
    ENGLISH = "en", _("Englisch")


class CoursePage(Page):
    """A training a member offers to colleagues. Trainers write it in the site; editors review
    and publish it through the Wagtail workflow of the catalogue."""

    summary: models.TextField[str, str] = models.TextField(
        _("Kurzbeschreibung"),
        max_length=300,
        help_text=_("Ein bis zwei Sätze für die Übersicht, höchstens 300 Zeichen."),
    )
    description = RichTextField(_("Beschreibung"), features=RICH_TEXT_FEATURES)
    topics = ParentalManyToManyField(
        "hub.Topic", blank=True, related_name="courses", verbose_name=_("Themen")
    )
    format: models.CharField[str, str] = models.CharField(
        _("Format"), max_length=16, choices=CourseFormat
    )
    duration_minutes: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        _("Dauer in Minuten"),
        default=60,
        validators=[
            MinValueValidator(MIN_DURATION_MINUTES),
            MaxValueValidator(MAX_DURATION_MINUTES),
        ],
    )
    level: models.CharField[str, str] = models.CharField(
        _("Niveau"), max_length=16, choices=CourseLevel, default=CourseLevel.BEGINNER
    )
    prerequisites: models.TextField[str, str] = models.TextField(
        _("Voraussetzungen"), max_length=1000, blank=True
    )
    language: models.CharField[str, str] = models.CharField(
        _("Sprache"), max_length=2, choices=CourseLanguage, default=CourseLanguage.GERMAN
    )
    trainers = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="taught_courses",
        verbose_name=_("Trainer*innen"),
    )
    featured: models.BooleanField[bool, bool] = models.BooleanField(
        _("Hervorgehoben"),
        default=False,
        help_text=_("Hervorgehobene Impulse stehen im Katalog oben."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("format"),
                FieldPanel("duration_minutes"),
                FieldPanel("level"),
                FieldPanel("language"),
                FieldPanel("prerequisites"),
            ],
            heading=_("Rahmen"),
        ),
        FieldPanel("topics"),
        FieldPanel("trainers"),
        FieldPanel("featured"),
    ]

    parent_page_types = ["peer_learning.CatalogueIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("Impuls")
        verbose_name_plural = _("Impulse")

    def clean(self) -> None:
        super().clean()
        if self.slug in RESERVED_COURSE_SLUGS:
            raise ValidationError(
                {
                    "slug": _(
                        "Diese Adresse ist für den Katalog reserviert. Bitte eine andere wählen."
                    )
                }
            )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from peer_learning.selectors import course_detail_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_detail_context(course=self, viewer=request.user))
        context["sections"] = page_sections(request, self)
        return context


def validate_web_url(value: str) -> None:
    """Meeting links open in the participants' browsers: only http(s)."""
    URLValidator(
        schemes=["http", "https"],
        message=_("Bitte einen Link angeben, der mit http:// oder https:// beginnt."),
    )(value)


class Delivery(models.TextChoices):
    ONLINE = "online", _("Online")
    ON_SITE = "vor_ort", _("Vor Ort")
    HYBRID = "hybrid", _("Hybrid")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Geplant")
    CANCELLED = "cancelled", _("Abgesagt")


class Session(models.Model):
    """One date of a course. Times are stored in UTC and shown in Europe/Berlin.

    `seats_taken` counts confirmed and attended registrations. Services change it only with a
    guarded UPDATE (`seats_taken < capacity`), which is what keeps the session from being
    overbooked when many people register at once; the check constraint is the last line.
    """

    course = models.ForeignKey(
        CoursePage, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("Impuls")
    )
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    delivery = models.CharField(_("Durchführung"), max_length=8, choices=Delivery)
    location = models.CharField(_("Ort"), max_length=300, blank=True)
    meeting_url = models.URLField(
        _("Link zur Videokonferenz"), max_length=500, blank=True, validators=[validate_web_url]
    )
    capacity = models.PositiveIntegerField(
        _("Plätze"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    seats_taken = models.PositiveIntegerField(_("Belegte Plätze"), default=0, editable=False)
    registration_deadline = models.DateTimeField(
        _("Anmeldeschluss"),
        null=True,
        blank=True,
        help_text=_("Leer lassen: Anmeldung bis zum Beginn möglich."),
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=SessionStatus, default=SessionStatus.PLANNED
    )
    # A private discussion channel for the session's participants and trainers, opened by a
    # trainer; its members follow the registrations (peer_learning.services).
    channel = models.OneToOneField(
        "discussions.Channel",
        verbose_name=_("Kanal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="course_session",
    )
    # RFC 5545 SEQUENCE: calendars replace an event when it grows.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="session_upcoming")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(seats_taken__lte=models.F("capacity")),
                name="session_not_overbooked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.title} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def seats_free(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Bestätigt")
    WAITLISTED = "waitlisted", _("Warteliste")
    CANCELLED = "cancelled", _("Storniert")
    ATTENDED = "attended", _("Teilgenommen")


# Registrations that hold a seat.
SEAT_HOLDING = (RegistrationStatus.CONFIRMED, RegistrationStatus.ATTENDED)


class Registration(models.Model):
    """A member's place in a session, or on its waitlist.

    One row per member and session: registering again reuses it, which makes double clicks
    and second tabs harmless. After account deletion the row stays without a person, so the
    session's counts and the course's ratings stay right.
    """

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("Termin")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="course_registrations",
        verbose_name=_("Mitglied"),
    )
    status = models.CharField(_("Status"), max_length=10, choices=RegistrationStatus)
    created_at = models.DateTimeField(_("Angemeldet am"), auto_now_add=True)
    # The waitlist is served in this order; re-registering after a cancellation queues anew.
    queued_at = models.DateTimeField(_("Auf der Warteliste seit"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("Bestätigt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("Storniert am"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("Erinnert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["session", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="registration_once"),
        ]
        indexes = [
            models.Index(fields=["session", "status", "queued_at"], name="registration_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.session} ({self.get_status_display()})"

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING


class Feedback(models.Model):
    """An attendee's rating of a session. Trainers see ratings and comments without names."""

    registration = models.OneToOneField(
        Registration, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(
        _("Bewertung"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("Kommentar"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Rückmeldung")
        verbose_name_plural = _("Rückmeldungen")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of a member's personal calendar feed; regenerating it revokes the
    old one (e.g. after sharing it by mistake)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Kalender-Abo")
        verbose_name_plural = _("Kalender-Abos")

    def __str__(self) -> str:
        return str(self.user)


class WishFormat(models.TextChoices):
    ONLINE = "online", _("Online")
    ON_SITE = "on_site", _("Vor Ort")
    ANY = "any", _("Egal")


class LearningWish(models.Model):
    """What a member wants to learn ("Lernwunsch"). Others add "+1"; a member who can teach it
    offers a course, which is linked here, and once the editors publish that course everyone
    who wished for it is told (`announced_at` keeps it to once). The wish goes with its
    author's account."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learning_wishes"
    )
    title = models.CharField(_("Was möchten Sie lernen?"), max_length=200)
    text = models.TextField(_("Worum es Ihnen genau geht"), max_length=2000, blank=True)
    topics = models.ManyToManyField(
        "hub.Topic", blank=True, related_name="learning_wishes", verbose_name=_("Themen")
    )
    format = models.CharField(
        _("Bevorzugtes Format"), max_length=10, choices=WishFormat, default=WishFormat.ANY
    )
    created_at = models.DateTimeField(_("Geäußert am"), auto_now_add=True)
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("Angebotener Impuls"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wishes",
    )
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Lernwunsch")
        verbose_name_plural = _("Lernwünsche")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(format__in=WishFormat.values), name="learning_wish_format"
            )
        ]

    def __str__(self) -> str:
        return self.title


class WishVote(models.Model):
    """ "+1 – das möchte ich auch": once per member and wish."""

    wish = models.ForeignKey(LearningWish, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wish_votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stimme für einen Lernwunsch")
        verbose_name_plural = _("Stimmen für Lernwünsche")
        constraints = [
            models.UniqueConstraint(fields=["wish", "member"], name="one_vote_per_wish_and_member")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.wish_id}"
