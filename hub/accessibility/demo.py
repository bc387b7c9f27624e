"""The demo network's accessibility statement, as a small public body would publish it."""

from __future__ import annotations

import datetime as dt

from core.demo import DemoContext, DemoReport
from hub.models import AccessibilityStatementPage, Conformance, EvaluationMethod, HomePage
from hub.models.accessibility import STATEMENT_SLUG

CONFORMANCE_TEXT = (
    "<p>Diese Website ist wegen der unten aufgeführten Mängel nur teilweise mit der BITV 2.0 "
    "vereinbar. Wir arbeiten daran, die Mängel zu beheben.</p>"
)
INACCESSIBLE_CONTENT = (
    (
        "PDF-Anhänge in Praxisbeispielen",
        "Viele Anhänge stammen von Mitgliedern und wurden nicht barrierefrei erstellt. Die "
        "Redaktion prüft neue Anhänge seit 2026 vor der Veröffentlichung.",
        "Auf Anfrage schickt Ihnen die Redaktion den Inhalt als barrierefreies Dokument.",
    ),
    (
        "Aufzeichnungen von Online-Schulungen",
        "Ältere Aufzeichnungen haben keine Untertitel; sie nachträglich zu erstellen, wäre eine "
        "unverhältnismäßige Belastung.",
        "Zu jeder Schulung gibt es die Folien und ein Protokoll als Text.",
    ),
    (
        "Eingebettete Karten auf Veranstaltungsseiten",
        "Der Kartendienst eines Drittanbieters ist mit der Tastatur nicht vollständig bedienbar.",
        "Die Adresse und die Anfahrt stehen immer auch als Text auf der Seite.",
    ),
)


def seed_accessibility_statement(context: DemoContext, report: DemoReport) -> None:
    home = HomePage.objects.first()
    if home is None or AccessibilityStatementPage.objects.exists():
        return
    page = AccessibilityStatementPage(
        title="Erklärung zur Barrierefreiheit",
        slug=STATEMENT_SLUG,
        conformance=Conformance.PARTIAL,
        conformance_text=CONFORMANCE_TEXT,
        inaccessible_content=[
            ("item", {"content": content, "reason": reason, "alternative": alternative})
            for content, reason, alternative in INACCESSIBLE_CONTENT
        ],
        prepared_on=dt.date(2026, 3, 2),
        reviewed_on=dt.date(2026, 11, 16),
        evaluation_method=EvaluationMethod.SELF_ASSESSMENT,
        contact_name="Redaktion Kollegium, Referat Digitale Zusammenarbeit",
        contact_email="barrierefreiheit@kollegium.example",
        contact_phone="+49 30 123456-0",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    report.count("Erklärung zur Barrierefreiheit")
