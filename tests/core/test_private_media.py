"""Private media (issue 19, finding 11): unpublished submission attachments and hidden avatars
are not under the public media folder; a checked view hands them to whoever may see them."""

from __future__ import annotations

import importlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from core.media import is_private
from hub.models import PracticePage, Topic
from members.images import process_avatar
from members.models import Approval, Visibility
from members.roles import Role
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\nLeitfaden"


@pytest.fixture
def media(settings, tmp_path) -> tuple[Path, Path]:
    """The production storage on throwaway folders (the test settings keep files in memory)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "core.media.MediaStorage"}}
    settings.KOLLEGIUM_PRIVATE_MEDIA_ACCEL_REDIRECT = ""
    return settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT


def png_bytes() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(output, format="PNG")
    return output.getvalue()


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def people():
    author = MemberFactory()
    other = MemberFactory()
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    return {"author": author, "other": other, "editor": editor, "anonymous": None}


@pytest.fixture
def submission(media, people):
    topic = Topic.objects.create(name="E-Akte")
    response = client_for(people["author"]).post(
        reverse("knowledge:submit"),
        {
            "title": "E-Akte im Bürgeramt",
            "summary": "Wie ein Bürgeramt in sechs Monaten papierlos wurde.",
            "body": "Ausgangslage und Vorgehen im Bürgeramt. " * 5,
            "topics": [topic.pk],
            "attachments": [
                SimpleUploadedFile("leitfaden.pdf", PDF),
                SimpleUploadedFile("foto.png", png_bytes()),
            ],
        },
    )
    assert response.status_code == 302
    document = get_document_model().objects.get()
    image = get_image_model().objects.get()
    rendition = image.get_rendition("fill-20x20")
    return PracticePage.objects.get(), document.file, image.file, rendition.file


def status_for(user, url: str) -> int:
    response = client_for(user).get(url)
    if response.status_code == 200:
        b"".join(response.streaming_content)  # closes the file
    return response.status_code


def test_attachments_are_stored_outside_the_public_media_folder(media, submission):
    public_root, private_root = media
    _page, *files = submission
    for file in files:
        assert is_private(file.name), file.name
        assert (private_root / file.name).is_file()
        assert not (public_root / file.name).exists()
        assert file.url == reverse("private_media", kwargs={"name": file.name})
        assert not file.url.startswith("/media/")


def test_unpublished_attachments_reach_only_the_author_and_the_editors(people, submission):
    _page, document, image, rendition = submission
    for file in (document, image, rendition):
        assert status_for(people["anonymous"], file.url) == 404
        assert status_for(people["other"], file.url) == 404
        assert status_for(people["author"], file.url) == 200
        assert status_for(people["editor"], file.url) == 200


def test_the_author_gets_the_file_itself(people, submission):
    _page, document, _image, _rendition = submission

    response = client_for(people["author"]).get(document.url)

    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-cache"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_published_attachments_reach_everyone(people, submission):
    page, document, image, rendition = submission
    page.current_workflow_state.current_task_state.approve(user=people["editor"])
    page.refresh_from_db()
    assert page.live

    for file in (document, image, rendition):
        assert status_for(people["anonymous"], file.url) == 200
        assert status_for(people["other"], file.url) == 200


def test_with_x_accel_redirect_nginx_sends_the_file(settings, people, submission):
    settings.KOLLEGIUM_PRIVATE_MEDIA_ACCEL_REDIRECT = "/private-media/"
    _page, document, image, _rendition = submission

    response = client_for(people["author"]).get(document.url)
    refused = client_for(people["other"]).get(image.url)

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/private-media/{document.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def _member_with_avatar(visibility: str, *, approval: str = Approval.APPROVED):
    member = MemberFactory()
    member.approval = approval
    member.save()
    profile = member.profile
    content = process_avatar(SimpleUploadedFile("ich.png", png_bytes()))
    profile.avatar.save(content.name, content, save=False)
    profile.avatar_visibility = visibility
    profile.display_name_visibility = Visibility.PUBLIC
    profile.save()
    return member, profile.avatar


@pytest.mark.parametrize(
    ("visibility", "anonymous", "other_member"),
    [
        (Visibility.PUBLIC, 200, 200),
        (Visibility.MEMBERS, 404, 200),
        (Visibility.PRIVATE, 404, 404),
    ],
)
def test_avatars_follow_their_owners_visibility(media, visibility, anonymous, other_member):
    owner, avatar = _member_with_avatar(visibility)
    public_root, private_root = media

    assert (private_root / avatar.name).is_file()
    assert not (public_root / avatar.name).exists()
    assert status_for(None, avatar.url) == anonymous
    assert status_for(MemberFactory(), avatar.url) == other_member
    assert status_for(owner, avatar.url) == 200


def test_a_pending_members_avatar_is_not_shown_to_others(media):
    owner, avatar = _member_with_avatar(Visibility.PUBLIC, approval=Approval.PENDING)

    assert status_for(None, avatar.url) == 404
    assert status_for(MemberFactory(), avatar.url) == 404
    assert status_for(owner, avatar.url) == 200


@pytest.mark.parametrize(
    "name",
    [
        "documents/leitfaden.pdf",
        "documents/private-unbekannt.pdf",
        "documents/../../private-media/x.pdf",
    ],
)
def test_unknown_and_public_names_are_not_served_here(media, people, name):
    assert status_for(people["editor"], f"/dateien/{name}") == 404


def test_files_uploaded_before_are_moved_out_of_the_public_folder(
    media, people, submission, django_capture_on_commit_callbacks
):
    """Migration hub 0006: what is already stored under public names moves."""
    migration = importlib.import_module("hub.migrations.0006_private_uploads")
    public_root, private_root = media
    _page, _document, image, rendition = submission
    Document = get_document_model()
    old_document = Document.objects.get()
    old_document.file.save("alt.pdf", ContentFile(PDF))
    published = Document.objects.create(
        title="Öffentlich",
        collection=Collection.get_first_root_node(),
        file=ContentFile(PDF, "oeffentlich.pdf"),
    )
    member = people["other"]
    member.profile.avatar.save("avatar.jpg", ContentFile(png_bytes()))
    assert not is_private(old_document.file.name)
    assert (public_root / "documents/alt.pdf").is_file()

    with django_capture_on_commit_callbacks(execute=True):
        migration.privatise_uploads(apps, None)

    old_document.refresh_from_db()
    member.profile.refresh_from_db()
    published.refresh_from_db()
    assert old_document.file.name == "documents/private-alt.pdf"
    assert (private_root / "documents/private-alt.pdf").read_bytes() == PDF
    assert not (public_root / "documents/alt.pdf").exists()
    assert member.profile.avatar.name == "avatars/private-avatar.jpg"
    assert not (public_root / "avatars/avatar.jpg").exists()
    assert published.file.name == "documents/oeffentlich.pdf"
    assert (public_root / "documents/oeffentlich.pdf").is_file()
    assert image.name == get_image_model().objects.get().file.name  # already private
    assert not get_image_model().get_rendition_model().objects.exists()
    assert not (private_root / rendition.name).exists()
