"""Demo building applications for the Bauamt Kriens: the authority, its checklists and four
applications in different steps (received, Nachforderung open, Fachstellen asked, approved).

Everything goes through the flow and its services, as a user would; each application is
looked up by its site address first, so running the demo twice changes nothing.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from viewflow.workflow import STATUS

from efile.models import FilingPlanItem, OrgUnit
from workflows.building.checklist import checklist_for, completeness_check
from workflows.building.decision import decision_draft, decision_sign_off
from workflows.building.statements import statement_give, statements_request
from workflows.building.submission import ApplicantData, ApplicationData
from workflows.building_application import (
    BuildingApplicationFlow,
    building_application_start,
    process_of,
)
from workflows.models import BuildingApplication, BuildingAuthority, ChecklistItem

from .minipdf import text_pdf

LEGAL_REMEDY = (
    "Gegen diesen Bescheid kann innerhalb eines Monats nach seiner Bekanntgabe Widerspruch "
    "erhoben werden. Der Widerspruch ist schriftlich oder zur Niederschrift beim Bauamt der "
    "Stadt Kriens, Schachenstrasse 13, 6010 Kriens, einzulegen."
)

CHECKLISTS = {
    "neubau": ["Lageplan", "Bauzeichnungen", "Baubeschreibung", "Standsicherheitsnachweis"],
    "umbau": ["Lageplan", "Bauzeichnungen (Bestand und Umbau)", "Baubeschreibung"],
    "anbau": ["Lageplan", "Bauzeichnungen", "Baubeschreibung"],
    "abbruch": ["Lageplan", "Fotos des Bestands", "Entsorgungskonzept"],
    "reklame": ["Lageplan", "Ansicht mit Werbeanlage", "Zustimmung des Eigentümers"],
}

APPLICANT = {
    "name": "Anna Huber",
    "street": "Luzernerstrasse 80",
    "postcode": "6010",
    "city": "Kriens",
    "country": "CH",
    "email": "antragsteller@aktenfluss.example",
}

# kind, site, parcel, description, costs, target step
APPLICATIONS = [
    (
        "neubau",
        "Gallusstrasse 14, 6010 Kriens",
        "Parzelle 2211",
        "Neubau Einfamilienhaus",
        690000,
        "received",
    ),
    (
        "umbau",
        "Schachenstrasse 7, 6010 Kriens",
        "Parzelle 845",
        "Umbau Dachgeschoss mit Gauben",
        120000,
        "incomplete",
    ),
    (
        "reklame",
        "Pilatusmarkt 1, 6010 Kriens",
        "Parzelle 3020",
        "Leuchtreklame an der Nordfassade",
        18000,
        "participation",
    ),
    (
        "anbau",
        "Hofweg 3, 6010 Kriens",
        "Parzelle 512",
        "Anbau Wintergarten, 24 m²",
        65000,
        "approved",
    ),
]


def _authority(unit: OrgUnit, plan: dict[str, FilingPlanItem]) -> BuildingAuthority:
    authority, _ = BuildingAuthority.objects.get_or_create(
        org_unit=unit,
        defaults={
            "name": f"{unit.municipality} – Bauamt",
            "address": "Schachenstrasse 13, 6010 Kriens"
            if "Kriens" in unit.municipality
            else "Konrad-Adenauer-Platz 17, 47798 Krefeld",
            "plan_item": plan["610.20"],
            "legal_remedy": LEGAL_REMEDY,
        },
    )
    return authority


def _checklists() -> None:
    for kind, labels in CHECKLISTS.items():
        for position, label in enumerate(labels):
            ChecklistItem.objects.get_or_create(
                project_kind=kind, label=label, defaults={"position": position}
            )


def _work(user, application: BuildingApplication, node, service, **task_data) -> None:
    """Do the open task `node` as `user`, like the task page does: take, work, complete."""
    process = process_of(application)
    tasks = process.task_set.filter(flow_task=node, status=STATUS.NEW)
    for key, value in task_data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    task = tasks.get()
    with BuildingApplicationFlow.lock(process.pk), transaction.atomic():
        activation = node.activation_class(task)
        activation.assign(user)
        activation.start(None)
        service()
        activation.execute()
    application.refresh_from_db()


def _advance(application, step: str, units: dict[str, OrgUnit], users: dict) -> None:
    flow = BuildingApplicationFlow
    clerk, lead = users["bauamt"], users["bauamt.leitung"]
    items = {item.label: item.pk for item in checklist_for(application.project_kind)}
    if step == "incomplete":
        present = set(list(items.values())[:1])
        _work(
            clerk,
            application,
            flow.check_completeness,
            lambda: completeness_check(actor=clerk, application=application, present=present),
        )
        return
    _work(
        clerk,
        application,
        flow.check_completeness,
        lambda: completeness_check(
            actor=clerk, application=application, present=set(items.values())
        ),
    )
    fachstellen = [units["kriens-feuerwehr"], units["kriens-umwelt"]]
    _work(
        clerk,
        application,
        flow.choose_fachstellen,
        lambda: statements_request(actor=clerk, application=application, org_units=fachstellen),
    )
    if step == "participation":
        return
    fire_request = application.statements.get(org_unit=units["kriens-feuerwehr"])
    _work(
        users["fachstelle"],
        application,
        flow.give_statement,
        lambda: statement_give(
            actor=users["fachstelle"],
            request=fire_request,
            text="Keine Bedenken.",
            conditions="Zweiter Fluchtweg über die Terrassentür.",
        ),
        statement=fire_request.pk,
    )
    environment_request = application.statements.get(org_unit=units["kriens-umwelt"])
    _work(
        users["fachstelle.umwelt"],
        application,
        flow.give_statement,
        lambda: statement_give(
            actor=users["fachstelle.umwelt"],
            request=environment_request,
            text="Aus Sicht des Umweltschutzes einverstanden.",
        ),
        statement=environment_request.pk,
    )
    _work(
        clerk,
        application,
        flow.draft_decision,
        lambda: decision_draft(
            actor=clerk,
            application=application,
            decision="approval",
            conditions="Zweiter Fluchtweg über die Terrassentür.",
            reasons="Das Vorhaben entspricht den baurechtlichen Vorschriften.",
        ),
    )
    _work(
        lead,
        application,
        flow.sign_off,
        lambda: decision_sign_off(actor=lead, application=application, approve=True),
    )


def demo_building_load(units: dict[str, OrgUnit], plan: dict[str, FilingPlanItem]) -> None:
    for code in ("kriens-bauamt", "krefeld-bauamt"):
        _authority(units[code], plan)
    _checklists()
    user_model = get_user_model()
    usernames = ("bauamt", "bauamt.leitung", "fachstelle", "fachstelle.umwelt", "antragsteller")
    users = {name: user_model.objects.get(username=name) for name in usernames}
    today = dt.date.today()
    for number, (kind, site, parcel, description, costs, step) in enumerate(APPLICATIONS):
        if BuildingApplication.objects.filter(site_address=site).exists():
            continue
        plan_pdf = text_pdf([f"Lageplan {site}", parcel, description, f"Stand {today:%d.%m.%Y}"])
        application = building_application_start(
            actor=users["antragsteller"],
            org_unit=units["kriens-bauamt"],
            applicant=ApplicantData(**APPLICANT),
            data=ApplicationData(
                project_kind=kind,
                description=description,
                parcel=parcel,
                site_address=site,
                estimated_costs=costs,
            ),
            plans=[SimpleUploadedFile(f"lageplan-{number + 1}.pdf", plan_pdf)],
        )
        if step != "received":
            _advance(application, step, units, users)
