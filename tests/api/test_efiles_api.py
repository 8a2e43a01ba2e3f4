"""The e-file API: authentication, permission-filtered and paginated lists, filters, German
error JSON and a valid OpenAPI schema."""

import datetime as dt

import pytest
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token

from efile import services
from efile.roles import Role
from tests.factories import FilingPlanItemFactory, UserFactory, document_create, efile_create

LIST_URL = "/api/v1/efiles/"


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=timezone.get_current_timezone())


def _references(response) -> set[str]:
    return {row["reference"] for row in response.json()["results"]}


@pytest.fixture
def token_client(client, clerk):
    token = Token.objects.create(user=clerk)
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    return client


@pytest.fixture
def own_file(bauamt, plan_item):
    return efile_create(org_unit=bauamt, plan_item=plan_item, title="Neubau Sporthalle")


@pytest.fixture
def foreign_file(umwelt, plan_item):
    return efile_create(org_unit=umwelt, plan_item=plan_item, title="Lärmmessung")


# --- authentication ----------------------------------------------------------------------


def test_token_authentication(token_client, own_file, foreign_file):
    response = token_client.get(LIST_URL)
    assert response.status_code == 200
    assert _references(response) == {own_file.reference}


def test_session_authentication(client, clerk, own_file, foreign_file):
    client.force_login(clerk)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert _references(response) == {own_file.reference}


def test_without_credentials_the_api_answers_401_in_german(client, own_file):
    response = client.get(LIST_URL)
    assert response.status_code == 401
    assert response.json() == {
        "code": "not_authenticated",
        "message": "Anmeldedaten fehlen.",
        "field": None,
    }
    assert response["WWW-Authenticate"].startswith("Token")


def test_unknown_token_is_refused(client, own_file):
    response = client.get(LIST_URL, headers={"authorization": "Token 0000deadbeef"})
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "authentication_failed"
    assert body["message"] == "Ungültiges Token"


def test_token_of_a_deactivated_user_is_refused(client, clerk, own_file):
    token = Token.objects.create(user=clerk)
    clerk.is_active = False
    clerk.save(update_fields=["is_active"])
    response = client.get(LIST_URL, headers={"authorization": f"Token {token.key}"})
    assert response.status_code == 401
    assert own_file.reference not in response.content.decode()


# --- lists and detail --------------------------------------------------------------------


def test_list_is_paginated_newest_first(token_client, bauamt, umwelt, plan_item):
    base = timezone.now() - dt.timedelta(days=40)
    own = [
        efile_create(org_unit=bauamt, plan_item=plan_item, opened_at=base + dt.timedelta(days=n))
        for n in range(30)
    ]
    for _n in range(3):
        efile_create(org_unit=umwelt, plan_item=plan_item)

    first = token_client.get(LIST_URL).json()
    assert first["count"] == 30
    assert len(first["results"]) == 25
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/efiles/?page=2")
    assert first["results"][0]["reference"] == own[-1].reference

    second = token_client.get(LIST_URL, {"page": 2}).json()
    assert [row["reference"] for row in second["results"]] == [
        efile.reference for efile in reversed(own[:5])
    ]
    assert second["next"] is None

    beyond = token_client.get(LIST_URL, {"page": 3})
    assert beyond.status_code == 404
    assert beyond.json()["code"] == "not_found"


def test_registry_lists_every_department(client, registry_user, own_file, foreign_file):
    client.force_login(registry_user)
    assert _references(client.get(LIST_URL)) == {own_file.reference, foreign_file.reference}


@pytest.mark.parametrize("role", [Role.STATEMENT, Role.APPLICANT, Role.ADMINISTRATOR], ids=str)
def test_roles_without_file_access_get_an_empty_list(client, bauamt, own_file, role):
    client.force_login(UserFactory(username="ohne", role=role, org_units=[bauamt]))
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_detail_has_the_metadata(token_client, own_file):
    response = token_client.get(f"{LIST_URL}{own_file.pk}/")
    assert response.status_code == 200
    assert response.json() == {
        "id": own_file.pk,
        "reference": own_file.reference,
        "title": "Neubau Sporthalle",
        "plan_code": "610.20",
        "org_unit": "bauamt",
        "status": "open",
        "opened_at": response.json()["opened_at"],
        "closed_at": None,
    }
    opened = dt.datetime.fromisoformat(response.json()["opened_at"])
    assert opened == own_file.opened_at


