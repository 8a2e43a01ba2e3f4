"""The building application API: online submission (e-file in the Bauamt's filing plan
position, plans filed and read, Eingangsbestätigung), German 400s that store nothing,
the applicant's status page and applicant isolation."""

import pytest
from django.core import mail
from drf_spectacular.validation import validate_schema

from efile.blobs import blob_read
from efile.models import AuditEvent, Document, DocumentKind, DocumentVersion, EFile, Party
from efile.roles import Role
from efile.search import document_search
from tests.factories import OrgUnitFactory, UserFactory
from tests.workflows.building_support import (
    API,
    api_client,
    pdf,
    pdf_text,
    submit,
    upload,
)
from workflows.models import BuildingApplication, BuildingStatus

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _stored_rows() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (BuildingApplication, EFile, Document, DocumentVersion, Party, AuditEvent)
    }


def test_submission_opens_an_efile_in_the_bauamt_plan_position_and_acknowledges_receipt(
    people, checklist, plan_item, bauamt
):
    response = submit(
        people["applicant"],
        attachments=[upload("foto.png", PNG, "image/png")],
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    application = BuildingApplication.objects.get(pk=body["id"])
    efile = application.efile
    assert body["aktenzeichen"] == efile.reference
    assert efile.reference.startswith("610.20-")
    assert efile.plan_item == plan_item and efile.org_unit == bauamt
    assert application.submitted_by == people["applicant"]
    assert application.applicant.name == "Anna Huber"
    assert body["status"] == "received"
    assert "eingegangen" in body["status_text"]

    plan = efile.documents.get(kind=DocumentKind.PLAN)
    assert plan.title == "lageplan" and plan.sender == application.applicant
    assert "Massstab 1:500" in plan.versions.get(number=1).text  # read by the OCR task
    hits = document_search(user=people["drafter"], query="Massstab")
    assert [hit.version.document_id for hit in hits] == [plan.pk]  # searchable by the department
    assert document_search(user=people["fire"], query="Massstab") == []
    assert efile.documents.filter(kind=DocumentKind.OTHER).count() == 1

    acknowledgement = application.acknowledgement
    assert [d["title"] for d in body["documents"]] == ["Eingangsbestätigung"]
    text = pdf_text(blob_read(acknowledgement.versions.get(number=1).blob))
    assert "Eingangsbestätigung" in text and efile.reference in text
    assert "Gartenweg 5, 47798 Krefeld" in text and "lageplan" in text
    download = api_client(people["applicant"]).get(body["documents"][0]["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="building.submit", actor=people["applicant"]).exists()


def test_the_applicant_is_registered_once_and_reused(people, checklist):
    first = submit(people["applicant"]).json()
    second = submit(
        people["applicant"],
        plans=[upload("ansicht.pdf", pdf("Ansicht Nord"))],
        site_address="Gartenweg 7, 47798 Krefeld",
    ).json()
    applications = BuildingApplication.objects.filter(pk__in=[first["id"], second["id"]])
    assert len({a.applicant_id for a in applications}) == 1
    assert first["aktenzeichen"] != second["aktenzeichen"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"applicant_name": "", "parcel": ""}, "applicant_name", "Bitte geben Sie Ihren Namen an."),
        ({"description": None}, "description", "Bitte beschreiben Sie das Vorhaben."),
        ({"project_kind": "schloss"}, "project_kind", "Bitte wählen Sie die Art des Vorhabens"),
        ({"estimated_costs": "viel"}, "estimated_costs", "Betrag in Euro"),
        ({"plans": None}, "plans", "mindestens einen Bauplan als PDF"),
        (
            {"plans": [upload("plan.png", PNG, "application/pdf")]},
            "plans",
            "Der Plan „plan.png“ ist kein PDF.",
        ),
        ({"plans": [upload("leer.pdf", b"")]}, "plans", "„leer.pdf“ ist leer (0 Bytes)"),
        (
            {"attachments": [upload("leer.png", b"", "image/png")]},
            "attachments",
            "„leer.png“ ist leer (0 Bytes)",
        ),
        ({"authority": "gibtsnicht"}, "authority", "ist unbekannt"),
    ],
)
def test_invalid_submission_gets_400_in_german_and_stores_nothing(
    people, checklist, tmp_blobs, overrides, field, message
):
    before = _stored_rows()
    response = submit(people["applicant"], **overrides)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert any(message in text for text in body["errors"][field]), body
    assert message in body["message"]
    assert _stored_rows() == before
    assert not tmp_blobs.exists() or not any(p.is_file() for p in tmp_blobs.rglob("*"))
    assert mail.outbox == []


def test_missing_fields_are_all_reported_at_once(people, checklist):
    response = api_client(people["applicant"]).post(API, {}, format="multipart")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {
        "authority",
        "applicant_name",
        "applicant_street",
        "applicant_postcode",
        "applicant_city",
        "project_kind",
        "description",
        "parcel",
        "site_address",
        "estimated_costs",
        "plans",
    } <= set(errors)
    assert errors["parcel"] == ["Bitte geben Sie das Flurstück bzw. die Parzelle an."]


def test_a_department_without_building_authority_takes_no_applications(people, checklist):
    OrgUnitFactory(code="kaemmerei", name="Kämmerei")
    response = submit(people["applicant"], authority="kaemmerei")
    assert response.status_code == 400
    assert response.json()["errors"]["authority"] == ["„Kämmerei“ nimmt keine Bauanträge entgegen."]


def test_users_without_the_applicant_role_cannot_submit(people, checklist):
    response = submit(people["fire"])
    assert response.status_code == 403
    assert BuildingApplication.objects.count() == 0


def test_applicant_isolation_another_applicant_gets_404_everywhere(people, checklist, bauamt):
    body = submit(people["applicant"]).json()
    pk, document = body["id"], body["documents"][0]
    other = api_client(people["other_applicant"])

    assert other.get(f"{API}{pk}/").status_code == 404
    assert other.get(document["download_url"]).status_code == 404
    assert other.post(f"{API}{pk}/documents/", {}, format="multipart").status_code == 404
    assert other.get(f"{API}{pk}/export/").status_code == 404
    assert other.get(API).json()["results"] == []
    assert [row["id"] for row in api_client(people["applicant"]).get(API).json()["results"]] == [pk]
    # a building department of another municipality does not see it either
    elsewhere = UserFactory(
        username="bau-anderswo",
        role=Role.BUILDING,
        org_units=[OrgUnitFactory(code="bauamt-b", name="Bauamt B")],
    )
    assert api_client(elsewhere).get(f"{API}{pk}/").status_code == 404
    # and the own department does
    assert api_client(people["drafter"]).get(f"{API}{pk}/").status_code == 200


def test_applicant_cannot_download_internal_documents(people, checklist):
    body = submit(people["applicant"]).json()
    application = BuildingApplication.objects.get(pk=body["id"])
    plan = application.efile.documents.get(kind=DocumentKind.PLAN)
    response = api_client(people["applicant"]).get(f"{API}{application.pk}/documents/{plan.pk}/")
    assert response.status_code == 404


def test_status_without_login_is_401(client, people, checklist):
    body = submit(people["applicant"]).json()
    assert client.get(f"{API}{body['id']}/").status_code == 401


def test_openapi_schema_stays_valid(people):
    client = api_client(people["drafter"])
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    validate_schema(response.json())
    assert "/api/v1/building-applications/" in response.json()["paths"]


def test_received_status_is_reported_in_german(people, checklist):
    body = submit(people["applicant"]).json()
    assert body["status"] == BuildingStatus.RECEIVED
    assert body["open_nachforderungen"] == []
