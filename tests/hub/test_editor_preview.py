"""Editors see what they approve: every page a member submits through the site opens in the
admin's draft view, the workflow review and the live preview (issue 19, finding 4).

Drafts there are rebuilt from their revision, where many-to-many relations live in memory and
behave unlike database managers; a course offered in the site used to fail with a 500."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from PIL import Image
from wagtail import blocks
from wagtail.models import Page, WorkflowState
from wagtail.test.utils import WagtailTestUtils
from wagtail.test.utils.form_data import querydict_from_html

from discussions.services.channels import channel_create
from discussions.services.messages import message_post
from hub.models import PracticePage, Topic
from members.roles import Role
from peer_learning.models import CoursePage
from tests.factories import MemberFactory, totp_activate

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor() -> Any:
    editor = MemberFactory(first_name="Anna", last_name="Lehmann", roles=(Role.EDITOR,))
    totp_activate(editor)
    return editor


@pytest.fixture
def topic() -> Topic:
    return Topic.objects.create(name="Digitalisierung")


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def block_form_data(block: blocks.Block, state: Any, prefix: str) -> dict[str, Any]:
    """The fields Wagtail's block editor posts for a block's client-side state: the edit form
    renders StreamFields as JSON for JavaScript, and a browser would post these inputs."""
    if isinstance(block, blocks.StreamBlock | blocks.ListBlock):
        data: dict[str, Any] = {f"{prefix}-count": len(state)}
        for i, child in enumerate(state):
            child_prefix = f"{prefix}-{i}"
            data |= {f"{child_prefix}-deleted": "", f"{child_prefix}-order": i}
            data[f"{child_prefix}-id"] = child.get("id") or ""
            if isinstance(block, blocks.StreamBlock):
                data[f"{child_prefix}-type"] = child["type"]
                child_block = block.child_blocks[child["type"]]
            else:
                child_block = block.child_block
            data |= block_form_data(child_block, child["value"], f"{child_prefix}-value")
        return data
    if isinstance(block, blocks.StructBlock):
        data = {}
        for name, child_block in block.child_blocks.items():
            data |= block_form_data(child_block, state[name], f"{prefix}-{name}")
        return data
    if isinstance(block, blocks.ChooserBlock):
        return {prefix: state["id"] if state else ""}
    return {prefix: "" if state is None else state}


def edit_form_data(html: str, page: Page) -> QueryDict:
    """What the browser posts from the page's edit form, StreamFields included."""
    data = querydict_from_html(html, "page-edit-form")
    for element in WagtailTestUtils.get_soup(html).select('[data-controller="w-block"]'):
        name = element["id"]
        state = json.loads(element["data-w-block-arguments-value"])[0]
        stream_block = type(page)._meta.get_field(name).stream_block
        for key, value in block_form_data(stream_block, state, name).items():
            data[key] = value
    return data


def assert_editor_sees(editor: Any, page: Page, *texts: str) -> None:
    """Draft view, workflow review, revision view, comparison and live preview all show the
    texts."""
    client = signed_in(editor)
    page = Page.objects.get(pk=page.pk).specific
    task = page.current_workflow_state.current_task_state.task
    revision = page.get_latest_revision()
    addresses = [
        reverse("wagtailadmin_pages:view_draft", args=[page.pk]),
        reverse("wagtailadmin_pages:workflow_preview", args=[page.pk, task.pk]),
        reverse("wagtailadmin_pages:revisions_view", args=[page.pk, revision.pk]),
    ]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        html = response.content.decode()
        for text in texts:
            assert text in html, (address, text)

    if page.revisions.count() > 1:
        # What the member changed since the first submission (as a diff: words are split up).
        compare = reverse(
            "wagtailadmin_pages:revisions_compare", args=[page.pk, "earliest", "latest"]
        )
        assert client.get(compare).status_code == 200

    # The live preview beside the edit form: the form as the admin renders it is posted back.
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert edit.status_code == 200
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    posted = client.post(preview, edit_form_data(edit.content.decode(), page))
    assert posted.json() == {"is_valid": True, "is_available": True}
    response = client.get(preview)
    assert response.status_code == 200
    html = response.content.decode()
    for text in texts:
        assert text in html, ("preview_on_edit", text)


