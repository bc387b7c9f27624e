"""Generated German text for the bulk part of the demo network (`seed_demo --scale N`).

Load tests of search need text that behaves like the real thing: a vocabulary of a few thousand
words with the usual skew, compounds, inflected forms and numbers, not one repeated sentence.
The generator combines hand-written phrases about real administrative work; it is seeded, so a
scale run is reproducible.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Subject:
    """A field of work: how to name it in a title, in a sentence, and what people do there."""

    title: str
    topic: str
    phrase: str
    measures: tuple[str, ...]
    outcomes: tuple[str, ...]


SUBJECTS: tuple[Subject, ...] = (
    Subject(
        "E-Akte",
        "E-Akte",
        "die Einführung der elektronischen Akte",
        ("ersetzendes Scannen", "einen schlanken Aktenplan", "Schulungen am Arbeitsplatz"),
        ("Umlaufmappen entfallen", "Auskünfte dauern Minuten statt Tage"),
    ),
    Subject(
        "Onlinedienste nach dem OZG",
        "OZG und Onlinedienste",
        "die Umsetzung des Onlinezugangsgesetzes",
        ("EfA-Leistungen", "die Anbindung der Fachverfahren", "Nutzertests mit Bürgerinnen"),
        ("mehr Anträge kommen online", "Medienbrüche verschwinden"),
    ),
    Subject(
        "Bürgerbeteiligung",
        "Bürgerbeteiligung",
        "die Beteiligung der Einwohnerinnen und Einwohner",
        ("eine Vorhabenliste", "Online-Dialoge", "Workshops in den Stadtteilen"),
        ("mehr Menschen reden mit", "Beschlüsse sind besser begründet"),
    ),
    Subject(
        "Terminvergabe",
        "Bürgerservice",
        "die Vergabe von Terminen im Bürgeramt",
        ("Erinnerungen per SMS", "Kontingente für Spontane", "Online-Buchung"),
        ("Wartezeiten sinken", "weniger Termine verfallen"),
    ),
    Subject(
        "Vergabe",
        "Vergabe",
        "die Vergabe öffentlicher Aufträge",
        ("eine Markterkundung", "die E-Vergabe", "Mustervermerke"),
        ("mehr Angebote gehen ein", "Verfahren werden schneller"),
    ),
    Subject(
        "Personalgewinnung",
        "Personalgewinnung",
        "die Gewinnung neuer Kolleginnen und Kollegen",
        ("verständliche Stellenanzeigen", "schnelle Auswahlverfahren", "Social Media"),
        ("mehr Bewerbungen gehen ein", "Stellen sind schneller besetzt"),
    ),
    Subject(
        "Barrierefreiheit",
        "Barrierefreiheit",
        "barrierefreie Dokumente und Webseiten",
        ("Prüfungen nach BITV 2.0", "Leichte Sprache", "Tests mit Screenreadern"),
        ("Formulare sind für alle nutzbar", "Beschwerden gehen zurück"),
    ),
    Subject(
        "Datenschutz",
        "Datenschutz",
        "den Datenschutz nach DSGVO",
        ("ein Verarbeitungsverzeichnis", "Folgenabschätzungen", "praxisnahe Schulungen"),
        ("Fristen werden eingehalten", "Datenpannen werden früh gemeldet"),
    ),
    Subject(
        "Open Data",
        "Open Data",
        "offene Verwaltungsdaten",
        ("ein Open-Data-Portal", "Metadaten nach DCAT-AP.de", "offene Schnittstellen"),
        ("Einzelanfragen gehen zurück", "Daten werden nachgenutzt"),
    ),
    Subject(
        "Künstliche Intelligenz",
        "Künstliche Intelligenz",
        "den Einsatz von KI",
        ("einen begrenzten Pilotbetrieb", "ein intern betriebenes Sprachmodell", "Prüfregeln"),
        ("Routinearbeit wird weniger", "Entscheidungen bleiben beim Menschen"),
    ),
    Subject(
        "Wohngeld",
        "Soziale Leistungen",
        "die Bearbeitung von Wohngeldanträgen",
        ("einen Onlineantrag", "Plausibilitätsprüfungen", "einen Springerpool"),
        ("die Bearbeitungszeit halbiert sich", "Rückstände sind abgebaut"),
    ),
    Subject(
        "Kita-Platzvergabe",
        "Soziale Leistungen",
        "die Vergabe von Kitaplätzen",
        ("ein Elternportal", "transparente Aufnahmekriterien", "Vormerkungen statt Anmeldungen"),
        ("doppelte Zusagen verschwinden", "Eltern verstehen die Entscheidungen"),
    ),
    Subject(
        "Gesundheitsamt",
        "Öffentliche Gesundheit",
        "die Arbeit im Gesundheitsamt",
        ("elektronische Labormeldungen", "abgestimmte Probenpläne", "DEMIS"),
        ("Befunde sind schneller im Amt", "Maßnahmen beginnen früher"),
    ),
    Subject(
        "Informationssicherheit",
        "Informationssicherheit",
        "die Informationssicherheit",
        ("die Basis-Absicherung nach IT-Grundschutz", "Notfallübungen", "Offline-Sicherungen"),
        ("Lücken werden sichtbar", "der Betrieb läuft im Notfall weiter"),
    ),
    Subject(
        "Wissensmanagement",
        "Wissensmanagement",
        "die Sicherung von Erfahrungswissen",
        ("Wissenslandkarten", "Tandems vor dem Ruhestand", "ein Wiki für das Team"),
        ("die Einarbeitung geht schneller", "Wissen bleibt im Haus"),
    ),
    Subject(
        "Führung",
        "Führung",
        "gute Führung im Wandel",
        ("Führungstandems", "Vereinbarungen zum mobilen Arbeiten", "regelmäßige Rückblicke"),
        ("Teams arbeiten selbstständiger", "Teilzeitkräfte übernehmen Führung"),
    ),
)

PLACES = (
    "im Bürgeramt",
    "in der Kreisverwaltung",
    "im Landratsamt",
    "in der Stadtverwaltung",
    "im Ministerium",
    "im Bezirksamt",
    "in einer kleinen Gemeinde",
    "im Landesamt",
    "in der Bundesbehörde",
    "im Jobcenter",
    "im Ordnungsamt",
    "im Sozialamt",
)
ANGLES = (
    "Erfahrungen aus dem Pilotbetrieb",
    "was wir nach einem Jahr wissen",
    "unsere Checkliste",
    "so haben wir angefangen",
    "Stolpersteine und Lösungen",
    "ein Werkstattbericht",
    "mit kleinem Team zum Ziel",
    "was Führungskräfte beitragen",
)
SITUATIONS = (
    "Bisher lief {phrase} {place} weitgehend auf Papier und mit vielen Rückfragen.",
    "Für {phrase} fehlte {place} lange ein gemeinsames Vorgehen.",
    "Beschwerden und lange Bearbeitungszeiten zeigten, dass {phrase} neu gedacht werden muss.",
    "Der Personalrat und die Beschäftigten wünschten sich mehr Klarheit über {phrase}.",
)
APPROACHES = (
    "Ein Projektteam aus {team} Kolleginnen und Kollegen hat {measure} erprobt.",
    "Wir haben mit {measure} begonnen und nach {weeks} Wochen ausgewertet.",
    "In Workshops mit den Fachämtern entstand ein Plan, der {measure} in den Mittelpunkt stellt.",
    "Nach dem Vorbild einer Nachbarkommune haben wir {measure} eingeführt.",
)
RESULTS = (
    "Nach {months} Monaten zeigt sich: {outcome}.",
    "Die Zahlen sprechen für sich – {outcome}, um rund {percent} Prozent.",
    "Die Rückmeldungen sind positiv: {outcome}.",
)
LESSONS = (
    "Früh alle Beteiligten einbinden, auch Personalrat und Datenschutz.",
    "Klein anfangen, messen und dann ausweiten.",
    "Ohne feste Zeit im Arbeitsplan bleibt jede Verbesserung liegen.",
    "Gute Vorlagen sparen mehr Zeit als jede neue Software.",
)
QUESTIONS = (
    "Hat jemand Erfahrung mit {measure} {place}? Wir starten gerade mit {phrase}.",
    "Wie habt ihr {phrase} organisiert? Bei uns hakt es an {measure}.",
    "Gibt es eine Vorlage für {measure}? Gern auch aus einer anderen Kommune.",
    "Kurze Frage in die Runde: Wer ist bei euch für {phrase} zuständig?",
)
ANSWERS = (
    "Bei uns hat {measure} gut funktioniert – {outcome}.",
    "Wir sind ähnlich vorgegangen: erst {measure}, dann die Schulungen. Meldet euch gern.",
    "Tipp aus der Praxis: {measure} nicht unterschätzen, das hat bei uns {weeks} Wochen gedauert.",
    "Ich kann unsere Unterlagen zu {measure} teilen, schreibt mir eine Nachricht.",
    "Danke für den Hinweis! Unser Ziel ist dasselbe: {outcome}.",
)


@dataclass(frozen=True)
class GeneratedArticle:
    title: str
    summary: str
    paragraphs: tuple[str, ...]
    subject: Subject


def _fill(template: str, rng: random.Random, subject: Subject, place: str) -> str:
    return template.format(
        phrase=subject.phrase,
        place=place,
        measure=rng.choice(subject.measures),
        outcome=rng.choice(subject.outcomes),
        team=rng.randint(3, 12),
        weeks=rng.randint(2, 20),
        months=rng.randint(3, 24),
        percent=rng.randint(10, 60),
    )


def practice_article(rng: random.Random) -> GeneratedArticle:
    """A short practice example: title, summary and four paragraphs."""
    subject = rng.choice(SUBJECTS)
    place = rng.choice(PLACES)
    title = f"{subject.title} {place}: {rng.choice(ANGLES)}"
    summary = _fill(
        "Wie wir {phrase} {place} angegangen sind – mit {measure} als erstem Schritt.",
        rng,
        subject,
        place,
    )
    paragraphs = (
        _fill(rng.choice(SITUATIONS), rng, subject, place),
        _fill(rng.choice(APPROACHES), rng, subject, place),
        _fill(rng.choice(RESULTS), rng, subject, place),
        rng.choice(LESSONS),
    )
    return GeneratedArticle(title, summary, paragraphs, subject)


def channel_message(rng: random.Random, *, answer: bool) -> str:
    """A question to a channel, or an answer to one."""
    subject = rng.choice(SUBJECTS)
    return _fill(rng.choice(ANSWERS if answer else QUESTIONS), rng, subject, rng.choice(PLACES))
