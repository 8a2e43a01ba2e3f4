"""Fixtures and helpers of the building application tests (imported by the test modules)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient
from viewflow.workflow import STATUS

from backoffice.demo.minipdf import text_pdf
from efile.roles import Role
from tests.factories import OrgUnitFactory, UserFactory
from workflows.building_application import BuildingApplicationFlow, process_of
from workflows.models import BuildingApplication, BuildingAuthority, ChecklistItem

API = "/api/v1/building-applications/"
LEGAL_REMEDY = (
    "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben werden."
)


def pdf(*lines: str) -> bytes:
    return text_pdf(list(lines))


def upload(name: str, content: bytes, mime: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=mime)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def form_data(**overrides) -> dict:
    data = {
        "authority": "bauamt",
        "applicant_name": "Anna Huber",
        "applicant_street": "Gartenweg 3",
        "applicant_postcode": "47798",
        "applicant_city": "Krefeld",
        "applicant_email": "anna.huber@example.org",
        "project_kind": "neubau",
        "description": "Neubau eines Einfamilienhauses mit Carport",
        "parcel": "Gemarkung Krefeld, Flur 12, Flurstück 345",
        "site_address": "Gartenweg 5, 47798 Krefeld",
        "estimated_costs": "385000.00",
        "plans": [upload("lageplan.pdf", pdf("Lageplan", "Gartenweg 5", "Massstab 1:500"))],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def submit(user, **overrides):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return api_client(user).post(API, form_data(**overrides), format="multipart")


def tasks_of(application: BuildingApplication) -> list[tuple[str, str]]:
    process = process_of(application)
    return [(t.flow_task.name, t.status) for t in process.task_set.order_by("pk")]


def open_task(application: BuildingApplication, node, **data):
    tasks = process_of(application).task_set.filter(
        flow_task=node, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
    )
    for key, value in data.items():
        tasks = tasks.filter(**{f"data__{key}": value})
    return tasks.get()


def take(client, application, node, **data) -> str:
    """Take the open task through the application page's button; the execute URL."""
    task = open_task(application, node, **data)
    response = client.post(reverse("building:applications:take", args=[application.pk, task.pk]))
    assert response.status_code == 302, response
    return response["Location"]


def do_task(client, application, node, data: dict, **task_data):
    url = take(client, application, node, **task_data)
    page = client.get(url)
    assert page.status_code == 200 and application.efile.reference in page.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    return response


def ask_fachstellen(client, application, checklist, units, **fields):
    """Pass the formal check with every checklist item present, then involve `units`."""
    do_task(
        client,
        application,
        FLOW.check_completeness,
        {f"item_{item.pk}": "on" for item in checklist},
    )
    do_task(
        client,
        application,
        FLOW.choose_fachstellen,
        {"org_units": [unit.pk for unit in units], **fields},
    )


FLOW = BuildingApplicationFlow


@pytest.fixture
def authority(bauamt, plan_item):
    return BuildingAuthority.objects.create(
        org_unit=bauamt,
        plan_item=plan_item,
        name="Stadt Musterstadt – Bauamt",
        address="Rathausplatz 1, 47798 Krefeld",
        legal_remedy=LEGAL_REMEDY,
        nachforderung_days=21,
        statement_days=28,
        reminder_days=3,
    )


@pytest.fixture
def checklist(authority):
    return [
        ChecklistItem.objects.create(project_kind="neubau", label=label, position=n)
        for n, label in enumerate(["Lageplan", "Bauzeichnungen", "Baubeschreibung"])
    ]


@pytest.fixture
def fachstellen(db):
    return {
        code: OrgUnitFactory(code=code, name=name)
        for code, name in [
            ("feuerwehr", "Feuerwehr"),
            ("umweltamt", "Umweltamt"),
            ("denkmal", "Denkmalpflege"),
        ]
    }


@pytest.fixture
def people(bauamt, fachstellen):
    def make(username, role, units, email=""):
        user = UserFactory(username=username, role=role, org_units=units)
        user.email = email or f"{username}@example.org"
        user.save(update_fields=["email"])
        return user

    return {
        "drafter": make("bernd", Role.BUILDING, [bauamt]),
        "signer": make("berta", Role.BUILDING, [bauamt]),
        "fire": make("franz", Role.STATEMENT, [fachstellen["feuerwehr"]]),
        "environment": make("ulla", Role.STATEMENT, [fachstellen["umweltamt"]]),
        "heritage": make("dora", Role.STATEMENT, [fachstellen["denkmal"]]),
        "applicant": make("anna", Role.APPLICANT, [], "anna@example.org"),
        "other_applicant": make("otto", Role.APPLICANT, [], "otto@example.org"),
    }


def logged_in(client_class, user):
    client = client_class()
    client.force_login(user)
    return client
