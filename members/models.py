"""Accounts, the administrations members work for, and their profiles."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase
from wagtail.fields import RichTextField


class EmailUserManager(UserManager["User"]):
    """Creates users identified by e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra_fields: Any
    ) -> User:
        extra_fields.update(is_staff=True, is_superuser=True, approval=Approval.APPROVED)
        return self._create_user(email, password, **extra_fields)


class Approval(models.TextChoices):
    """Whether the editors let an account into the network.

    Addresses on the domain allowlist are approved at sign-up; everyone else waits for an editor.
    """

    APPROVED = "approved", _("Freigeschaltet")
    PENDING = "pending", _("Wartet auf Freischaltung")
    DECLINED = "declined", _("Abgelehnt")


class User(AbstractUser):
    """A person with an account. The e-mail address is the login."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("E-Mail-Adresse"), unique=True)
    approval = models.CharField(
        _("Freischaltung"), max_length=8, choices=Approval, default=Approval.PENDING
    )
    approval_changed_at = models.DateTimeField(
        _("Freischaltung geändert am"), null=True, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[EmailUserManager] = EmailUserManager()
    # Answers that `members.backends` loads with the signed-in user, so that the checks on every
    # request need no query; other users lack them, and the readers fall back to a query.
    preloaded_lacks_required_mfa: bool
    preloaded_holds_admin_permission: bool

    class Meta:
        verbose_name = _("Benutzerkonto")
        verbose_name_plural = _("Benutzerkonten")
        ordering = ["email"]
        permissions = [("review_account", _("Kann Konten freischalten"))]

    def __str__(self) -> str:
        return self.email

    @property
    def is_network_member(self) -> bool:
        """An active account the editors let in: it sees members-only content and may take part."""
        return self.is_active and self.approval == Approval.APPROVED

    @property
    def may_open_admin(self) -> bool:
        """Whether Wagtail lets the account into the editors' admin. The account a request
        signed in with comes with the answer (members/backends.py)."""
        preloaded = getattr(self, "preloaded_holds_admin_permission", None)
        if preloaded is None:
            return self.has_perm("wagtailadmin.access_admin")
        return self.is_active and (self.is_superuser or preloaded)


class AdministrationLevel(models.TextChoices):
    FEDERAL = "bund", _("Bund")
    STATE = "land", _("Land")
    MUNICIPAL = "kommune", _("Kommune")
    OTHER = "sonstige", _("Sonstige")


class FederalState(models.TextChoices):
    BW = "BW", "Baden-Württemberg"
    BY = "BY", "Bayern"
    BE = "BE", "Berlin"
    BB = "BB", "Brandenburg"
    HB = "HB", "Bremen"
    HH = "HH", "Hamburg"
    HE = "HE", "Hessen"
    MV = "MV", "Mecklenburg-Vorpommern"
    NI = "NI", "Niedersachsen"
    NW = "NW", "Nordrhein-Westfalen"
    RP = "RP", "Rheinland-Pfalz"
    SL = "SL", "Saarland"
    SN = "SN", "Sachsen"
    ST = "ST", "Sachsen-Anhalt"
    SH = "SH", "Schleswig-Holstein"
    TH = "TH", "Thüringen"


class Organisation(models.Model):
    """An administration (authority, ministry, municipality) that members work for.

    Kept as a managed list so the directory can filter by level and federal state.
    """

    name = models.CharField(_("Name"), max_length=200, unique=True)
    level = models.CharField(_("Verwaltungsebene"), max_length=16, choices=AdministrationLevel)
    state = models.CharField(_("Bundesland"), max_length=2, choices=FederalState, blank=True)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(level="land", state=""),
                name="organisation_state_level_needs_state",
            ),
        ]

    def __str__(self) -> str:
        return self.name


_DOMAIN_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
DOMAIN_PATTERN_RE = re.compile(rf"^(\*\.)?{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+$")


def normalise_domain(domain: str) -> str:
    """Lower-case ASCII form of a domain, so "Stadt-München.de" and its punycode compare equal."""
    domain = domain.strip().strip(".").lower()
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return domain


def validate_domain_pattern(value: str) -> None:
    if not DOMAIN_PATTERN_RE.match(normalise_domain(value)):
        raise ValidationError(
            _(
                "Bitte geben Sie eine Domain wie „stadt-musterstadt.de“ ein, oder „*.bund.de“ "
                "für alle Subdomains. Andere Platzhalter sind nicht möglich."
            ),
            code="invalid_domain_pattern",
        )


class EmailDomainRule(models.Model):
    """An e-mail domain whose addresses join without waiting for an editor.

    `*.bund.de` admits every subdomain (`bva.bund.de`, `it.bva.bund.de`) but not `bund.de`
    itself, which needs its own rule: a wildcard never widens beyond what the editor wrote.
    """

    pattern = models.CharField(
        _("Domain"),
        max_length=253,
        unique=True,
        validators=[validate_domain_pattern],
        help_text=_("z. B. „stadt-musterstadt.de“ oder „*.bund.de“ für alle Subdomains."),
    )
    note = models.CharField(
        _("Anmerkung"),
        max_length=200,
        blank=True,
        help_text=_("Für wen die Domain steht, z. B. „Bundesverwaltung“."),
    )

    class Meta:
        verbose_name = _("Freigegebene E-Mail-Domain")
        verbose_name_plural = _("Freigegebene E-Mail-Domains")
        ordering = ["pattern"]

    def __str__(self) -> str:
        return self.pattern

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pattern = normalise_domain(self.pattern)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.pattern = normalise_domain(self.pattern)

    def admits(self, domain: str) -> bool:
        """Whether an (already normalised) e-mail domain falls under this rule."""
        if self.pattern.startswith("*."):
            return domain.endswith(self.pattern[1:])
        return domain == self.pattern


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Öffentlich")
    MEMBERS = "members", _("Nur Mitglieder")
    PRIVATE = "private", _("Nur ich")


class ExpertiseTag(TaggedItemBase):
    content_object: models.ForeignKey[Profile, Profile] = models.ForeignKey(
        "Profile", on_delete=models.CASCADE, related_name="expertise_items"
    )


class InterestTag(TaggedItemBase):
    content_object: models.ForeignKey[Profile, Profile] = models.ForeignKey(
        "Profile", on_delete=models.CASCADE, related_name="interest_items"
    )


def _visibility_field(label: Promise) -> models.CharField:
    return models.CharField(
        format_lazy(_("Sichtbarkeit: {field}"), field=label),
        max_length=8,
        choices=Visibility,
        default=Visibility.MEMBERS,
    )


MAX_CONTACT_LINKS = 3
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()/-]{2,29}$")
_web_url = URLValidator(schemes=["https", "http"])


def validate_contact_url(url: str) -> None:
    """Web addresses, `mailto:` and `tel:` only: a profile link must never run script."""
    message = _(
        "Bitte geben Sie eine Webadresse (https://…), eine E-Mail-Adresse (mailto:…) oder eine "
        "Telefonnummer (tel:…) ein."
    )
    scheme, _colon, rest = url.partition(":")
    try:
        if scheme.lower() == "mailto":
            validate_email(rest)
        elif scheme.lower() == "tel":
            if not _PHONE_RE.match(rest):
                raise ValidationError(message)
        else:
            _web_url(url)
    except ValidationError:
        raise ValidationError(message, code="invalid_contact_url") from None


def validate_contact_links(links: Any) -> None:
    if not isinstance(links, list) or len(links) > MAX_CONTACT_LINKS:
        raise ValidationError(
            _("Höchstens %(max)d Kontaktlinks."), params={"max": MAX_CONTACT_LINKS}
        )
    for link in links:
        if not isinstance(link, dict) or set(link) != {"label", "url"}:
            raise ValidationError(_("Ein Kontaktlink braucht Bezeichnung und Adresse."))
        if not isinstance(link["label"], str) or not 0 < len(link["label"]) <= 60:
            raise ValidationError(_("Die Bezeichnung darf höchstens 60 Zeichen lang sein."))
        validate_contact_url(link["url"])


class Profile(models.Model):
    """What colleagues see of a member.

    Every field but the account itself has its own visibility, chosen by the member: the
    platform promises that a field marked "members only" never reaches an anonymous visitor and
    "only me" reaches nobody else (selectors enforce it, tests prove it per field).
    """

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="profile", verbose_name=_("Konto")
    )
    display_name = models.CharField(_("Anzeigename"), max_length=120)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="profiles",
        verbose_name=_("Organisation"),
    )
    position = models.CharField(_("Funktion"), max_length=200, blank=True)
    bio = models.TextField(_("Kurzvorstellung"), max_length=1000, blank=True)
    avatar = models.ImageField(
        _("Profilbild"),
        upload_to="avatars/",
        blank=True,
        help_text=_("JPEG, PNG oder WebP, höchstens 5 MB. Wird quadratisch zugeschnitten."),
    )
    expertise = TaggableManager(
        verbose_name=_("Ich kann helfen bei"),
        through=ExpertiseTag,
        blank=True,
        related_name="expert_profiles",
        help_text=_("Themen, zu denen Sie Kolleginnen und Kollegen helfen können."),
    )
    interests = TaggableManager(
        verbose_name=_("Ich suche"),
        through=InterestTag,
        blank=True,
        related_name="interested_profiles",
        help_text=_("Themen, zu denen Sie Erfahrungen anderer suchen."),
    )
    contact_links = models.JSONField(
        _("Kontaktlinks"), default=list, blank=True, validators=[validate_contact_links]
    )
    display_name_visibility = _visibility_field(_("Anzeigename"))
    organisation_visibility = _visibility_field(_("Organisation"))
    position_visibility = _visibility_field(_("Funktion"))
    bio_visibility = _visibility_field(_("Kurzvorstellung"))
    avatar_visibility = _visibility_field(_("Profilbild"))
    expertise_visibility = _visibility_field(_("Ich kann helfen bei"))
    interests_visibility = _visibility_field(_("Ich suche"))
    contact_links_visibility = _visibility_field(_("Kontaktlinks"))

    # Each field shown to others, with the field that holds its visibility.
    VISIBILITY_FIELDS: ClassVar[dict[str, str]] = {
        "display_name": "display_name_visibility",
        "organisation": "organisation_visibility",
        "position": "position_visibility",
        "bio": "bio_visibility",
        "avatar": "avatar_visibility",
        "expertise": "expertise_visibility",
        "interests": "interests_visibility",
        "contact_links": "contact_links_visibility",
    }

    class Meta:
        verbose_name = _("Profil")
        verbose_name_plural = _("Profile")
        ordering = ["display_name"]
        # The directory lists profiles by name, a page at a time.
        indexes = [models.Index(fields=["display_name", "id"], name="profile_directory_order")]

    def __str__(self) -> str:
        return self.display_name


class TermsVersion(models.Model):
    """A published version of the terms of use and privacy notice members agree to.

    Editors publish a new version when the text changes materially; every member is asked to
    accept it at their next login.
    """

    version = models.PositiveIntegerField(_("Version"), unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    text = RichTextField(_("Text"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])
    published_at = models.DateTimeField(_("Gültig ab"))

    class Meta:
        verbose_name = _("Nutzungsbedingungen")
        verbose_name_plural = _("Nutzungsbedingungen")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class TermsAcceptance(models.Model):
    """That a member accepted one version of the terms, and when."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="terms_acceptances")
    terms = models.ForeignKey(TermsVersion, on_delete=models.PROTECT, related_name="acceptances")
    accepted_at = models.DateTimeField(_("Zugestimmt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Zustimmung")
        verbose_name_plural = _("Zustimmungen")
        constraints = [
            models.UniqueConstraint(fields=["user", "terms"], name="terms_accepted_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.terms}"
