"""A trainer offers a course, an editor approves it, colleagues register, wait, move up,
attend, give feedback and take home their certificate."""

import datetime as dt
import email
import re
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from hub.models import Topic
from members.roles import Role
from peer_learning.models import CoursePage, Registration, Session
from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import TEST_PASSWORD, MemberFactory, totp_activate, totp_code
from tests.peer_learning.factories import move_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COURSE = "Aktenplan in einer Stunde"


def signed_in(browser: Browser, url: str, user, secret: str | None = None) -> Page:
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    visit(page, url + "/konto/login/")
    submit_login(page, user.email, TEST_PASSWORD)
    if secret:
        page.get_by_label("Code").fill(totp_code(secret))
        page.get_by_role("button", name="Anmeldung").click()
    expect(page.get_by_role("banner")).to_contain_text(user.profile.display_name)
    return page


def mails_to(mail_dir: Path, address: str) -> list[email.message.Message]:
    found = []
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_text().split("-" * 79):
            message = email.message_from_string(chunk.strip())
            if message["To"] == address:
                found.append(message)
    return found


def subject(message: email.message.Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def in_main(page: Page):
    return page.get_by_role("main")


def test_trainer_offers_editor_approves_members_register_attend_and_rate(
    browser: Browser, page: Page, daphne_server, daphne_mail_dir
):
    url = daphne_server.url
    Topic.objects.create(name="Schriftgutverwaltung")
    trainer = MemberFactory(first_name="Tara", last_name="Trainerin", roles=(Role.TRAINER,))
    editor = MemberFactory(first_name="Emil", last_name="Redakteur", roles=(Role.EDITOR,))
    secret = totp_activate(editor)
    first, second, third = (
        MemberFactory(first_name=name, last_name="Kollegin") for name in ("Anna", "Berta", "Carla")
    )

    # The trainer offers a course from the catalogue, without touching the admin.
    trainer_page = signed_in(browser, url, trainer)
    visit(trainer_page, url + "/lernen/")
    in_main(trainer_page).get_by_role("link", name="Impuls anbieten").click()
    assert_accessible(trainer_page)
    trainer_page.get_by_label(re.compile(r"^Titel")).fill(COURSE)
    trainer_page.get_by_label(re.compile(r"^Kurzbeschreibung")).fill("Ordnung in der E-Akte.")
    trainer_page.get_by_label(re.compile(r"^Beschreibung")).fill("Wir bauen einen Aktenplan.")
    trainer_page.get_by_label(re.compile(r"^Format")).select_option(label="Workshop")
    trainer_page.get_by_label(re.compile(r"^Dauer")).select_option(label="60 Minuten")
    trainer_page.get_by_label("Schriftgutverwaltung").check()
    trainer_page.get_by_role("button", name="Speichern und zur Prüfung einreichen").click()
    expect(trainer_page.get_by_role("status")).to_contain_text("zur Prüfung")
    expect(in_main(trainer_page)).to_contain_text("In Prüfung durch die Redaktion")
    assert_accessible(trainer_page)
    course = CoursePage.objects.get(title=COURSE)
    assert not course.live

    # The editor approves it in Wagtail, which publishes it.
    editor_page = signed_in(browser, url, editor, secret)
    editor_page.goto(f"{url}/admin/pages/{course.pk}/edit/")
    editor_page.locator("footer .w-dropdown-button").get_by_role(
        "button", name="Mehr Aktionen"
    ).click()
    editor_page.get_by_role("button", name="Freigeben und Veröffentlichen", exact=True).click()
    # The approval is saved once Wagtail has sent the editor back to the page listing (as in
    # the knowledge journey); a busy machine takes its time, so wait for that, then read.
    expect(editor_page).to_have_url(re.compile(r"/admin/pages/\d+/$"))
    expect(editor_page.locator(".messages")).to_contain_text(COURSE)
    course.refresh_from_db()
    assert course.live

    # The trainer adds a session with two seats.
    visit(trainer_page, url + "/lernen/meine-impulse/")
    in_main(trainer_page).get_by_role("link", name=re.compile("^Termin anlegen")).click()
    assert_accessible(trainer_page)
    start = timezone.localtime() + dt.timedelta(days=5)
    trainer_page.get_by_label(re.compile(r"^Beginn")).fill(start.strftime("%Y-%m-%dT%H:%M"))
    trainer_page.get_by_label(re.compile(r"^Ende")).fill(
        (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    )
    trainer_page.get_by_label(re.compile(r"^Link zur Videokonferenz")).fill(
        "https://konferenz.example/aktenplan"
    )
    trainer_page.get_by_label(re.compile(r"^Plätze")).fill("2")
    trainer_page.get_by_role("button", name="Termin speichern").click()
    expect(trainer_page.get_by_role("status")).to_contain_text("Der Termin ist angelegt.")
    assert_accessible(trainer_page)
    session = Session.objects.get(course=course)

    # Three colleagues register; the third waits.
    member_pages = {}
    for person, expected in (
        (first, "Sie sind angemeldet."),
        (second, "Sie sind angemeldet."),
        (third, "Warteliste"),
    ):
        member_page = signed_in(browser, url, person)
        visit(member_page, url + "/lernen/")
        in_main(member_page).get_by_role("link", name=COURSE).click()
        assert_accessible(member_page)
        in_main(member_page).get_by_role(
            "button", name=re.compile("^(Anmelden|Auf die Warteliste)")
        ).click()
        expect(member_page.get_by_role("status")).to_contain_text(expected)
        assert_accessible(member_page)
        member_pages[person.pk] = member_page
    assert "konferenz.example" not in member_pages[third.pk].content()
    expect(in_main(member_pages[third.pk])).to_contain_text("Platz 1 auf der Warteliste")

    # The first cancels after confirming; the third moves up and is told by mail.
    first_page = member_pages[first.pk]
    in_main(first_page).get_by_role("button", name=re.compile("^Anmeldung stornieren")).click()
    expect(in_main(first_page)).to_contain_text(f"Möchten Sie Ihre Anmeldung für „{COURSE}“ am")
    assert_accessible(first_page)
    assert Registration.objects.get(user=first).status == "confirmed"
    in_main(first_page).get_by_role("button", name="Ja, Anmeldung stornieren").click()
    expect(first_page.get_by_role("status")).to_contain_text("Ihre Anmeldung ist storniert")
    third_page = member_pages[third.pk]
    third_page.reload()
    expect(in_main(third_page)).to_contain_text("Sie sind angemeldet.")
    expect(in_main(third_page)).to_contain_text("https://konferenz.example/aktenplan")
    subjects = [subject(message) for message in mails_to(daphne_mail_dir, third.email)]
    assert f"[Kollegium] Sie sind nachgerückt: {COURSE}" in subjects

    # The session takes place; the trainer checks attendance.
    move_session(session, starts_in=-dt.timedelta(minutes=50))
    visit(trainer_page, f"{url}/lernen/meine-impulse/termine/{session.pk}/")
    trainer_page.get_by_label("Berta Kollegin").check()
    trainer_page.get_by_label("Carla Kollegin").check()
    trainer_page.get_by_role("button", name="Anwesenheit speichern").click()
    expect(trainer_page.get_by_role("status")).to_contain_text("2 Teilnehmende")
    assert_accessible(trainer_page)
    assert set(
        Registration.objects.filter(status="attended").values_list("user_id", flat=True)
    ) == {second.pk, third.pk}

    # An attendee gives feedback and downloads the certificate.
    visit(third_page, url + "/lernen/lernhistorie/")
    in_main(third_page).get_by_role("link", name=re.compile("^Rückmeldung geben")).click()
    assert_accessible(third_page)
    third_page.get_by_label("5 von 5 Sternen").check()
    third_page.get_by_label(re.compile(r"^Kommentar")).fill("Sofort umsetzbar.")
    third_page.get_by_role("button", name="Rückmeldung senden").click()
    expect(third_page.get_by_role("status")).to_contain_text("Danke für Ihre Rückmeldung")
    assert_accessible(third_page)
    with third_page.expect_download() as download:
        in_main(third_page).get_by_role("link", name=re.compile("^Teilnahmebescheinigung")).click()
    assert download.value.suggested_filename == f"teilnahmebescheinigung-{session.pk}.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF-")

    visit(page, url + course.url)
    expect(in_main(page)).to_contain_text("5,0 von 5 Sternen (1 Rückmeldung)")


def test_session_pages_are_accessible_and_fit_small_screens(browser: Browser, daphne_server):
    from tests.peer_learning.factories import make_course, make_session

    url = daphne_server.url
    session = make_session(make_course(title="Vergabe kompakt"), capacity=3)
    member = MemberFactory(first_name="Mona", last_name="Mitglied")
    member_page = signed_in(browser, url, member)
    for path in (
        "/lernen/termine/",
        "/lernen/termine/?freie_plaetze=on",
        f"/lernen/termine/monat/?monat={timezone.localtime(session.starts_at):%Y-%m}",
        f"/lernen/termine/{session.pk}/",
        "/lernen/lernhistorie/",
        "/lernen/kalender/",
    ):
        visit(member_page, url + path)
        expect(in_main(member_page)).not_to_be_empty()
    expect(in_main(member_page).get_by_label("Ihre persönliche Kalender-Adresse")).to_have_value(
        re.compile(r"/lernen/kalender/[\w-]+\.ics$")
    )

    member_page.set_viewport_size({"width": 320, "height": 640})
    for path in (
        "/lernen/",
        f"/lernen/termine/monat/?monat={timezone.localtime(session.starts_at):%Y-%m}",
    ):
        visit(member_page, url + path)
        overflow = member_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, path
