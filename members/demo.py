"""The demo network's people and administrations.

Fixed, realistic German data for the hand-picked part (the logins printed by `make run`), and
bulk-created members for `seed_demo --scale N`.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify
from taggit.models import Tag

from core.demo import DemoContext, DemoReport
from members.models import (
    AdministrationLevel,
    Approval,
    EmailDomainRule,
    ExpertiseTag,
    FederalState,
    Organisation,
    Profile,
    User,
    Visibility,
)
from members.roles import Role
from members.selectors import current_terms
from members.services import member_create, member_ensure_profile, profile_update, terms_accept

DEMO_PASSWORD = "kollegium-demo"  # noqa: S105 - printed on purpose: local demo logins
DEMO_DOMAIN = "demo.kollegium.example"
SCALE_DOMAIN = "scale.kollegium.example"

L = AdministrationLevel
S = FederalState

ORGANISATIONS: tuple[tuple[str, AdministrationLevel, str], ...] = (
    ("Bundesministerium des Innern und für Heimat", L.FEDERAL, ""),
    ("Bundesverwaltungsamt", L.FEDERAL, ""),
    ("Informationstechnikzentrum Bund", L.FEDERAL, ""),
    ("Statistisches Bundesamt", L.FEDERAL, ""),
    ("Senatsverwaltung für Inneres und Sport Berlin", L.STATE, S.BE),
    ("Bayerisches Staatsministerium für Digitales", L.STATE, S.BY),
    ("Ministerium für Heimat, Kommunales, Bau und Digitalisierung NRW", L.STATE, S.NW),
    ("Landesamt für Steuern Niedersachsen", L.STATE, S.NI),
    ("Sächsische Staatskanzlei", L.STATE, S.SN),
    ("Stadt Leipzig", L.MUNICIPAL, S.SN),
    ("Landeshauptstadt München", L.MUNICIPAL, S.BY),
    ("Stadt Köln", L.MUNICIPAL, S.NW),
    ("Freie und Hansestadt Hamburg, Bezirksamt Altona", L.MUNICIPAL, S.HH),
    ("Kreisverwaltung Mainz-Bingen", L.MUNICIPAL, S.RP),
    ("Stadt Jena", L.MUNICIPAL, S.TH),
    ("Deutscher Städtetag", L.OTHER, ""),
)

# (first name, last name, organisation index, position, roles)
PEOPLE: tuple[tuple[str, str, int, str, tuple[Role, ...]], ...] = (
    ("Miriam", "Schulte", 0, "Referentin Verwaltungsdigitalisierung", ()),
    ("Thomas", "Becker", 0, "Referatsleiter OZG-Umsetzung", (Role.TRAINER,)),
    ("Aylin", "Demir", 1, "Sachbearbeiterin E-Akte", ()),
    ("Jens", "Hoffmann", 1, "Projektleiter Registermodernisierung", (Role.TRAINER,)),
    ("Katrin", "Wagner", 2, "IT-Architektin", ()),
    ("Lukas", "Neumann", 2, "Agile Coach", (Role.TRAINER,)),
    ("Sabine", "Krüger", 3, "Datenwissenschaftlerin", ()),
    ("Florian", "Wolf", 3, "Referent Open Data", ()),
    ("Julia", "Richter", 4, "Leiterin Bürgerämter-Steuerung", (Role.MODERATOR,)),
    ("Mehmet", "Yıldız", 4, "Sachbearbeiter Personalgewinnung", ()),
    ("Anna", "Lehmann", 5, "Referentin Digitale Verwaltung", (Role.EDITOR,)),
    ("Stefan", "Huber", 5, "Referent IT-Sicherheit", ()),
    ("Nadine", "Schmitz", 6, "Referentin Kommunalfinanzen", ()),
    ("Dirk", "Klein", 6, "Referatsleiter E-Government", (Role.TRAINER,)),
    ("Franziska", "Meyer", 7, "Sachgebietsleiterin Veranlagung", ()),
    ("Henrik", "Peters", 7, "Wissensmanager", ()),
    ("Claudia", "Fischer", 8, "Referentin Bürgerbeteiligung", (Role.MODERATOR,)),
    ("Robert", "Schneider", 8, "Referent Verwaltungsmodernisierung", ()),
    ("Lea", "Zimmermann", 9, "Sachbearbeiterin Bürgerservice", ()),
    ("Martin", "Hartmann", 9, "Leiter Digitalisierungsbüro", (Role.TRAINER,)),
    ("Sophie", "Krause", 10, "Projektmanagerin Smart City", ()),
    ("Tobias", "Maier", 10, "Ausbilder Verwaltungsfachangestellte", (Role.TRAINER,)),
    ("Elif", "Kaya", 11, "Sachbearbeiterin Ausländerbehörde", ()),
    ("Michael", "Schmidt", 11, "Leiter Amt für Informationsverarbeitung", (Role.EDITOR,)),
    ("Birgit", "Lange", 12, "Fachdienstleiterin Soziales", ()),
    ("Jan", "Brandt", 12, "Referent Prozessmanagement", ()),
    ("Petra", "Koch", 13, "Büroleiterin Landrat", ()),
    ("Kai", "Schröder", 13, "Sachbearbeiter Kfz-Zulassung", ()),
    ("Verena", "Braun", 14, "Referentin Gleichstellung", ()),
    ("Daniel", "Vogel", 14, "Leiter Bürgerbüro", ()),
    ("Ines", "Jung", 15, "Referentin Digitalisierung und Verwaltungsreform", (Role.TRAINER,)),
    ("Oliver", "Roth", 15, "Referent Kommunale IT", ()),
)

# E-mail domains whose addresses join at once: (pattern, note).
ALLOWLIST: tuple[tuple[str, str], ...] = (
    ("*.bund.de", "Bundesverwaltung"),
    ("*.bayern.de", "Landesverwaltung Bayern"),
    ("*.nrw.de", "Landesverwaltung Nordrhein-Westfalen"),
    ("*.niedersachsen.de", "Landesverwaltung Niedersachsen"),
    ("*.sachsen.de", "Landesverwaltung Sachsen"),
    ("berlin.de", "Land Berlin"),
    ("leipzig.de", "Stadt Leipzig"),
    ("muenchen.de", "Landeshauptstadt München"),
    ("stadt-koeln.de", "Stadt Köln"),
    ("jena.de", "Stadt Jena"),
    (DEMO_DOMAIN, "Demo-Netzwerk"),
)

# Sign-ups from domains outside the allowlist, waiting in the editors' queue:
# (e-mail, display name, position).
WAITING: tuple[tuple[str, str, str], ...] = (
    ("r.engel@amt-seeland.example", "Ruth Engel", "Sachbearbeiterin Ordnungsamt"),
    ("kommunalberatung@beispiel-consulting.example", "M. Berger", "Berater"),
)

# "Ich kann helfen bei" and "Ich suche", in the order of PEOPLE.
TOPICS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("Verwaltungsdigitalisierung", "Onlinezugangsgesetz"), ("Agiles Arbeiten",)),
    (("Onlinezugangsgesetz", "Projektsteuerung", "Föderale Zusammenarbeit"), ("Nutzerforschung",)),
    (("E-Akte", "Dokumentenmanagement"), ("Change-Management",)),
    (("Registermodernisierung", "Datenschutz"), ("Open Data",)),
    (("IT-Architektur", "Cloud"), ("IT-Sicherheit",)),
    (("Agiles Arbeiten", "Scrum", "Moderation"), ("Führung auf Distanz",)),
    (("Datenanalyse", "Statistik"), ("Künstliche Intelligenz",)),
    (("Open Data", "Datenportal"), ("Bürgerbeteiligung",)),
    (("Bürgerservice", "Terminmanagement"), ("E-Akte",)),
    (("Personalgewinnung", "Ausbildung"), ("Employer Branding",)),
    (("Verwaltungsdigitalisierung", "Förderprogramme"), ("Onlinezugangsgesetz",)),
    (("IT-Sicherheit", "Informationssicherheit"), ("Cloud",)),
    (("Kommunalfinanzen", "Haushaltsrecht"), ("Datenanalyse",)),
    (("E-Government", "Prozessmanagement"), ("Künstliche Intelligenz",)),
    (("Steuerverwaltung", "Führung"), ("E-Akte",)),
    (("Wissensmanagement", "Onboarding"), ("Moderation",)),
    (("Bürgerbeteiligung", "Moderation"), ("Open Data",)),
    (("Verwaltungsmodernisierung", "Change-Management"), ("Agiles Arbeiten",)),
    (("Bürgerservice", "Barrierefreiheit"), ("Terminmanagement",)),
    (("Smart City", "Förderprogramme", "Projektsteuerung"), ("Datenportal",)),
    (("Smart City", "Nutzerforschung"), ("Bürgerbeteiligung",)),
    (("Ausbildung", "Onboarding"), ("Wissensmanagement",)),
    (("Ausländerbehörde", "Terminmanagement"), ("Prozessmanagement",)),
    (("IT-Betrieb", "Cloud"), ("Informationssicherheit",)),
    (("Sozialverwaltung", "Führung"), ("E-Akte",)),
    (("Prozessmanagement", "Barrierefreiheit"), ("Verwaltungsdigitalisierung",)),
    (("Führung", "Organisationsentwicklung"), ("Führung auf Distanz",)),
    (("Kfz-Zulassung", "Onlinezugangsgesetz"), ("Bürgerservice",)),
    (("Gleichstellung", "Personalentwicklung"), ("Employer Branding",)),
    (("Bürgerservice", "Terminmanagement"), ("Smart City",)),
    (("Verwaltungsreform", "Föderale Zusammenarbeit"), ("Nutzerforschung",)),
    (("Kommunale IT", "IT-Architektur"), ("Registermodernisierung",)),
)

# The three logins `make run` prints: (role shown, index into PEOPLE).
LOGINS: tuple[tuple[str, int], ...] = (("Mitglied", 0), ("Trainer*in", 1), ("Redaktion", 10))

FIRST_NAMES = ("Anna", "Ben", "Clara", "David", "Emma", "Felix", "Greta", "Hannes", "Ida", "Jonas")
LAST_NAMES = ("Albrecht", "Bauer", "Conrad", "Dietrich", "Engel", "Frank", "Graf", "Haas")


def demo_email(first_name: str, last_name: str) -> str:
    local = f"{first_name}.{last_name}".lower()
    for umlaut, ascii_form in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ı", "i")):
        local = local.replace(umlaut, ascii_form)
    return f"{local}@{DEMO_DOMAIN}"


def seed_members(context: DemoContext, report: DemoReport) -> None:
    organisations = _seed_organisations(report)
    # One hash for every demo account: hashing is deliberately slow and they share a password.
    password_hash = make_password(DEMO_PASSWORD)
    # The demo people signed up under the terms in force.
    terms = current_terms()
    people = context.progress(enumerate(PEOPLE), "Mitglieder", len(PEOPLE))
    for index, (first, last, org_index, position, roles) in people:
        email = demo_email(first, last)
        if User.objects.filter(email=email).exists():
            continue
        user = member_create(
            email=email,
            password=None,
            first_name=first,
            last_name=last,
            organisation=organisations[org_index],
            position=position,
            roles=roles,
        )
        user.password = password_hash
        user.save(update_fields=["password"])
        _complete_profile(user.profile, index=index)
        if terms is not None:
            terms_accept(user=user, terms=terms)
        report.count("Mitglieder")
    _seed_allowlist(report)
    _seed_waiting(report, password_hash)
    for role_label, person_index in LOGINS:
        first, last = PEOPLE[person_index][:2]
        report.logins.append((role_label, demo_email(first, last), DEMO_PASSWORD))
    if context.scale:
        _seed_scale_members(context, report, organisations)


def _complete_profile(profile: Profile, *, index: int) -> None:
    """Topics, a short bio and a realistic spread of visibility choices."""
    expertise, interests = TOPICS[index]
    profile_update(
        profile=profile,
        data={
            "bio": (
                f"Ich arbeite als {profile.position} und teile gern, was bei uns "
                f"zu {expertise[0]} funktioniert hat – und was nicht."
            ),
            "expertise": list(expertise),
            "interests": list(interests),
            # Most members show their work to everyone; some keep parts to members or themselves.
            "display_name_visibility": Visibility.PUBLIC if index % 5 else Visibility.MEMBERS,
            "organisation_visibility": Visibility.PUBLIC if index % 3 else Visibility.MEMBERS,
            "position_visibility": Visibility.PUBLIC if index % 4 else Visibility.MEMBERS,
            "bio_visibility": Visibility.MEMBERS,
            "expertise_visibility": Visibility.PUBLIC if index % 6 else Visibility.MEMBERS,
            "interests_visibility": Visibility.PRIVATE if index % 7 == 0 else Visibility.MEMBERS,
            "contact_links": (
                [{"label": "Dienstliche Kontaktseite", "url": f"https://{DEMO_DOMAIN}/{index}"}]
                if index % 3 == 0
                else []
            ),
        },
    )


def _seed_allowlist(report: DemoReport) -> None:
    for pattern, note in ALLOWLIST:
        _rule, created = EmailDomainRule.objects.get_or_create(
            pattern=pattern, defaults={"note": note}
        )
        if created:
            report.count("Freigegebene Domains")


def _seed_waiting(report: DemoReport, password_hash: str) -> None:
    """Confirmed sign-ups outside the allowlist, so the editors' queue has something to show."""
    for email, display_name, position in WAITING:
        if User.objects.filter(email=email).exists():
            continue
        user = User.objects.create_user(email=email, password=None, approval=Approval.PENDING)
        user.password = password_hash
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        profile = member_ensure_profile(user=user, display_name=display_name)
        profile_update(profile=profile, data={"position": position})
        report.count("Wartende Konten")


