"""factory_boy factories. Members are created through the real service."""

from __future__ import annotations

from typing import Any

import factory

from members.models import AdministrationLevel, FederalState, Organisation, User
from members.roles import Role
from members.services import member_create

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

    @classmethod
    def _build(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        raise NotImplementedError("Members only exist once the service has created them.")
