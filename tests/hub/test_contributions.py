"""Members submit practice material in the site; editors review it in Wagtail's workflow."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, WorkflowState

from hub.knowledge.services import SUBMISSIONS_COLLECTION
from hub.models import PracticePage, Topic
from members.models import Approval
from members.roles import Role
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db

BODY = (
    "Ausgangslage: Im Bürgeramt stapelten sich die Papierakten.\n\n"
    "Vorgehen: Wir haben mit einem Pilotteam begonnen und jede Woche nachgesteuert. "
    "Nach drei Monaten folgten alle anderen Teams."
)


@pytest.fixture
def topic():
    return Topic.objects.create(name="E-Akte")


@pytest.fixture
def editor():
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    return editor


def form_data(topic, **overrides):
    data = {
        "title": "E-Akte im Bürgeramt",
        "summary": "Wie ein Bürgeramt in sechs Monaten papierlos wurde.",
        "body": BODY,
        "topics": [topic.pk],
    }
    data.update(overrides)
    return data


def pdf(name="leitfaden.pdf", size=0):
    return SimpleUploadedFile(name, b"%PDF-1.7\n" + b"0" * size, content_type="application/pdf")


def png(name="foto.png"):
    output = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(output, format="PNG")
    return SimpleUploadedFile(name, output.getvalue(), content_type="image/png")


def submit(client, topic, **overrides):
    return client.post(reverse("knowledge:submit"), form_data(topic, **overrides))


def test_member_submits_a_draft_into_the_review_workflow(member_client, member, topic, client):
    response = submit(member_client, topic, attachments=[pdf(), png()])

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("knowledge:my_contributions")
    page = PracticePage.objects.get()
    assert not page.live
    assert page.submitted_by == member
    assert page.owner == member
    assert page.organisation == member.profile.organisation
    assert page.administration_level == member.profile.organisation.level
    assert page.review_date > timezone.localdate()
    assert [author.profile for author in page.authors.all()] == [member.profile]
    assert page.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    assert page.current_workflow_state.workflow.name == "Redaktionelle Prüfung"
    draft = page.get_latest_revision_as_object()
    assert [block.block_type for block in draft.body] == ["paragraph", "document", "image"]
    assert draft.body[0].value.source.startswith("<p>Ausgangslage:")
    closed = Collection.objects.get(name=SUBMISSIONS_COLLECTION)
    assert get_document_model().objects.get().collection == closed
    assert get_image_model().objects.get().collection == closed

    status = member_client.get(reverse("knowledge:my_contributions")).content.decode()
    assert "E-Akte im Bürgeramt" in status
    assert "In Prüfung" in status
    assert "überarbeiten" not in status
    assert client.get(f"/wissen/{page.slug}/").status_code == 404


def test_attachments_of_unpublished_submissions_are_not_downloadable(member_client, topic, client):
    submit(member_client, topic, attachments=[pdf()])
    document = get_document_model().objects.get()

    response = client.get(document.url)

    assert response.status_code in (302, 403)


def test_submitted_html_is_sanitised(member_client, topic):
    body = (
        "<p>Harmlos <b>fett</b> und <a href='https://www.bund.de'>Link</a>.</p>"
        "<script>alert('x')</script><p onclick='steal()'>Klick</p>"
        "<a href='javascript:alert(1)'>böse</a><img src=x onerror=alert(1)>"
        "<iframe src='https://evil.example'></iframe>" + "<p>" + "Inhalt " * 20 + "</p>"
    )

    submit(member_client, topic, body=body)

    html = PracticePage.objects.get().get_latest_revision_as_object().body[0].value.source
    assert "<b>fett</b>" in html
    assert 'href="https://www.bund.de"' in html
    for dangerous in ("script", "onclick", "javascript:", "onerror", "<img", "iframe", "alert"):
        assert dangerous not in html


def test_pending_accounts_and_visitors_cannot_submit(client, topic):
    pending = MemberFactory()
    pending.approval = Approval.PENDING
    pending.save()

    anonymous = client.get(reverse("knowledge:submit"))
    client.force_login(pending)
    refused = submit(client, topic)

    assert anonymous.status_code == 302
    assert reverse("account_login") in anonymous.headers["Location"]
    assert refused.status_code == 403
    assert not PracticePage.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("tool.exe", b"MZ\x90\x00"), "Dieser Dateityp ist nicht erlaubt"),
        (SimpleUploadedFile("bericht.pdf", b"<html>kein pdf</html>"), "keine gültige PDF-Datei"),
        (SimpleUploadedFile("tabelle.xlsx", b"PK nicht wirklich"), "keine gültige XLSX-Datei"),
        (SimpleUploadedFile("notiz.txt", b"\x00\x01\x02binary"), "keine gültige TXT-Datei"),
        (SimpleUploadedFile("foto.png", b"\x89PNG kaputt"), "kein lesbares JPEG-, PNG- oder"),
        (pdf(size=10 * 1024 * 1024), "ist größer als 10"),
    ],
)
def test_bad_attachments_get_a_clear_german_error_and_lose_no_text(
    member_client, topic, upload, message
):
    response = submit(member_client, topic, attachments=[upload])

    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert "E-Akte im Bürgeramt" in html  # what was typed is still there
    assert not PracticePage.objects.exists()


def test_office_documents_are_recognised_by_content(member_client, topic):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as office:
        office.writestr("[Content_Types].xml", "<Types/>")
    docx = SimpleUploadedFile("vorlage.docx", archive.getvalue())

    response = submit(member_client, topic, attachments=[docx])

    assert response.status_code == 302


def test_too_many_attachments_are_refused(member_client, topic):
    response = submit(member_client, topic, attachments=[pdf(f"d{n}.pdf") for n in range(6)])

    assert response.status_code == 400
    assert "höchstens 5 Dateien" in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Dieses Feld muss ausgefüllt werden."),
        ({"body": "<script>x</script>kurz"}, "mindestens 100 Zeichen"),
        ({"topics": []}, "Dieses Feld muss ausgefüllt werden."),
        ({"topics": ["999999"]}, "Bitte eine gültige Auswahl treffen"),
    ],
)
def test_incomplete_submissions_are_refused(member_client, topic, overrides, message):
    response = submit(member_client, topic, **overrides)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not PracticePage.objects.exists()


def test_submissions_are_rate_limited_without_losing_input(member_client, topic):
    for number in range(10):
        assert submit(member_client, topic, title=f"Beitrag Nummer {number}").status_code == 302

    response = submit(member_client, topic, title="Einer zu viel")

    assert response.status_code == 429
    assert "sehr viele Beiträge" in response.content.decode()
    assert "Einer zu viel" in response.content.decode()
    assert PracticePage.objects.count() == 10


def _request_changes(page, editor, comment):
    task_state = page.current_workflow_state.current_task_state
    task_state.reject(user=editor, comment=comment)


def test_editor_asks_for_changes_author_revises_editor_publishes(
    member_client, member, topic, editor, client
):
    submit(member_client, topic, attachments=[pdf()])
    page = PracticePage.objects.get()

    _request_changes(page, editor, "Bitte ergänzen Sie die Rechtsgrundlage.")

    status = member_client.get(reverse("knowledge:my_contributions")).content.decode()
    assert "Änderungen erbeten" in status
    assert "Bitte ergänzen Sie die Rechtsgrundlage." in status
    form = member_client.get(reverse("knowledge:revise", args=[page.pk]))
    assert "E-Akte im Bürgeramt" in form.content.decode()

    response = member_client.post(
        reverse("knowledge:revise", args=[page.pk]),
        form_data(topic, body=BODY + "\n\nRechtsgrundlage: EGovG § 6."),
    )

    assert response.status_code == 302
    page.refresh_from_db()
    state = page.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    draft = page.get_latest_revision_as_object()
    assert "EGovG § 6" in draft.body[0].value.source
    assert [block.block_type for block in draft.body] == ["paragraph", "document"]

    state.current_task_state.approve(user=editor)

    page.refresh_from_db()
    assert page.live
    assert get_document_model().objects.get().collection.depth == 1
    assert "EGovG § 6" in client.get(page.url).content.decode()
    assert (
        "Veröffentlicht"
        in member_client.get(reverse("knowledge:my_contributions")).content.decode()
    )


def test_approved_with_a_future_date_is_scheduled(member_client, topic, editor):
    submit(member_client, topic)
    page = PracticePage.objects.get()
    go_live = timezone.now() + datetime.timedelta(days=3)
    revision = page.get_latest_revision()
    revision_page = revision.as_object()
    revision_page.go_live_at = go_live
    revision_page.save_revision(user=editor)
    page.current_workflow_state.current_task_state.approve(user=editor)

    page.refresh_from_db()
    status = member_client.get(reverse("knowledge:my_contributions")).content.decode()
    assert not page.live
    assert "Veröffentlichung geplant" in status


def test_nobody_edits_someone_elses_submission(member_client, topic, client, editor):
    submit(member_client, topic)
    page = PracticePage.objects.get()
    _request_changes(page, editor, "Bitte kürzen.")
    colleague = MemberFactory()
    client.force_login(colleague)

    view = client.get(reverse("knowledge:revise", args=[page.pk]))
    post = client.post(reverse("knowledge:revise", args=[page.pk]), form_data(topic, title="Meins"))

    assert view.status_code == 404
    assert post.status_code == 404
    assert page.get_latest_revision_as_object().title == "E-Akte im Bürgeramt"


def test_no_site_edits_while_the_editors_review(member_client, topic):
    submit(member_client, topic)
    page = PracticePage.objects.get()

    response = member_client.post(
        reverse("knowledge:revise", args=[page.pk]),
        form_data(topic, title="Schnell geändert"),
        follow=True,
    )

    assert "wird gerade von der Redaktion geprüft" in response.content.decode()
    assert page.get_latest_revision_as_object().title == "E-Akte im Bürgeramt"


def test_locked_pages_cannot_be_revised_in_the_site(member_client, topic, editor):
    submit(member_client, topic)
    page = PracticePage.objects.get()
    _request_changes(page, editor, "Bitte kürzen.")
    page.locked, page.locked_by, page.locked_at = True, editor, timezone.now()
    page.save()

    response = member_client.get(reverse("knowledge:revise", args=[page.pk]), follow=True)

    assert "bearbeitet diesen Beitrag gerade" in response.content.decode()


def test_export_and_deletion_cover_authored_articles(member_client, member, topic, editor):
    submit(member_client, topic)
    page = PracticePage.objects.get()
    page.current_workflow_state.current_task_state.approve(user=editor)

    export = json.loads(member_client.get(reverse("members:my_data_download")).content)
    assert export["practice_material"] == [
        {
            "title": "E-Akte im Bürgeramt",
            "submitted_by_me": True,
            "author": True,
            "live": True,
            "url": "/wissen/e-akte-im-buergeramt/",
            "first_published_at": PracticePage.objects.get().first_published_at.isoformat(),
        }
    ]

    member_client.post(
        reverse("members:account_delete"), {"password": "ein-sicheres-passwort-42", "confirm": "on"}
    )

    page = PracticePage.objects.get()
    assert page.live
    assert page.submitted_by is None
    assert page.authors.get().profile is None
    for revision in page.revisions.all():
        assert revision.content["submitted_by"] is None
        assert all(author["profile"] is None for author in revision.content["authors"])