def _seed_organisations(report: DemoReport) -> list[Organisation]:
    organisations = []
    for name, level, state in ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            name=name, defaults={"level": level, "state": state}
        )
        if created:
            report.count("Organisationen")
        organisations.append(organisation)
    return organisations


BULK_BATCH = 1000


def _seed_scale_members(
    context: DemoContext, report: DemoReport, organisations: list[Organisation]
) -> None:
    """Bulk-create `scale` members for benchmarks, skipping the ones a previous run created."""
    wanted = [f"mitglied-{number:06d}@{SCALE_DOMAIN}" for number in range(1, context.scale + 1)]
    existing = set(
        User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").values_list("email", flat=True)
    )
    missing = [email for email in wanted if email not in existing]
    password = make_password(DEMO_PASSWORD)
    member_group, _created = Group.objects.get_or_create(name=Role.MEMBER)
    vocabulary = sorted(
        {topic for expertise, interests in TOPICS for topic in expertise + interests}
    )
    tags = [
        Tag.objects.get_or_create(name=name, defaults={"slug": slugify(name)})[0]
        for name in vocabulary
    ]
    batches = [missing[i : i + BULK_BATCH] for i in range(0, len(missing), BULK_BATCH)]
    for batch in context.progress(batches, "Massendaten", len(batches)):
        with transaction.atomic():
            users = User.objects.bulk_create(
                [
                    User(email=email, password=password, approval=Approval.APPROVED)
                    for email in batch
                ]
            )
            profiles = Profile.objects.bulk_create(
                [
                    Profile(
                        user=user,
                        display_name=(
                            f"{context.rng.choice(FIRST_NAMES)} {context.rng.choice(LAST_NAMES)}"
                        ),
                        organisation=context.rng.choice(organisations),
                        position="Sachbearbeitung",
                        display_name_visibility=context.rng.choice(list(Visibility)),
                        organisation_visibility=context.rng.choice(list(Visibility)),
                        expertise_visibility=context.rng.choice(list(Visibility)),
                    )
                    for user in users
                ]
            )
            ExpertiseTag.objects.bulk_create(
                [
                    ExpertiseTag(content_object=profile, tag=tag)
                    for profile in profiles
                    for tag in context.rng.sample(tags, 2)
                ]
            )
            EmailAddress.objects.bulk_create(
                [
                    EmailAddress(user=user, email=user.email, verified=True, primary=True)
                    for user in users
                ]
            )
            User.groups.through.objects.bulk_create(
                [User.groups.through(user_id=user.pk, group_id=member_group.pk) for user in users]
            )
        report.count("Mitglieder (Massendaten)", len(batch))
