"""Demo structure of two municipalities: departments, filing plan, parties, e-files, users.

Everything is looked up by a stable key before it is created, so running it twice changes
nothing. All writes go through the services, so the demo data has a complete audit trail.
"""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from efile import services
from efile.models import DisposalAction, DocumentKind, EFile, FilingPlanItem, OrgUnit, Party
from efile.permissions import Action, efile_can
from efile.roles import Role
from invoicing.models import ApprovalBand, ApproverLimit, InvoiceRoute, RouteKey
from workflows.intake import intake_start
from workflows.invoice_approval import invoice_start

from .building import demo_building_load
from .einvoice import Seller, xrechnung_ubl
from .minipdf import text_pdf

MUNICIPALITIES = [("kriens", "Stadt Kriens"), ("krefeld", "Stadt Krefeld")]

DEPARTMENTS = [
    ("bauamt", "Bauamt"),
    ("finanzen", "Finanzen/Kreditoren"),
    ("einwohner", "Einwohnerdienste"),
    ("umwelt", "Umwelt"),
    ("feuerwehr", "Feuerwehr"),
]

# code, title, parent code, retention years, disposal action, files allowed
FILING_PLAN = [
    ("100", "Allgemeine Verwaltung", None, 10, DisposalAction.EVALUATE, False),
    ("100.10", "Organisation und Zuständigkeiten", "100", 10, DisposalAction.ARCHIVE, True),
    ("200", "Finanzen", None, 10, DisposalAction.EVALUATE, False),
    ("200.10", "Haushalt", "200", 10, DisposalAction.ARCHIVE, True),
    ("200.20", "Lieferanten und Kreditoren", "200", 10, DisposalAction.DESTROY, True),
    ("300", "Einwohnerwesen", None, 10, DisposalAction.EVALUATE, False),
    ("300.10", "Meldewesen", "300", 5, DisposalAction.DESTROY, True),
    ("300.20", "Pass- und Ausweiswesen", "300", 5, DisposalAction.DESTROY, True),
    ("370", "Brandschutz", None, 10, DisposalAction.EVALUATE, False),
    ("370.10", "Brandverhütungsschau", "370", 10, DisposalAction.EVALUATE, True),
    ("600", "Bauwesen", None, 30, DisposalAction.EVALUATE, False),
    ("610", "Bauordnung", "600", 30, DisposalAction.EVALUATE, False),
    ("610.10", "Bauvoranfragen", "610", 10, DisposalAction.EVALUATE, True),
    ("610.20", "Baugenehmigungen", "610", 30, DisposalAction.ARCHIVE, True),
    ("610.30", "Abbruchanzeigen", "610", 30, DisposalAction.ARCHIVE, True),
    ("700", "Umwelt", None, 10, DisposalAction.EVALUATE, False),
    ("710.10", "Immissionsschutz", "700", 10, DisposalAction.EVALUATE, True),
    ("720.10", "Abfallwirtschaft", "700", 10, DisposalAction.DESTROY, True),
]

PARTIES = [
    dict(
        kind=Party.Kind.ORGANISATION,
        name="Holzbau Meier GmbH",
        street="Sägestraße 4",
        postcode="47798",
        city="Krefeld",
        vat_id="DE811907980",
        iban="DE89370400440532013000",
    ),
    dict(
        kind=Party.Kind.ORGANISATION,
        name="Büro Schneider Architekten",
        street="Obergrundstrasse 12",
        postcode="6010",
        city="Kriens",
        country="CH",
        email="info@schneider-architekten.example",
    ),
    dict(
        kind=Party.Kind.PERSON,
        name="Anna Huber",
        street="Luzernerstrasse 80",
        postcode="6010",
        city="Kriens",
        country="CH",
    ),
    dict(
        kind=Party.Kind.PERSON,
        name="Jürgen Weiß",
        street="Ostwall 101",
        postcode="47798",
        city="Krefeld",
    ),
    dict(
        kind=Party.Kind.ORGANISATION,
        name="Stadtwerke Krefeld AG",
        street="St. Töniser Str. 124",
        postcode="47804",
        city="Krefeld",
        vat_id="DE120095126",
        leitweg_id="05114000-SWK-12",
    ),
    dict(
        kind=Party.Kind.ORGANISATION,
        name="Entsorgung Pilatus AG",
        street="Industriestrasse 9",
        postcode="6010",
        city="Kriens",
        country="CH",
    ),
]