def test_other_departments_file_is_a_404_with_german_error(token_client, foreign_file):
    response = token_client.get(f"{LIST_URL}{foreign_file.pk}/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Nicht gefunden.", "field": None}
    assert foreign_file.reference not in response.content.decode()


def test_missing_file_and_foreign_file_answer_alike(token_client, foreign_file):
    """Nobody learns from the answer whether an id exists in another department."""
    foreign = token_client.get(f"{LIST_URL}{foreign_file.pk}/")
    missing = token_client.get(f"{LIST_URL}999999/")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())


# --- filters -----------------------------------------------------------------------------


@pytest.fixture
def files(registry_user, bauamt, umwelt, plan_item):
    other_plan = FilingPlanItemFactory(code="720.10", title="Abfallwirtschaft")
    school = efile_create(
        org_unit=bauamt, plan_item=plan_item, title="Neubau Schule", opened_at=_at("2025-03-01")
    )
    noise = efile_create(
        org_unit=umwelt, plan_item=plan_item, title="Lärmschutz", opened_at=_at("2025-06-15")
    )
    services.efile_close(actor=None, efile=noise)
    waste = efile_create(
        org_unit=umwelt, plan_item=other_plan, title="Abfallkalender", opened_at=_at("2026-01-10")
    )
    return {"school": school, "noise": noise, "waste": waste}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "SCHULE"}, {"school"}),
        ({"q": "720.10-2026"}, {"waste"}),
        ({"org_unit": "umwelt"}, {"noise", "waste"}),
        ({"status": "closed"}, {"noise"}),
        ({"plan_code": "610"}, {"school", "noise"}),
        ({"opened_from": "2025-06-15"}, {"noise", "waste"}),
        ({"opened_to": "2025-06-14"}, {"school"}),
        ({"org_unit": "umwelt", "status": "open"}, {"waste"}),
    ],
    ids=lambda value: (
        "&".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None
    ),
)
def test_filters(client, registry_user, files, umwelt, params, expected):
    if "org_unit" in params:
        params = {**params, "org_unit": umwelt.pk}
    client.force_login(registry_user)
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    shown = {name for name, efile in files.items() if efile.reference in _references(response)}
    assert shown == expected


def test_filters_never_widen_the_permission(token_client, files, umwelt):
    response = token_client.get(LIST_URL, {"org_unit": umwelt.pk})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_invalid_filter_names_the_field_in_german(token_client):
    response = token_client.get(LIST_URL, {"opened_from": "gestern"})
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Bitte ein gültiges Datum eingeben.",
        "field": "opened_from",
    }


# --- download ----------------------------------------------------------------------------


def test_download_returns_the_original_bytes_as_attachment(token_client, own_file):
    document = document_create(efile=own_file, content=b"%PDF-1.4 Original", filename="a.pdf")
    version = document.versions.get()
    response = token_client.get(f"/api/v1/versions/{version.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="a.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 Original"


def test_download_of_a_foreign_version_is_a_german_404(token_client, foreign_file):
    version = document_create(efile=foreign_file, content=b"%PDF-1.4 geheim").versions.get()
    response = token_client.get(f"/api/v1/versions/{version.pk}/download/")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Dokument nicht gefunden.",
        "field": None,
    }


def test_registry_may_not_download_contents(client, registry_user, foreign_file):
    version = document_create(efile=foreign_file, content=b"%PDF-1.4 geheim").versions.get()
    client.force_login(registry_user)
    response = client.get(f"/api/v1/versions/{version.pk}/download/")
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "Sie dürfen den Inhalt dieser Akte nicht lesen.",
        "field": None,
    }


def test_methods_an_endpoint_does_not_offer_are_refused_in_german(token_client, own_file):
    response = token_client.post(f"{LIST_URL}{own_file.pk}/", {"title": "Neu"})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "nicht erlaubt" in response.json()["message"]


# --- schema ------------------------------------------------------------------------------


def test_openapi_schema_is_valid_and_documents_the_endpoints(client, db):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["info"]["title"] == "Aktenfluss API"
    assert {"/api/v1/efiles/", "/api/v1/efiles/{id}/", "/api/v1/versions/{id}/download/"} <= set(
        schema["paths"]
    )
    list_parameters = {p["name"] for p in schema["paths"]["/api/v1/efiles/"]["get"]["parameters"]}
    assert {"q", "org_unit", "status", "plan_code", "opened_from", "opened_to", "page"} <= (
        list_parameters
    )
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_openapi_schema_is_served_as_yaml_by_default(client, db):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    assert response.content.startswith(b"openapi: 3.")


def test_api_docs_page_renders(client, db):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
