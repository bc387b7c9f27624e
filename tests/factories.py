"""factory_boy factories. Members are created through the real service."""

from __future__ import annotations

from typing import Any

import factory

from members.models import AdministrationLevel, FederalState, Organisation, User
from members.roles import Role
from members.selectors import current_terms
from members.services import member_create, terms_accept

TEST_PASSWORD = "ein-sicheres-passwort-42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Stadtverwaltung Musterstadt {n}")
    level = AdministrationLevel.MUNICIPAL
    state = FederalState.HE


class MemberFactory(factory.Factory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@verwaltung.example")
    password = TEST_PASSWORD
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Mustermann{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    position = "Sachbearbeitung"
    roles: tuple[Role, ...] = ()

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return member_create(**kwargs)

    @factory.post_generation
    def accepted_terms(user: User, create: bool, extracted: bool | None, **kwargs: Any) -> None:
        """Like a real member, who accepted the terms in force when signing up."""
        terms = current_terms()
        if create and extracted is not False and terms is not None:
            terms_accept(user=user, terms=terms)

    @classmethod
    def _build(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        raise NotImplementedError("Members only exist once the service has created them.")


def totp_activate(user: User) -> str:
    """Give the user an authenticator app and recovery codes through allauth; return the secret."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def totp_code(secret: str) -> str:
    """The code an authenticator app shows right now, computed by allauth's own helper."""
    from allauth.mfa.totp.internal.auth import (
        format_hotp_value,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    counters = list(yield_hotp_counters_from_time())
    current = counters[len(counters) // 2]
    return format_hotp_value(hotp_value(secret, current))


def practice_page_create(
    *,
    title: str = "Digitale Akte im Bürgeramt",
    summary: str = "Wie ein Bürgeramt in sechs Monaten auf die E-Akte umgestellt hat.",
    body: list[tuple[str, Any]] | None = None,
    topics: tuple[Any, ...] = (),
    authors: tuple[User, ...] = (),
    publish: bool = True,
    **fields: Any,
) -> Any:
    """A practice page under the knowledge index, published through a revision like an editor."""
    from hub.models import KnowledgeIndexPage, PracticePage, PracticePageAuthor

    index = KnowledgeIndexPage.objects.get()
    from hub.models import topic_slug

    fields.setdefault("slug", topic_slug(title))
    page = PracticePage(
        title=title,
        summary=summary,
        body=body if body is not None else [("paragraph", "<p>Wir haben klein angefangen.</p>")],
        live=False,
        **fields,
    )
    index.add_child(instance=page)
    page.topics.set(topics)
    page.authors.set([PracticePageAuthor(profile=author.profile) for author in authors])
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page


def asked_hours_ago(question: Any, hours: int) -> None:
    """Date a question's message back: open questions are offered to those who can help only
    after a day (`experts.selectors.OPEN_AFTER`). An update, so no signal runs."""
    import datetime as dt

    from django.utils import timezone

    from discussions.models import Message

    Message.objects.filter(pk=question.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=hours)
    )
