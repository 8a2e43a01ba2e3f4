"""The permission matrix over the API: every role, both departments, every API operation on
e-files and documents, generated from the same hand-written `GRANTS` as the UI matrix
(`tests/permission_support.py`). Parties are not per department; their table is below.

Each cell goes through HTTP and then checks the database: a refused write leaves no trace.
"""

import io

import pytest

from api.etags import etag_of
from api.serializers import EFileSerializer
from api.urls import urlpatterns
from efile import services
from efile.blobs import blob_store
from efile.models import AuditEvent, DocumentVersion, Party
from efile.roles import Role
from tests.permission_support import (
    ADD_VERSION,
    AUDIT,
    DOWNLOAD,
    EDIT,
    GRANTS,
    LIST,
    SUPERUSER,
    UPLOAD,
    VIEW,
    Department,
    Grants,
    World,
    refused_status,
    state,
    upload,
    user_for,
    world_create,
)

SEARCHABLE = b"%PDF-1.4 durchsuchbar"


@pytest.fixture
def world(db, plan_item) -> World:
    world = world_create(plan_item)
    for dept in (world.own, world.other):
        stored = blob_store(io.BytesIO(SEARCHABLE + dept.open_file.org_unit.code.encode()))
        DocumentVersion.objects.create(
            document=dept.document,
            number=2,
            sha256=stored.sha256,
            blob=stored.name,
            filename="durchsuchbar.pdf",
            mime_type="application/pdf",
            size=stored.size,
            derived_from=dept.version,
        )
    return world


# (action, operation): the matrix's columns.
CELLS = [
    (LIST, "GET /efiles/"),
    (VIEW, "GET /efiles/{id}/"),
    (VIEW, "GET /efiles/{id}/documents/"),
    (VIEW, "GET /documents/{id}/"),
    (DOWNLOAD, "GET /documents/{id}/original/"),
    (DOWNLOAD, "GET /documents/{id}/searchable/"),
    (DOWNLOAD, "GET /versions/{id}/download/"),
    (UPLOAD, "POST /efiles/{id}/documents/"),
    (ADD_VERSION, "POST /documents/{id}/versions/"),
    (EDIT, "PATCH /efiles/{id}/"),
    (AUDIT, "GET /efiles/{id}/audit-events/"),
    (AUDIT, "GET /documents/{id}/audit-events/"),
]
API = "/api/v1"


def _request(client, dept: Department, operation: str):
    method, template = operation.split(" ")
    efile, document = dept.open_file, dept.document
    object_id = efile.pk if template.startswith("/efiles/") else document.pk
    if template.startswith("/versions/"):
        object_id = dept.version.pk
    url = API + template.replace("{id}", str(object_id))
    if operation == "POST /efiles/{id}/documents/":
        return client.post(url, {"file": upload("neu.pdf", b"%PDF-1.4 neues Dokument")})
    if operation == "POST /documents/{id}/versions/":
        return client.post(url, {"file": upload("v2.pdf", b"%PDF-1.4 zweite Fassung")})
    if operation == "PATCH /efiles/{id}/":
        return client.patch(
            url,
            {"title": "Neuer Betreff"},
            content_type="application/json",
            headers={"if-match": etag_of(EFileSerializer(efile).data)},
        )
    assert method == "GET"
    return client.get(url)


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def check(client, dept: Department, action: str, operation: str, grants: Grants, scope: str):
    allowed = grants.allows(action, scope)
    can_view = grants.allows(VIEW, scope)
    before = state()
    response = _request(client, dept, operation)

    if action == LIST:
        assert response.status_code == 200
        references = {row["reference"] for row in response.json()["results"]}
        assert (dept.open_file.reference in references) is allowed
        return
    if not allowed:
        assert response.status_code == refused_status(can_view), response.content
        assert set(response.json()) == {"code", "message", "field"}
        assert dept.content not in response.content
        assert state() == before
        return
    if action in (UPLOAD, ADD_VERSION):
        assert response.status_code == 201, response.content
        assert AuditEvent.objects.count() > before[-1]
    elif action == EDIT:
        assert response.status_code == 200, response.content
        dept.open_file.refresh_from_db()
        assert dept.open_file.title == "Neuer Betreff"
    elif action == DOWNLOAD:
        assert response.status_code == 200
        expected = dept.content if "searchable" not in operation else SEARCHABLE
        assert _content(response).startswith(expected)
    else:
        assert response.status_code == 200, response.content
        if action == AUDIT:
            assert response.json()["count"] > 0


