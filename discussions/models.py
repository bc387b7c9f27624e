"""Discussion channels: who may read and post where, what was said, and how it was changed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hub.models import PracticePage, Topic


class ChannelVisibility(models.TextChoices):
    OPEN = "open", _("Offen für alle Mitglieder")
    PRIVATE = "private", _("Privat, nur auf Einladung")


class Channel(models.Model):
    """A room for one subject. Open channels are readable by every approved member; private
    ones only by their members, who join by invitation."""

    name = models.CharField(_("Name"), max_length=80)
    slug = models.SlugField(_("Kurzname für Adressen"), max_length=80, unique=True)
    description = models.TextField(_("Beschreibung"), max_length=500, blank=True)
    topics = models.ManyToManyField(Topic, verbose_name=_("Themen"), blank=True)
    visibility = models.CharField(
        _("Sichtbarkeit"),
        max_length=10,
        choices=ChannelVisibility.choices,
        default=ChannelVisibility.OPEN,
    )
    is_archived = models.BooleanField(
        _("Archiviert"),
        default=False,
        help_text=_("Archivierte Kanäle bleiben lesbar, aber niemand kann mehr schreiben."),
    )
    slow_mode_seconds = models.PositiveIntegerField(
        _("Langsamer Modus (Sekunden)"),
        default=0,
        help_text=_("Wie lange jedes Mitglied zwischen zwei Nachrichten warten muss; 0 = aus."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Kanal")
        verbose_name_plural = _("Kanäle")
        ordering = ["name"]
        permissions = [("moderate_channel", _("Kann Kanäle moderieren"))]

    def __str__(self) -> str:
        return self.name

    @property
    def is_private(self) -> bool:
        return self.visibility == ChannelVisibility.PRIVATE


class Membership(models.Model):
    """A member in a channel, with the read pointer behind the unread count."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_memberships"
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    # The id of the newest message the member has seen; ids grow, so "unread" is "id above".
    last_read_id = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(fields=["channel", "user"], name="discussions_one_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.channel_id}"


class Invitation(models.Model):
    """An open invitation to a private channel; joining uses it up."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Einladung")
        verbose_name_plural = _("Einladungen")
        constraints = [
            models.UniqueConstraint(fields=["channel", "user"], name="discussions_one_invitation")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} to {self.channel_id}"


class Message(models.Model):
    """What a member wrote. The Markdown source is kept; `html` is its sanitised rendering.

    Deleting only blanks the content and keeps a tombstone, so replies keep their context.
    Authors who leave the network are set to null and shown as "ehemaliges Mitglied".
    """

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="channel_messages",
    )
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    source = models.TextField(_("Text"))
    html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Hidden by the moderation: shown as a tombstone, and can be shown again.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Nachricht")
        verbose_name_plural = _("Nachrichten")
        ordering = ["id"]
        indexes = [models.Index(fields=["channel", "id"], name="discussions_history")]

    def __str__(self) -> str:
        return f"#{self.pk} in {self.channel_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_removed(self) -> bool:
        """Deleted by its author or hidden by the moderation: only a tombstone is shown."""
        return self.deleted_at is not None or self.hidden_at is not None


class MessageRevision(models.Model):
    """An earlier version of an edited message, kept for moderators."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    source = models.TextField()
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Frühere Fassung")
        verbose_name_plural = _("Frühere Fassungen")
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.message_id} until {self.replaced_at:%Y-%m-%d %H:%M}"


