"""Members with "Ich kann helfen bei" tags and a channel to ask in, made with real services."""

import pytest

from discussions.services.channels import channel_create
from discussions.services.questions import question_ask
from hub.models import Topic
from members.services import profile_update
from tests.factories import MemberFactory


def tag(member, *tags):
    profile_update(profile=member.profile, data={"expertise": list(tags)})
    return member


def ask(asker, channel, title, source="Wir fangen gerade an.", capture=None, **kwargs):
    """Ask through the service; with `capture` (django_capture_on_commit_callbacks) the routing
    task runs after the commit, as in the site."""
    if capture is None:
        return question_ask(author=asker, channel=channel, title=title, source=source, **kwargs)
    with capture(execute=True):
        return question_ask(author=asker, channel=channel, title=title, source=source, **kwargs)


@pytest.fixture(autouse=True)
def generous_post_limit(settings):
    settings.DISCUSSIONS_POST_RATE_COUNT = 1000


@pytest.fixture
def topic(db):
    """A topic to ask, wish and follow in; a module may name its own."""
    return Topic.objects.create(name="Vergabe", slug="vergabe")


@pytest.fixture
def helper(db):
    """A member who can help: the tests give her the follows and tags they need."""
    return MemberFactory(first_name="Miriam", last_name="Schulte")


@pytest.fixture
def asker(db):
    return MemberFactory(first_name="Aylin", last_name="Demir")


@pytest.fixture
def expert(db):
    return tag(MemberFactory(first_name="Bernd", last_name="Krause"), "E-Akte")


@pytest.fixture
def channel(asker):
    return channel_create(creator=asker, name="Digitale Verwaltung", description="Austausch")