# department code, plan code, title, documents [(title, kind, sender index)], status
EFILES = [
    (
        "bauamt",
        "610.20",
        "Neubau Einfamilienhaus, Parzelle 1234",
        [("Bauantrag", "application", 2), ("Lageplan", "plan", 1)],
        "open",
    ),
    (
        "bauamt",
        "610.20",
        "Anbau Wintergarten, Schachenstrasse 7",
        [("Bauantrag", "application", 2)],
        "open",
    ),
    (
        "bauamt",
        "610.10",
        "Bauvoranfrage Mehrfamilienhaus Ostwall",
        [("Voranfrage", "application", 3)],
        "open",
    ),
    (
        "bauamt",
        "610.30",
        "Abbruch Scheune Hofweg 3",
        [("Abbruchanzeige", "application", 3), ("Stellungnahme Denkmalpflege", "statement", None)],
        "closed",
    ),
    (
        "bauamt",
        "610.20",
        "Umbau Dachgeschoss, Gallusstrasse 2",
        [("Bauantrag", "application", 1)],
        "open",
    ),
    (
        "bauamt",
        "610.20",
        "Reklameanlage Einkaufszentrum Pilatusmarkt",
        [("Antrag Reklame", "application", None)],
        "open",
    ),
    (
        "finanzen",
        "200.20",
        "Lieferantenakte Holzbau Meier GmbH",
        [("Rahmenvertrag", "letter", 0), ("Rechnung 2026-118", "invoice", 0)],
        "open",
    ),
    (
        "finanzen",
        "200.20",
        "Lieferantenakte Stadtwerke Krefeld AG",
        [("Rechnung Strom März", "invoice", 4)],
        "open",
    ),
    (
        "finanzen",
        "200.20",
        "Lieferantenakte Entsorgung Pilatus AG",
        [("Rechnung Grüngut", "invoice", 5)],
        "open",
    ),
    ("finanzen", "200.10", "Haushaltsplan 2027", [("Entwurf Haushaltsplan", "note", None)], "open"),
    ("finanzen", "200.10", "Jahresabschluss 2025", [("Prüfbericht", "note", None)], "closed"),
    ("einwohner", "300.10", "Ummeldung Familie Huber", [("Meldeschein", "application", 2)], "open"),
    (
        "einwohner",
        "300.10",
        "Auskunftssperre Weiß",
        [("Antrag Auskunftssperre", "application", 3)],
        "open",
    ),
    ("einwohner", "300.20", "Reisepass Verlustanzeige", [("Verlustanzeige", "letter", 3)], "open"),
    (
        "einwohner",
        "300.10",
        "Melderegisterauskunft Anwaltskanzlei",
        [("Anfrage", "letter", None)],
        "closed",
    ),
    ("einwohner", "100.10", "Öffnungszeiten Bürgerbüro", [("Vermerk", "note", None)], "open"),
    (
        "umwelt",
        "710.10",
        "Lärmbeschwerde Gewerbegebiet Nord",
        [("Beschwerde", "letter", 2), ("Messprotokoll", "note", None)],
        "open",
    ),
    ("umwelt", "720.10", "Grüngutabfuhr Vergabe 2027", [("Angebot", "letter", 5)], "open"),
    ("umwelt", "710.10", "Geruchsbelästigung Kläranlage", [("Beschwerde", "letter", 3)], "open"),
    (
        "feuerwehr",
        "370.10",
        "Brandverhütungsschau Schulhaus Roggern",
        [("Prüfbericht", "note", None)],
        "open",
    ),
    (
        "feuerwehr",
        "370.10",
        "Brandverhütungsschau Pflegeheim Zunacher",
        [("Mängelliste", "note", None)],
        "open",
    ),
    (
        "feuerwehr",
        "370.10",
        "Brandschutzkonzept Einkaufszentrum",
        [("Stellungnahme", "statement", 1)],
        "open",
    ),
]


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    departments: tuple[str, ...]
    is_staff: bool = False


