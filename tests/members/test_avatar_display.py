"""Avatars as viewers see them: the picture where its visibility allows, else initials on a
stable colour with readable contrast, else a neutral circle. Never a third-party service."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from members.avatars import PALETTE_SIZE, avatar_for, colour_for, initials
from members.models import Profile, Visibility
from members.selectors import member_avatar, profile_view
from members.services import profile_update
from tests.factories import MemberFactory

CSS = Path(__file__).resolve().parents[2] / "hub" / "static" / "css" / "site.css"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Aylin Demir", "AD"),
        ("Dr. Anna-Lena von Müller", "AM"),
        ("jens", "J"),
        ("  Petra   Maria  Koch ", "PK"),
        ("Prof.", "P"),
        ("", ""),
        ("— …", ""),
    ],
)
def test_initials_are_one_or_two_capitals(name, expected):
    assert initials(name) == expected


def test_colour_is_stable_per_member_and_independent_of_the_name():
    first = avatar_for(member_id=17, name="Aylin Demir", picture_url=None)
    renamed = avatar_for(member_id=17, name="Aylin Schulz", picture_url=None)

    assert first.colour == renamed.colour == colour_for(17)
    assert {colour_for(member_id) for member_id in range(100)} == set(range(PALETTE_SIZE))


def test_hidden_name_without_picture_is_a_neutral_circle():
    avatar = avatar_for(member_id=17, name=None, picture_url=None)

    assert avatar.is_neutral
    assert avatar.initials == ""
    assert avatar.colour is None


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def test_every_avatar_colour_keeps_white_letters_at_wcag_aa_contrast():
    css = CSS.read_text()
    names = [str(index) for index in range(PALETTE_SIZE)] + ["neutral"]
    for name in names:
        rule = re.search(rf"\.avatar--{name} \{{\s*background-color: (#[0-9a-f]{{6}});", css)
        assert rule, f".avatar--{name} has no background colour"
        contrast = (1.0 + 0.05) / (_luminance(rule.group(1)) + 0.05)
        assert contrast >= 4.5, f".avatar--{name}: {contrast:.2f}:1"


def _member_with_avatar(*, avatar: str, name: str = Visibility.PUBLIC) -> Profile:
    member = MemberFactory(first_name="Aylin", last_name="Demir")
    profile = profile_update(
        profile=member.profile,
        data={"avatar_visibility": avatar, "display_name_visibility": name},
    )
    profile.avatar.save("avatars/aylin.jpg", ContentFile(b"jpeg"), save=True)
    return profile


@pytest.mark.django_db
def test_members_only_picture_is_not_shown_to_visitors():
    profile = _member_with_avatar(avatar=Visibility.MEMBERS)
    colleague = MemberFactory()

    for_visitor = profile_view(profile=profile, viewer=AnonymousUser()).avatar
    for_member = profile_view(profile=profile, viewer=colleague).avatar

    assert for_visitor.url is None
    assert for_visitor.initials == "AD"
    assert for_member.url == profile.avatar.url
    assert member_avatar(profile.user, viewer=AnonymousUser()).url is None
    assert member_avatar(profile.user, viewer=colleague).url == profile.avatar.url


@pytest.mark.django_db
def test_private_picture_is_shown_only_to_its_owner():
    profile = _member_with_avatar(avatar=Visibility.PRIVATE)

    assert member_avatar(profile.user, viewer=MemberFactory()).url is None
    assert member_avatar(profile.user).url is None
    assert member_avatar(profile.user, viewer=profile.user).url == profile.avatar.url


@pytest.mark.django_db
def test_hidden_name_gives_no_initials():
    profile = _member_with_avatar(avatar=Visibility.PRIVATE, name=Visibility.PRIVATE)

    assert member_avatar(profile.user, viewer=MemberFactory()).is_neutral
    assert profile_view(profile=profile, viewer=AnonymousUser()).avatar.is_neutral


@pytest.mark.django_db
def test_directory_and_profile_page_show_initials_or_picture(client: Client):
    with_picture = _member_with_avatar(avatar=Visibility.PUBLIC)
    without = MemberFactory(first_name="Jens", last_name="Hoffmann")
    profile_update(profile=without.profile, data={"display_name_visibility": Visibility.PUBLIC})

    directory = client.get(reverse("members:directory")).content.decode()
    page = client.get(reverse("members:profile", args=[without.profile.pk])).content.decode()

    assert (
        f'<img class="avatar avatar--size-64" src="{with_picture.avatar.url}" alt=""' in directory
    )
    initials_circle = (
        f'<span class="avatar avatar--size-64 avatar--{colour_for(without.pk)}" '
        'aria-hidden="true">JH</span>'
    )
    assert initials_circle in directory
    assert "gravatar" not in directory.lower()
    assert f'avatar--{colour_for(without.pk)}" aria-hidden="true">JH</span>' in page
