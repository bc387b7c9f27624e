"""Feedback on practice pages: "Hilfreich", "Nutzen wir auch", the report and the index order."""

import pytest
from django.urls import reverse

from hub.models import HelpfulMark, Reuse
from members.models import Approval, Visibility
from members.roles import Role
from members.services import member_delete, member_export, profile_update
from tests.factories import MemberFactory, practice_page_create, totp_activate

pytestmark = pytest.mark.django_db

SCRIPT = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def article():
    return practice_page_create(title="E-Akte im Bürgeramt")


def helpful_url(page):
    return reverse("knowledge:helpful", args=[page.pk])


def reuse_url(page):
    return reverse("knowledge:reuse", args=[page.pk])


def test_visitors_are_sent_to_sign_in(client, article):
    response = client.post(helpful_url(article), {"an": "ja"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not HelpfulMark.objects.exists()


def test_pending_accounts_are_refused(client, article):
    pending = MemberFactory()
    pending.approval = Approval.PENDING
    pending.save(update_fields=["approval"])
    client.force_login(pending)

    assert client.post(helpful_url(article), {"an": "ja"}).status_code == 403
    assert client.post(reuse_url(article), {"an": "ja"}).status_code == 403
    assert not HelpfulMark.objects.exists()


def test_helpful_is_one_mark_per_member_and_sending_twice_changes_nothing(
    member_client, member, article
):
    first = member_client.post(helpful_url(article), {"an": "ja"}, **SCRIPT)
    second = member_client.post(helpful_url(article), {"an": "ja"}, **SCRIPT)

    assert first.json() == second.json()
    assert second.json()["pressed"] is True
    assert second.json()["count_text"] == "1 Mitglied fand das hilfreich"
    assert HelpfulMark.objects.filter(page=article, member=member).count() == 1

    member_client.post(helpful_url(article), {"an": "nein"}, **SCRIPT)
    off = member_client.post(helpful_url(article), {"an": "nein"}, **SCRIPT)
    assert off.json()["pressed"] is False
    assert not HelpfulMark.objects.exists()


def test_without_script_the_member_returns_to_the_article(member_client, article):
    response = member_client.post(helpful_url(article), {"an": "ja", "next": article.url})

    assert response.status_code == 302
    assert response["Location"] == article.url
    page = member_client.get(article.url).content.decode()
    assert 'aria-pressed="true"' in page
    assert "1 Mitglied fand das hilfreich" in page


def test_a_redirect_elsewhere_is_ignored(member_client, article):
    response = member_client.post(
        helpful_url(article), {"an": "ja", "next": "https://elsewhere.example/"}
    )

    assert response["Location"] == article.url


def test_unpublished_articles_take_no_feedback(member_client):
    draft = practice_page_create(title="Entwurf", publish=False)

    assert member_client.post(helpful_url(draft), {"an": "ja"}).status_code == 404


def test_feedback_is_rate_limited(member_client, article):
    for _ in range(30):
        member_client.post(helpful_url(article), {"an": "ja"}, **SCRIPT)

    assert member_client.post(helpful_url(article), {"an": "ja"}, **SCRIPT).status_code == 429


def test_reuse_lists_the_organisation_and_the_contact_as_the_member_allows(client, article):
    reuser = MemberFactory(first_name="Jana", last_name="Kraft", organisation__name="Stadt Jena")
    profile_update(
        profile=reuser.profile,
        data={"contact_links": [{"label": "Dienstliche Seite", "url": "https://jena.de/kraft"}]},
    )
    client.force_login(reuser)
    client.post(reuse_url(article), {"an": "ja"})
    client.post(reuse_url(article), {"an": "ja"})

    reader = MemberFactory()
    client.force_login(reader)
    page = client.get(article.url).content.decode()
    assert Reuse.objects.get().organisation.name == "Stadt Jena"
    assert "Stadt Jena" in page
    assert "Jana Kraft" in page
    assert "https://jena.de/kraft" in page

    profile_update(
        profile=reuser.profile,
        data={
            "display_name_visibility": Visibility.PRIVATE,
            "contact_links_visibility": Visibility.PRIVATE,
        },
    )
    page = client.get(article.url).content.decode()
    assert "Stadt Jena" in page
    assert "Jana Kraft" not in page
    assert "https://jena.de/kraft" not in page


def test_visitors_see_counts_but_not_who(client, article):
    reuser = MemberFactory(organisation__name="Kreis Lippe")
    client.force_login(reuser)
    client.post(reuse_url(article), {"an": "ja"})
    client.post(helpful_url(article), {"an": "ja"})
    client.logout()

    page = client.get(article.url).content.decode()

    assert "1 Mitglied fand das hilfreich" in page
    assert "1 Verwaltung nutzt das auch." in page
    assert "Kreis Lippe" not in page
    assert "csrfmiddlewaretoken" not in page


def test_reuse_needs_an_organisation_in_the_profile(client, article):
    member = MemberFactory(organisation=None)
    client.force_login(member)

    assert "Tragen Sie in Ihrem Profil ein" in client.get(article.url).content.decode()
    response = client.post(reuse_url(article), {"an": "ja"})

    assert response["Location"] == reverse("members:profile_edit")
    assert not Reuse.objects.exists()


def test_knowledge_index_sorts_by_helpful_and_by_reuse(client):
    old = practice_page_create(title="Alt aber hilfreich")
    reused = practice_page_create(title="Oft nachgenutzt")
    practice_page_create(title="Ganz neu")
    for _ in range(2):
        member = MemberFactory()
        client.force_login(member)
        client.post(helpful_url(old), {"an": "ja"})
        client.post(reuse_url(reused), {"an": "ja"})
    client.logout()

    def titles(order):
        html = client.get(reverse("knowledge:index") + f"?sortierung={order}").content.decode()
        return sorted(("Alt aber", "Oft nach", "Ganz neu"), key=html.index)

    assert titles("neueste") == ["Ganz neu", "Oft nach", "Alt aber"]
    # Ties go to the other count, then to the newer article.
    assert titles("hilfreich") == ["Alt aber", "Oft nach", "Ganz neu"]
    assert titles("genutzt") == ["Oft nach", "Alt aber", "Ganz neu"]
    assert titles("unbekannt") == titles("neueste")


def test_a_new_mark_reorders_the_index_kept_for_visitors(
    client, article, django_capture_on_commit_callbacks
):
    practice_page_create(title="Neuer Beitrag")
    url = reverse("knowledge:index") + "?sortierung=hilfreich"
    before = client.get(url).content.decode()
    assert before.index("Neuer Beitrag") < before.index("E-Akte im Bürgeramt")

    client.force_login(MemberFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(helpful_url(article), {"an": "ja"})
    client.logout()

    after = client.get(url).content.decode()
    assert after.index("E-Akte im Bürgeramt") < after.index("Neuer Beitrag")


def test_editors_see_the_feedback_report(client, article):
    practice_page_create(title="Ohne Rückmeldung")
    client.force_login(MemberFactory())
    client.post(helpful_url(article), {"an": "ja"})
    editor = MemberFactory(roles=(Role.EDITOR,))
    totp_activate(editor)
    client.force_login(editor)

    html = client.get(reverse("knowledge_reports:feedback")).content.decode()
    export = client.get(reverse("knowledge_reports:feedback") + "?export=csv")
    menu = client.get(reverse("wagtailadmin_home")).content.decode()

    assert html.index("E-Akte im Bürgeramt") < html.index("Ohne Rückmeldung")
    exported = b"".join(export.streaming_content) if export.streaming else export.content
    assert "E-Akte im Bürgeramt,1,0" in exported.decode("utf-8-sig")
    assert "knowledge-feedback" in menu


def test_members_cannot_see_the_feedback_report(member_client):
    assert member_client.get(reverse("knowledge_reports:feedback")).status_code == 302


def test_feedback_is_exported_and_deleted_with_the_account(client, article):
    member = MemberFactory(organisation__name="Stadt Jena")
    client.force_login(member)
    client.post(helpful_url(article), {"an": "ja"})
    client.post(reuse_url(article), {"an": "ja"})

    export = member_export(user=member)["practice_feedback"]
    assert [mark["article"] for mark in export["helpful"]] == ["E-Akte im Bürgeramt"]
    assert export["reuses"][0]["organisation"] == "Stadt Jena"

    member_delete(user=member)
    assert not HelpfulMark.objects.exists()
    assert not Reuse.objects.exists()
