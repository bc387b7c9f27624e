"""The demo network's topic taxonomy."""

from __future__ import annotations

from core.demo import DemoContext, DemoReport
from hub.models import Topic

TOPICS: tuple[tuple[str, str], ...] = (
    ("E-Akte", "Elektronische Aktenführung, Scannen, Aufbewahrung und Aussonderung."),
    ("OZG und Onlinedienste", "Verwaltungsleistungen digital anbieten, EfA-Nachnutzung."),
    ("Vergabe", "Öffentliche Aufträge, Vergaberecht und nachhaltige Beschaffung."),
    ("Projektmanagement", "Projekte planen und steuern, agil wie klassisch."),
    ("Barrierefreiheit", "Barrierefreie Dokumente, Webseiten und Veranstaltungen (BITV 2.0)."),
    ("Datenschutz", "DSGVO in der Praxis: Verarbeitungsverzeichnis, Folgenabschätzung."),
    ("Informationssicherheit", "IT-Grundschutz, Notfallmanagement und Awareness."),
    ("Personalgewinnung", "Stellen besetzen, Employer Branding, Onboarding."),
    ("Führung", "Führen in Teilzeit, auf Distanz und im Wandel."),
    ("Bürgerbeteiligung", "Beteiligungsverfahren online und vor Ort."),
    ("Künstliche Intelligenz", "KI-Anwendungen in der Verwaltung verantwortungsvoll einsetzen."),
    ("Wissensmanagement", "Wissen sichern, wenn Kolleginnen und Kollegen in Ruhestand gehen."),
    ("Open Data", "Offene Verwaltungsdaten veröffentlichen, beschreiben und nachnutzen."),
    ("Bürgerservice", "Bürgeramt, Bürgerbüro, Terminvergabe und Behördennummer 115."),
    ("Soziale Leistungen", "Wohngeld, Kita-Platzvergabe und andere Leistungen für Familien."),
    ("Öffentliche Gesundheit", "Gesundheitsamt, Labore, Meldewesen und Pakt für den ÖGD."),
)


def seed_topics(context: DemoContext, report: DemoReport) -> None:
    for name, description in context.progress(iter(TOPICS), "Themen", len(TOPICS)):
        _topic, created = Topic.objects.get_or_create(
            name=name, defaults={"description": description}
        )
        if created:
            report.count("Themen")