@pytest.mark.parametrize(("action", "operation"), CELLS, ids=[op for _a, op in CELLS])
@pytest.mark.parametrize("scope", ["own", "other"])
@pytest.mark.parametrize("who", list(GRANTS), ids=str)
def test_api_permission_matrix(client, world, who, scope, action, operation):
    client.force_login(user_for(who, world))
    check(client, getattr(world, scope), action, operation, GRANTS[who], scope)


@pytest.mark.parametrize(("action", "operation"), CELLS, ids=[op for _a, op in CELLS])
def test_anonymous_gets_401_and_nothing_changes(client, world, action, operation):
    before = state()
    response = _request(client, world.own, operation)
    assert response.status_code == 401
    assert set(response.json()) == {"code", "message", "field"}
    assert world.own.content not in response.content
    assert state() == before


def test_api_matrix_covers_every_api_operation_on_files_and_documents():
    routes = {str(p.pattern) for p in urlpatterns}
    file_routes = {r for r in routes if r.startswith(("efiles/", "documents/", "versions/"))}
    covered = {op.split(" ")[1].replace("{id}", "<int:pk>").lstrip("/") for _a, op in CELLS}
    assert file_routes == covered


# --- parties: one register for all departments, the role decides ------------------------

P_VIEW, P_CREATE, P_CHANGE, P_AUDIT = "view", "create", "change", "audit"
PARTY_GRANTS: dict[str, frozenset[str]] = {
    Role.CLERK: frozenset({P_VIEW, P_CREATE}),
    Role.BUILDING: frozenset({P_VIEW, P_CREATE}),
    Role.ACCOUNTING: frozenset({P_VIEW, P_CREATE, P_CHANGE, P_AUDIT}),
    Role.APPROVER: frozenset(),
    Role.REGISTRY: frozenset({P_VIEW, P_AUDIT}),
    Role.STATEMENT: frozenset(),
    Role.APPLICANT: frozenset(),
    Role.ADMINISTRATOR: frozenset(),
    SUPERUSER: frozenset({P_VIEW, P_CREATE, P_CHANGE, P_AUDIT}),
}
assert set(PARTY_GRANTS) == set(GRANTS)


@pytest.fixture
def party(db):
    party, _created = services.party_register(actor=None, name="Müller Bau GmbH", city="Freiburg")
    return party


def _party_state(party) -> tuple:
    party.refresh_from_db()
    return (Party.objects.count(), party.city, AuditEvent.objects.count())


@pytest.mark.parametrize("action", [P_VIEW, P_CREATE, P_CHANGE, P_AUDIT])
@pytest.mark.parametrize("who", list(PARTY_GRANTS), ids=str)
def test_party_permission_matrix(client, world, party, who, action):
    client.force_login(user_for(who, world))
    allowed = action in PARTY_GRANTS[who]
    can_view = P_VIEW in PARTY_GRANTS[who]
    url = f"{API}/parties/{party.pk}/"
    before = _party_state(party)
    if action == P_VIEW:
        listed = {row["id"] for row in client.get(f"{API}/parties/").json()["results"]}
        assert (party.pk in listed) is allowed
        response = client.get(url)
        assert response.status_code == (200 if allowed else 404)
        return
    if action == P_CREATE:
        response = client.post(
            f"{API}/parties/", {"name": "Neue Firma AG"}, content_type="application/json"
        )
        expected = 201
    elif action == P_CHANGE:
        response = client.patch(
            url,
            {"city": "Basel"},
            content_type="application/json",
            headers={"if-match": etag_of(client.get(url).json()) if can_view else '"x"'},
        )
        expected = 200
    else:
        response = client.get(f"{url}audit-events/")
        expected = 200
    if allowed:
        assert response.status_code == expected, response.content
    else:
        refused = 403 if (can_view or action == P_CREATE) else 404
        assert response.status_code == refused, response.content
        assert "Freiburg" not in response.content.decode()
        assert _party_state(party) == before