DEMO_USERS = [
    DemoUser("sachbearbeitung", "Sabine", "Sachs", Role.CLERK, ("kriens-einwohner",)),
    DemoUser("registratur", "Reinhard", "Regis", Role.REGISTRY, ()),
    DemoUser(
        "kreditoren", "Katrin", "Kredit", Role.ACCOUNTING, ("kriens-finanzen", "krefeld-finanzen")
    ),
    DemoUser(
        "anordnung", "Anton", "Ordner", Role.APPROVER, ("kriens-finanzen", "krefeld-finanzen")
    ),
    DemoUser("bauamt", "Bernd", "Bau", Role.BUILDING, ("kriens-bauamt",)),
    DemoUser("bauamt.leitung", "Beate", "Baumann", Role.BUILDING, ("kriens-bauamt",)),
    DemoUser("fachstelle", "Franziska", "Feuer", Role.STATEMENT, ("kriens-feuerwehr",)),
    DemoUser("fachstelle.umwelt", "Uwe", "Umbach", Role.STATEMENT, ("kriens-umwelt",)),
    DemoUser("antragsteller", "Anna", "Huber", Role.APPLICANT, ()),
    DemoUser("administration", "Adam", "Admin", Role.ADMINISTRATOR, (), is_staff=True),
    DemoUser(
        "sachbearbeitung.krefeld",
        "Klara",
        "Krämer",
        Role.CLERK,
        ("krefeld-einwohner", "krefeld-umwelt"),
    ),
]


def _letter(municipality: str, efile_title: str, document_title: str) -> bytes:
    today = timezone.localdate()
    return text_pdf(
        [
            municipality,
            "",
            f"Betreff: {efile_title}",
            f"Dokument: {document_title}",
            f"Datum: {today:%d.%m.%Y}",
            "",
            "Sehr geehrte Damen und Herren,",
            "dieses Schreiben ist ein Beispieldokument der Aktenfluss-Demodaten.",
            "Mit freundlichen Grüßen",
        ]
    )


def demo_data_load(*, password: str) -> list[tuple[DemoUser, bool]]:
    """Create or complete the demo data; returns each demo user and whether it is new."""
    units = _org_units()
    plan = _filing_plan()
    parties = [services.party_register(actor=None, **data)[0] for data in PARTIES]
    users = [_user(spec, units, password) for spec in DEMO_USERS]
    for index, (municipality_code, municipality) in enumerate(MUNICIPALITIES):
        # The second municipality gets every other file, so the two do not look cloned.
        for number, (dept, plan_code, title, documents, status) in enumerate(EFILES[:: index + 1]):
            unit = units[f"{municipality_code}-{dept}"]
            opened_at = timezone.now() - dt.timedelta(days=25 * number + 3 * index)
            efile = _efile(unit, plan[plan_code], title, opened_at)
            for doc_title, kind, sender_index in documents:
                _document(efile, municipality, doc_title, kind, parties, sender_index)
            member = next(
                (u for u in unit.members.order_by("id") if efile_can(u, Action.RESUBMIT, efile)),
                None,
            )
            if number % 3 == 0 and member and not efile.resubmissions.exists():
                services.resubmission_create(
                    actor=member,
                    efile=efile,
                    due_on=timezone.localdate(),
                    note="Antwort des Antragstellers prüfen",
                    org_unit=unit,
                )
            if status == "closed" and efile.is_open:
                services.efile_close(actor=None, efile=efile, reason="Vorgang abgeschlossen")
    _approval_setup(units)
    _invoices(units["krefeld-finanzen"])
    _intake(units["kriens-einwohner"])
    demo_building_load(units, plan)
    return users


DEMO_SELLER = Seller(
    name="Bürotechnik Niederrhein GmbH",
    street="Ostwall 12",
    city="Krefeld",
    post_code="47798",
    vat_id="DE123456789",
    iban="DE02120300000000202051",
    email="rechnung@buerotechnik.example",
)


def _approval_setup(units: dict[str, OrgUnit]) -> None:
    """Routing by Leitweg-ID, the approval matrix (two Anordnungen from 5,000 EUR) and the
    approver's limit, so the demo invoices walk through the whole approval chain."""
    for value, unit in (
        ("05114000-00001-60", units["krefeld-umwelt"]),
        ("05114000-00002-57", units["krefeld-einwohner"]),
    ):
        InvoiceRoute.objects.get_or_create(
            key=RouteKey.BUYER_REFERENCE, value=value, defaults={"org_unit": unit}
        )
    if not ApprovalBand.objects.exists():
        ApprovalBand.objects.create(amount_from=Decimal(0), amount_to=Decimal(5000), approvers=1)
        ApprovalBand.objects.create(amount_from=Decimal(5000), approvers=2)
    approver = get_user_model().objects.get(username="anordnung")
    ApproverLimit.objects.get_or_create(user=approver, defaults={"limit": Decimal(25000)})
    lead = get_user_model().objects.get(username="sachbearbeitung.krefeld")
    for code in ("krefeld-umwelt", "krefeld-einwohner"):
        if units[code].lead_id is None:
            units[code].lead = lead
            units[code].save(update_fields=["lead"])


