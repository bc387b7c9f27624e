"""Avatar uploads: only real images, bounded, resized, without metadata."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from members.models import Profile, Visibility
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PROFILE_FIELDS = {
    "display_name": "Erika Beispiel",
    "display_name_visibility": "public",
    "organisation_visibility": "members",
    "position_visibility": "members",
    "bio_visibility": "members",
    "avatar_visibility": "public",
    "expertise_visibility": "members",
    "interests_visibility": "members",
    "contact_links_visibility": "members",
}


def image_file(name="foto.jpg", size=(800, 600), fmt="JPEG", mode="RGB", exif=True):
    buffer = io.BytesIO()
    image = Image.new(mode, size, color=1 if mode == "1" else (30, 90, 160))
    options = {}
    if exif:
        metadata = Image.Exif()
        metadata[0x010F] = "Kamera GmbH"  # Make
        metadata[0x8825] = {2: (52.0, 31.0, 0.0)}  # GPS latitude
        options["exif"] = metadata.tobytes()
    image.save(buffer, format=fmt, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def upload(client, file):
    return client.post(reverse("members:profile_edit"), {**PROFILE_FIELDS, "avatar": file})


def test_avatar_is_square_resized_and_stripped_of_metadata(member_client, member):
    response = upload(member_client, image_file())

    assert response.status_code == 302
    profile = Profile.objects.get(user=member)
    with profile.avatar.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert image.size == (256, 256)
        assert not image.getexif()
        assert "exif" not in image.info


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (
            SimpleUploadedFile("brief.pdf", b"%PDF-1.4 kein Bild", content_type="application/pdf"),
            "gültiges Bild",
        ),
        (image_file("animation.gif", fmt="GIF", mode="P", exif=False), "JPEG, PNG oder WebP"),
        (
            image_file("riesig.png", size=(6000, 6000), fmt="PNG", mode="1", exif=False),
            "25 Megapixel",
        ),
    ],
    ids=["not-an-image", "wrong-format", "decompression-bomb"],
)
def test_unusable_uploads_get_a_german_error_and_change_nothing(
    member_client, member, file, message
):
    response = upload(member_client, file)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Profile.objects.get(user=member).avatar


def test_oversized_upload_is_refused(member_client, member):
    noise = Image.frombytes("RGB", (2500, 2500), os.urandom(2500 * 2500 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="JPEG", quality=100)
    assert buffer.tell() > 5 * 1024 * 1024
    big = SimpleUploadedFile("gross.jpg", buffer.getvalue(), content_type="image/jpeg")

    response = upload(member_client, big)

    assert response.status_code == 400
    assert "größer als 5 MB" in response.content.decode()


def test_replacing_and_clearing_removes_old_files(
    member_client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(member_client, image_file())
    first = Profile.objects.get(user=member).avatar
    storage, first_name = first.storage, first.name

    with django_capture_on_commit_callbacks(execute=True):
        upload(member_client, image_file("neu.png", fmt="PNG", exif=False))
    second_name = Profile.objects.get(user=member).avatar.name
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("members:profile_edit"), {**PROFILE_FIELDS, "avatar-clear": "on"}
        )

    assert second_name != first_name
    assert not storage.exists(first_name)
    assert not storage.exists(second_name)
    assert not Profile.objects.get(user=member).avatar


def test_avatar_respects_its_visibility(member_client, member):
    upload(member_client, image_file())
    profile = Profile.objects.get(user=member)
    profile.avatar_visibility = Visibility.MEMBERS
    profile.save()
    url = reverse("members:profile", args=[profile.pk])

    assert profile.avatar.url not in Client().get(url).content.decode()
    assert profile.avatar.url in member_client.get(url).content.decode()


def test_account_deletion_removes_the_avatar_file(
    member_client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(member_client, image_file())
    avatar = Profile.objects.get(user=member).avatar
    storage, name = avatar.storage, avatar.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(
            reverse("members:account_delete"), {"password": TEST_PASSWORD, "confirm": "on"}
        )

    assert not Profile.objects.filter(user_id=member.pk).exists()
    assert not storage.exists(name)