class ReactionEmoji(models.TextChoices):
    """The fixed set: enough to say thanks or agree without a reply."""

    THUMBS_UP = "👍", _("Daumen hoch")
    THANKS = "🙏", _("Danke")
    CELEBRATE = "🎉", _("Super")
    IDEA = "💡", _("Gute Idee")
    QUESTION = "❓", _("Frage")
    EYES = "👀", _("Schaue ich mir an")


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_reactions"
    )
    emoji = models.CharField(max_length=8, choices=ReactionEmoji.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Reaktion")
        verbose_name_plural = _("Reaktionen")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "user", "emoji"], name="discussions_one_reaction"
            ),
            models.CheckConstraint(
                condition=Q(emoji__in=ReactionEmoji.values), name="discussions_known_emoji"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on #{self.message_id}"


class FlagReason(models.TextChoices):
    OFFENSIVE = "offensive", _("Beleidigend oder respektlos")
    SPAM = "spam", _("Werbung oder Spam")
    PERSONAL_DATA = "personal_data", _("Enthält personenbezogene oder vertrauliche Daten")
    OFF_TOPIC = "off_topic", _("Gehört nicht hierher")
    OTHER = "other", _("Anderer Grund")


class Flag(models.Model):
    """A member's report of a message to the moderation; open until a moderator decides."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("Grund"), max_length=20, choices=FlagReason.choices)
    note = models.TextField(_("Erläuterung"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="discussions_one_open_flag_per_reporter",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: #{self.message_id}"


class Mute(models.Model):
    """A member muted in one channel by the moderation: they read, but cannot post or react."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="mutes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_mutes"
    )
    until = models.DateTimeField(_("Bis"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Stummschaltung")
        verbose_name_plural = _("Stummschaltungen")
        constraints = [
            models.UniqueConstraint(fields=["channel", "user"], name="discussions_one_mute")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.channel_id}"


class ModerationActionKind(models.TextChoices):
    HIDE = "hide", _("Nachricht ausgeblendet")
    SHOW = "show", _("Nachricht wieder eingeblendet")
    DELETE = "delete", _("Nachricht gelöscht")
    DISMISS = "dismiss", _("Meldung zurückgewiesen")
    MUTE = "mute", _("Mitglied stummgeschaltet")
    UNMUTE = "unmute", _("Stummschaltung aufgehoben")
    SLOW_MODE = "slow_mode", _("Langsamer Modus geändert")


class ModerationAction(models.Model):
    """The log of every moderator action: who did what to which message, member or channel."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("Aktion"), max_length=20, choices=ModerationActionKind.choices)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("Notiz"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Moderationsaktion")
        verbose_name_plural = _("Moderationsaktionen")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class QuestionState(models.TextChoices):
    OPEN = "open", _("Offen")
    ANSWERED = "answered", _("Beantwortet")
    SOLVED = "solved", _("Gelöst")


class Question(models.Model):
    """A thread's first message asked as a question: a title, topics and where it stands.

    The question's text is its message (rendered, sanitised and moderated like every message),
    and its answers are the thread's replies. It shares the message's primary key, so a
    question's address and its message's are the same number. `state` is stored rather than
    derived, so lists filter and sort on one indexed column: offen until someone other than the
    asker replies (beantwortet), gelöst while a reply is marked as the solution.
    """

    message = models.OneToOneField(
        Message, primary_key=True, on_delete=models.CASCADE, related_name="question"
    )
    title = models.CharField(_("Titel"), max_length=200)
    topics = models.ManyToManyField(Topic, verbose_name=_("Themen"), blank=True)
    state = models.CharField(
        _("Stand"), max_length=10, choices=QuestionState.choices, default=QuestionState.OPEN
    )
    answered_at = models.DateTimeField(_("Erste Antwort am"), null=True, blank=True)
    solution = models.ForeignKey(
        Message,
        verbose_name=_("Lösung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    solved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Als gelöst markiert von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    solved_at = models.DateTimeField(_("Gelöst am"), null=True, blank=True)
    # "Frage an die Autor:innen": the article the question is about. The question outlives the
    # article (its answers stay useful), so deleting the page only drops the link.
    article = models.ForeignKey(
        PracticePage,
        verbose_name=_("Bezieht sich auf"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )

    class Meta:
        verbose_name = _("Frage")
        verbose_name_plural = _("Fragen")
        ordering = ["-message_id"]
        indexes = [models.Index(fields=["state", "message"], name="discussions_question_list")]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=QuestionState.values), name="discussions_question_state"
            ),
            models.CheckConstraint(
                condition=Q(solution__isnull=True) | Q(state=QuestionState.SOLVED),
                name="discussions_solution_means_solved",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class QuestionHelper(models.Model):
    """A member who said "Ich kann hier helfen": they are notified of the question's replies."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="helpers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="questions_helping"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Hilfsangebot")
        verbose_name_plural = _("Hilfsangebote")
        constraints = [
            models.UniqueConstraint(fields=["question", "user"], name="discussions_one_helper")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.question_id}"


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Erwähnung")
    REPLY = "reply", _("Antwort auf Ihre Nachricht")
    QUESTION_REPLY = "question_reply", _("Antwort auf eine Frage, bei der Sie helfen")
    SOLUTION = "solution", _("Ihre Antwort ist die Lösung")
    # A question routed to a member whose tags, courses or articles match it (experts app).
    QUESTION_REQUEST = "question_request", _("Eine Frage, bei der Sie helfen können")


class Notification(models.Model):
    """Something in a channel that concerns one member: a mention, a reply to them, a reply
    to a question they offered to help with, their reply marked as a question's solution, or a
    question routed to them (with the reason in `detail`)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_notifications"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="notifications")
    # Why the member is told, where the kind alone does not say it ("weil Sie bei „E-Akte“
    # helfen"); stored rather than recomputed, since tags and courses change afterwards.
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="discussions_unread_notes")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", _("Täglich")
    WEEKLY = "weekly", _("Wöchentlich")
    OFF = "off", _("Nie")


class DigestKind(models.TextChoices):
    """What the digest mail holds, each sent as often as the member chose; the value is also
    the field of `DigestSubscription` with the choice and, with `_sent_at`, the field with when
    that part was last mailed."""

    NOTIFICATIONS = "notifications", _("Erwähnungen und Antworten")
    FOLLOWED = "followed", _("Neues in dem, was Sie verfolgen")
    QUESTIONS = "questions", _("Offene Fragen, bei denen Sie helfen können")


def _frequency_field(kind: DigestKind, default: DigestFrequency) -> models.CharField:
    return models.CharField(
        kind.label, max_length=8, choices=DigestFrequency.choices, default=default
    )


class DigestSubscription(models.Model):
    """A member's choices about the e-mail digest, per kind: daily, weekly or never. Without a
    row the defaults apply. The `*_sent_at` fields keep anything from being mailed twice and
    space out the weekly parts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="discussion_digest"
    )
    notifications = _frequency_field(DigestKind.NOTIFICATIONS, DigestFrequency.DAILY)
    followed = _frequency_field(DigestKind.FOLLOWED, DigestFrequency.WEEKLY)
    questions = _frequency_field(DigestKind.QUESTIONS, DigestFrequency.WEEKLY)
    notifications_sent_at = models.DateTimeField(null=True, blank=True)
    followed_sent_at = models.DateTimeField(null=True, blank=True)
    questions_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("E-Mail-Zusammenfassung")
        verbose_name_plural = _("E-Mail-Zusammenfassungen")
        constraints = [
            models.CheckConstraint(
                condition=Q(notifications__in=DigestFrequency.values)
                & Q(followed__in=DigestFrequency.values)
                & Q(questions__in=DigestFrequency.values),
                name="discussions_digest_frequencies",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.notifications}/{self.followed}/{self.questions}"

    def frequency(self, kind: DigestKind) -> str:
        return str(getattr(self, kind.value))