def _invoices(unit: OrgUnit) -> None:
    """Three received e-invoices: two valid (one with Skonto), one without Leitweg-ID
    (BR-DE-15), which is rejected with a notice to the supplier."""
    specs = [
        ("RE-2026-0815", "05114000-00001-60", [("Toner schwarz", "4", "89.90")]),
        ("RE-2026-0816", "05114000-00002-57", [("Kopierpapier A4, 500 Blatt", "40", "4.35")]),
        ("RE-2026-0817", None, [("Wartung Kopierer, Pauschale", "1", "149.00")]),
    ]
    issued = timezone.localdate() - dt.timedelta(days=3)
    for index, (number, leitweg_id, lines) in enumerate(specs):
        data = xrechnung_ubl(
            number=number,
            issue_date=issued.isoformat(),
            due_date=(issued + dt.timedelta(days=30)).isoformat(),
            seller=DEMO_SELLER,
            buyer_name="Stadt Krefeld",
            buyer_reference=leitweg_id,
            lines=[(name, Decimal(qty), Decimal(price)) for name, qty, price in lines],
            **({"payment_terms": "#SKONTO#TAGE=14#PROZENT=2.00#\n"} if index == 0 else {}),
        )
        invoice_start(actor=None, org_unit=unit, stream=io.BytesIO(data), filename=f"{number}.xml")


def _intake(unit: OrgUnit) -> None:
    """Two letters waiting in the inbox (Posteingang) and one empty file in the error queue."""
    letters = [
        (
            "anfrage-meier.pdf",
            [
                "Hans Meier",
                "Seestrasse 4, 6010 Kriens",
                "",
                "Anfrage Wohnsitzbestätigung",
                "Bitte senden Sie mir eine Wohnsitzbestätigung.",
            ],
        ),
        (
            "umzug-huber.pdf",
            [
                "Anna Huber",
                "Schachenstrasse 9, 6010 Kriens",
                "",
                "Umzugsmeldung",
                "Ich melde den Umzug innerhalb von Kriens per 1. Dezember.",
            ],
        ),
    ]
    for filename, lines in letters:
        intake_start(
            actor=None, org_unit=unit, stream=io.BytesIO(text_pdf(lines)), filename=filename
        )
    if not unit.intake_items.filter(filename="scan-leer.pdf").exists():
        # Failed items are not deduplicated (a sender may send a repaired file again).
        intake_start(actor=None, org_unit=unit, stream=io.BytesIO(b""), filename="scan-leer.pdf")


def _org_units() -> dict[str, OrgUnit]:
    units = {}
    for municipality_code, municipality in MUNICIPALITIES:
        town = municipality.removeprefix("Stadt ")
        for dept_code, dept_name in DEPARTMENTS:
            code = f"{municipality_code}-{dept_code}"
            units[code], _ = OrgUnit.objects.get_or_create(
                code=code, defaults={"name": f"{dept_name} {town}", "municipality": municipality}
            )
    return units


def _filing_plan() -> dict[str, FilingPlanItem]:
    items: dict[str, FilingPlanItem] = {}
    for code, title, parent_code, years, action, files_allowed in FILING_PLAN:
        items[code], _ = FilingPlanItem.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "parent": items[parent_code] if parent_code else None,
                "retention_years": years,
                "disposal_action": action,
                "files_allowed": files_allowed,
            },
        )
    return items


def _user(spec: DemoUser, units: dict[str, OrgUnit], password: str):
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=spec.username,
        defaults={
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@aktenfluss.example",
            "is_staff": spec.is_staff,
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=spec.role.value))
    for code in spec.departments:
        units[code].members.add(user)
    return spec, created


def _efile(unit: OrgUnit, plan_item: FilingPlanItem, title: str, opened_at) -> EFile:
    existing = EFile.objects.filter(org_unit=unit, title=title).first()
    if existing is not None:
        return existing
    return services.efile_open(
        actor=None, plan_item=plan_item, org_unit=unit, title=title, opened_at=opened_at
    )


def _document(efile, municipality, title, kind, parties, sender_index) -> None:
    if efile.documents.filter(title=title).exists():
        return
    if not efile.is_open:
        return
    content = _letter(municipality, efile.title, title)
    services.document_receive(
        actor=None,
        efile=efile,
        stream=io.BytesIO(content),
        filename=f"{title.lower().replace(' ', '-')}.pdf",
        title=title,
        kind=DocumentKind(kind),
        sender=parties[sender_index] if sender_index is not None else None,
    )