def offer_data(topic: Topic, **overrides: Any) -> dict[str, Any]:
    return {
        "title": "Formulare digitalisieren",
        "summary": "Vom PDF zum Online-Antrag in vier Wochen.",
        "description_text": "Wir bauen gemeinsam einen Antrag nach.",
        "format": "workshop",
        "duration": "60",
        "level": "einstieg",
        "language": "de",
        "topics": [topic.pk],
        "submit": "1",
        **overrides,
    }


def test_a_course_offered_in_the_site_opens_for_the_editors(editor: Any, topic: Topic) -> None:
    trainer = MemberFactory(first_name="Jonas", last_name="Berger")
    site = signed_in(trainer)
    response = site.post(reverse("peer_learning:course_create"), offer_data(topic))
    assert response.status_code == 302
    course = CoursePage.objects.get()
    assert course.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS

    assert_editor_sees(
        editor,
        course,
        "Formulare digitalisieren",
        "Vom PDF zum Online-Antrag in vier Wochen.",
        "Jonas Berger",
        "Digitalisierung",
    )

    # The editors ask for changes; the trainer's revision is what they review next.
    course.current_workflow_state.current_task_state.reject(user=editor, comment="Bitte kürzer.")
    response = site.post(
        reverse("peer_learning:course_edit", args=[course.pk]),
        offer_data(topic, summary="Vom PDF zum Online-Antrag, kompakt."),
    )
    assert response.status_code == 302
    assert_editor_sees(editor, course, "Vom PDF zum Online-Antrag, kompakt.", "Jonas Berger")


def png() -> SimpleUploadedFile:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(output, format="PNG")
    return SimpleUploadedFile("foto.png", output.getvalue(), content_type="image/png")


def test_a_practice_example_submitted_in_the_site_opens_for_the_editors(
    editor: Any, topic: Topic
) -> None:
    author = MemberFactory(first_name="Aylin", last_name="Demir")
    site = signed_in(author)
    data = {
        "title": "E-Akte im Bürgeramt",
        "summary": "Wie ein Bürgeramt in sechs Monaten papierlos wurde.",
        "body": (
            "Ausgangslage: Im Bürgeramt stapelten sich die Papierakten. "
            "Vorgehen: Wir haben mit einem Pilotteam begonnen."
        ),
        "topics": [topic.pk],
    }
    response = site.post(reverse("knowledge:submit"), {**data, "attachments": [png()]})
    assert response.status_code == 302
    page = PracticePage.objects.get()

    assert_editor_sees(
        editor,
        page,
        "E-Akte im Bürgeramt",
        "Wie ein Bürgeramt in sechs Monaten papierlos wurde.",
        "Wir haben mit einem Pilotteam begonnen.",
        "Aylin Demir",
        "Digitalisierung",
    )

    page.current_workflow_state.current_task_state.reject(user=editor, comment="Mehr Details.")
    response = site.post(
        reverse("knowledge:revise", args=[page.pk]),
        {**data, "body": data["body"] + " Nach drei Monaten folgten dann alle Teams."},
    )
    assert response.status_code == 302
    assert_editor_sees(editor, page, "Nach drei Monaten folgten dann alle Teams.", "Aylin Demir")


def test_a_thread_filed_as_practice_material_opens_for_the_editors(
    editor: Any, topic: Topic
) -> None:
    moderator = MemberFactory(roles=(Role.MODERATOR,))
    totp_activate(moderator)
    channel = channel_create(creator=moderator, name="E-Akte in der Praxis")
    channel.topics.set([topic])
    root = message_post(author=moderator, channel=channel, source="Wie scannt ihr Eingangspost?")
    response = signed_in(moderator).post(reverse("discussions:thread_to_practice", args=[root.pk]))
    assert response.status_code == 302

    assert_editor_sees(
        editor, PracticePage.objects.get(), "Aus dem Austausch", "Wie scannt ihr Eingangspost?"
    )
