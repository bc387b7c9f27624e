"""One CSV writer for every export: cells a spreadsheet would run as formulas stay text
(issue 19, finding 6), in the site's exports and in the editors' admin reports."""

from __future__ import annotations

import csv
import datetime
import decimal
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.csv_export import FORMULA_STARTS, csv_response, spreadsheet_cell
from hub.knowledge.services import Contribution, practice_submission_create
from hub.models import Topic
from members.roles import Role
from members.services import profile_update
from peer_learning.models import CourseFormat
from peer_learning.services import course_create, course_submit
from tests.factories import MemberFactory, practice_page_create, totp_activate
from tests.peer_learning.factories import make_course


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("https://x.example")', '\'=HYPERLINK("https://x.example")'),
        ("+49 30 1234", "'+49 30 1234"),
        ("-2+3", "'-2+3"),
        ("@SUMME(A1:A9)", "'@SUMME(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("=cmd|'/Ccalc'!A0@verwaltung.example", "'=cmd|'/Ccalc'!A0@verwaltung.example"),
        ("Erika Muster", "Erika Muster"),
        ("Müller = Meier", "Müller = Meier"),
        ("", ""),
        (None, ""),
        (42, 42),
        (-3, -3),
        (decimal.Decimal("-1.5"), decimal.Decimal("-1.5")),
        (datetime.date(2026, 12, 6), "2026-12-06"),
    ],
)
def test_cells_that_would_start_a_formula_are_quoted(value: Any, cell: Any) -> None:
    assert spreadsheet_cell(value) == cell


def test_the_response_is_a_semicolon_separated_utf8_download_with_bom() -> None:
    response = csv_response(
        filename="liste.csv",
        header=["Name", "Anzahl"],
        rows=[["=Jörg", 3], ["Änne; Kurz", -1]],
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="liste.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert response.content.decode("utf-8") == (
        '\ufeffName;Anzahl\r\n\'=Jörg;3\r\n"Änne; Kurz";-1\r\n'
    )


def exported_rows(client: Client, address: str) -> list[list[str]]:
    response = client.get(address + "?export=csv")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def editor_client(db: None) -> Client:
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    client = Client()
    client.force_login(editor)
    return client


def test_pending_submissions_export_defuses_titles_and_names(editor_client: Client) -> None:
    member = MemberFactory()
    profile_update(profile=member.profile, data={"display_name": "@SUMME(A1:A9)"})
    practice_submission_create(
        author=member,
        contribution=Contribution(
            title='=HYPERLINK("https://x.example";"Akte")',
            summary="Eine Einreichung.",
            body_html="<p>Text</p>",
            topics=[Topic.objects.create(name="Vergabe")],
            attachments=[],
        ),
    )

    heading, row = exported_rows(editor_client, reverse("knowledge_reports:pending"))

    assert heading == ["Titel", "Zuletzt geändert", "Eingereicht von"]
    assert row[0] == '\'=HYPERLINK("https://x.example";"Akte")'
    assert row[2] == "'@SUMME(A1:A9)"


def test_stale_articles_export_defuses_titles_and_owners(editor_client: Client) -> None:
    owner = MemberFactory(email="=cmd|'/Ccalc'!A0@verwaltung.example")
    practice_page_create(
        title="-Vergabe digital",
        slug="vergabe-digital",
        owner=owner,
        review_date=timezone.localdate() - datetime.timedelta(days=3),
    )

    heading, row = exported_rows(editor_client, reverse("knowledge_reports:stale"))

    assert heading == ["Titel", "Prüfen bis", "Verantwortlich"]
    assert row[0] == "'-Vergabe digital"
    assert row[2].startswith("'=cmd|")


# Wagtail's own reports: their CSV export guards nothing, and members choose course titles.
HOSTILE_TITLE = '=HYPERLINK("https://x.example";"Kurs")'


def course_data(*, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "summary": "Vom PDF zum Online-Antrag.",
        "description": "<p>Ein Erfahrungsbericht.</p>",
        "format": CourseFormat.SHORT_TALK,
        "duration_minutes": 30,
        "topics": [],
    }


@pytest.fixture
def superuser_client(db: None) -> Client:
    admin = MemberFactory()
    admin.is_superuser = True
    admin.save(update_fields=["is_superuser"])
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize(
    "report", ["locked_pages", "workflow", "workflow_tasks", "site_history", "aging_pages"]
)
def test_wagtail_reports_defuse_what_members_wrote(superuser_client: Client, report: str) -> None:
    trainer = MemberFactory()
    # A course offered in the site: its title is in the review workflow and the site history.
    course = course_create(user=trainer, data=course_data(title=HOSTILE_TITLE))
    course_submit(course_id=course.pk, user=trainer)
    # A published one is listed among the aging pages; a locked one among the locked pages.
    published = make_course(trainer=trainer, title=HOSTILE_TITLE + " 2")
    published.locked, published.locked_by = True, trainer
    published.save(update_fields=["locked", "locked_by"])

    address = reverse(f"wagtailadmin_reports:{report}")
    page = superuser_client.get(address)
    assert page.status_code == 200
    assert "?export=csv" in page.content.decode()
    table = exported_rows(superuser_client, address)

    cells = [cell for row in table[1:] for cell in row]
    assert any(cell.startswith("'" + HOSTILE_TITLE) for cell in cells), cells
    assert not any(cell.startswith(FORMULA_STARTS) for cell in cells), cells


def test_wagtail_reports_still_require_admin_access(member_client: Client) -> None:
    for report in ("locked_pages", "workflow", "workflow_tasks", "site_history", "aging_pages"):
        response = member_client.get(reverse(f"wagtailadmin_reports:{report}") + "?export=csv")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert response["Cache-Control"].startswith("max-age=0")
