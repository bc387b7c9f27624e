"""Issue 21's journey: a member asks about the E-Akte and sees existing answers while typing,
asks anyway; the colleague who helps with "E-Akte" is asked live and in the digest, answers;
the asker marks the answer as the solution; a newcomer finds the solved question with its
solution by searching; an editor turns it into a draft practice page. Every page of the site
passes axe."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from discussions.models import Question, QuestionState
from discussions.services.channels import channel_create, channel_join
from hub.models import PracticePage, Topic
from members.roles import Role
from members.services import profile_update
from tests.browser.conftest import assert_accessible, submit_login, visit
from tests.factories import (
    TEST_PASSWORD,
    MemberFactory,
    practice_page_create,
    totp_activate,
    totp_code,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Wie haben Sie die E-Akte im Bürgeramt eingeführt?"
EXISTING = "E-Akte im Bürgeramt einführen: unser Fahrplan"
SOLUTION = (
    "Bei der Einführung der E-Akte im Bürgeramt haben wir nur laufende Vorgänge gescannt, "
    "den Altbestand erst bei Bedarf."
)


def signed_in(
    browser: Browser, base_url: str, email: str, path: str, totp_secret: str = ""
) -> Page:
    """A member's own browser, signed in (editors with their second factor) and at `path`."""
    context = browser.new_context(locale="de-DE", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{base_url}/konto/login/?next={path}")
    submit_login(page, email, TEST_PASSWORD)
    if totp_secret:
        page.get_by_label("Code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Anmeldung").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    assert_accessible(page)
    return page


def test_a_question_reaches_the_colleague_who_knows_and_stays_findable(
    browser: Browser, daphne_server, mailoutbox
):
    e_akte = Topic.objects.create(name="E-Akte")
    anna = MemberFactory(first_name="Anna", last_name="Albers")
    ben = MemberFactory(first_name="Ben", last_name="Brandt")
    profile_update(profile=ben.profile, data={"expertise": ["E-Akte"]})
    carla = MemberFactory(first_name="Carla", last_name="Neu")
    editor = MemberFactory(first_name="Eva", last_name="Redaktion", roles=(Role.EDITOR,))
    editor_secret = totp_activate(editor)
    channel = channel_create(creator=anna, name="E-Akte in der Praxis")
    channel.topics.set([e_akte])
    channel_join(user=ben, channel=channel)
    practice_page_create(
        title=EXISTING,
        summary="Wie ein Bürgeramt die E-Akte in sechs Monaten eingeführt hat.",
        topics=(e_akte,),
    )
    base = daphne_server.url

    # The colleague who helps with "E-Akte" has the notifications page open, its socket live.
    helper = signed_in(browser, base, ben.email, "/austausch/benachrichtigungen/")
    helper.evaluate("() => new Promise((opened) => window.kollegiumLive.onOpen(opened))")

    asker = signed_in(browser, base, anna.email, "/austausch/fragen/stellen/")
    asker.get_by_label("Ihre Frage in einem Satz").press_sequentially(TITLE, delay=20)
    suggestions = asker.locator("#similar-live")
    expect(suggestions).to_contain_text("Gibt es schon Antworten?")
    expect(
        suggestions.get_by_role("link", name=re.compile("^" + re.escape(EXISTING)))
    ).to_be_visible()
    assert_accessible(asker)
    asker.get_by_label("Beschreibung").fill("Wir stellen im Frühjahr um. Was hat geholfen?")
    asker.get_by_label("E-Akte").check()
    asker.get_by_role("button", name="Frage stellen").click()
    expect(asker.get_by_role("heading", name=TITLE)).to_be_visible()
    question = Question.objects.get()

    # Asked live, without a reload, with the reason.
    request = helper.locator("[data-notification-list] li").first
    expect(request).to_contain_text("eine Frage gestellt, die Sie beantworten könnten")
    expect(request).to_contain_text("weil Sie bei „E-Akte“ helfen")
    assert_accessible(helper)
    # And in the digest.
    call_command("send_notification_digest", verbosity=0)
    digest = [mail for mail in mailoutbox if mail.to == [ben.email]]
    assert len(digest) == 1
    assert "eine Frage gestellt, die Sie beantworten könnten" in digest[0].body
    assert "weil Sie bei „E-Akte“ helfen" in digest[0].body

    # The request leads to the question in its channel, and from there to the question page.
    request.get_by_role("link").click()
    helper.get_by_role("link", name=f"Frage: {TITLE}").click()
    expect(helper.get_by_role("heading", name=TITLE)).to_be_visible()
    assert_accessible(helper)
    helper.get_by_label("Ihre Nachricht").fill(SOLUTION)
    helper.get_by_role("button", name="Antwort senden").click()
    expect(helper.locator(".discussion-message", has_text="nur laufende Vorgänge")).to_be_visible()

    visit(asker, f"{base}/austausch/fragen/{question.pk}/")
    answer = asker.locator(".discussion-message", has_text="nur laufende Vorgänge")
    answer.get_by_role("button", name="Als Lösung markieren").click()
    expect(asker.locator(".question-solution")).to_contain_text("nur laufende Vorgänge")
    expect(asker.locator(".question-head .question-state")).to_have_text("Gelöst")
    assert_accessible(asker)
    assert Question.objects.get().state == QuestionState.SOLVED

    # A newcomer without tags finds the solved question, the solution in its snippet.
    newcomer = signed_in(browser, base, carla.email, "/suche/")
    newcomer.get_by_role("combobox", name="Suchbegriff").fill("E-Akte Bürgeramt Einführung")
    newcomer.get_by_role("button", name="Suchen").click()
    hit = newcomer.locator(".search-hit", has=newcomer.get_by_role("link", name=TITLE))
    expect(hit).to_be_visible()
    expect(hit).to_contain_text("laufende Vorgänge gescannt")
    assert_accessible(newcomer)

    # An editor files it as a draft practice page for review.
    desk = signed_in(
        browser, base, editor.email, f"/austausch/fragen/{question.pk}/", editor_secret
    )
    desk.get_by_role("button", name="Entwurf anlegen").click()
    expect(desk).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    draft = PracticePage.objects.get(title=TITLE)
    assert not draft.live
    assert "nur laufende Vorgänge gescannt" in str(draft.get_latest_revision_as_object().body)
    # Wagtail's page editor is Wagtail's to make accessible, as in the knowledge journey.
    expect(desk.get_by_text("ist jetzt ein Entwurf in der redaktionellen Prüfung")).to_be_visible()
