"""Audit events of one object over the API: only that object's events, newest first, and only
for those who may read the trail (the file's own department and the registry)."""

import io

import pytest

from efile import services
from efile.roles import Role
from tests.factories import UserFactory, document_create, efile_create


@pytest.fixture
def own_file(bauamt, plan_item):
    return efile_create(org_unit=bauamt, plan_item=plan_item, title="Sporthalle")


@pytest.fixture
def foreign_file(umwelt, plan_item):
    return efile_create(org_unit=umwelt, plan_item=plan_item, title="Lärm")


def _actions(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [(row["action"], row["object_type"]) for row in response.json()["results"]]


def test_file_trail_has_the_file_its_documents_and_versions_and_nothing_else(
    client, clerk, own_file, foreign_file, plan_item, bauamt
):
    document = document_create(efile=own_file, content=b"%PDF-1.4 eins")
    services.document_version_add(
        actor=None,
        document=document,
        stream=io.BytesIO(b"%PDF-1.4 zwei"),
        filename="zwei.pdf",
    )
    services.efile_update(actor=clerk, efile=own_file, title="Sporthalle Nord")
    neighbour = efile_create(org_unit=bauamt, plan_item=plan_item, title="Nachbarakte")
    document_create(efile=neighbour, content=b"%PDF-1.4 nachbar")
    document_create(efile=foreign_file, content=b"%PDF-1.4 fremd")

    client.force_login(clerk)
    response = client.get(f"/api/v1/efiles/{own_file.pk}/audit-events/")
    assert _actions(response) == [
        ("efile.update", "efile.efile"),
        ("documentversion.create", "efile.documentversion"),
        ("documentversion.create", "efile.documentversion"),
        ("document.create", "efile.document"),
        ("efile.create", "efile.efile"),
    ]
    latest = response.json()["results"][0]
    assert latest["actor"] == "clerk"
    assert latest["action_label"] == "Akte geändert"
    assert latest["changes"] == {"title": ["Sporthalle", "Sporthalle Nord"]}
    assert latest["object_id"] == str(own_file.pk)


def test_document_trail_has_the_document_and_its_versions_only(client, clerk, own_file):
    first = document_create(efile=own_file, content=b"%PDF-1.4 eins")
    document_create(efile=own_file, content=b"%PDF-1.4 andere")
    client.force_login(clerk)
    response = client.get(f"/api/v1/documents/{first.pk}/audit-events/")
    assert _actions(response) == [
        ("documentversion.create", "efile.documentversion"),
        ("document.create", "efile.document"),
    ]
    assert response.json()["results"][1]["object_id"] == str(first.pk)


def test_trail_is_paginated_and_filtered_by_action(client, clerk, own_file):
    for n in range(3):
        services.efile_update(actor=clerk, efile=own_file, title=f"Titel {n}")
    client.force_login(clerk)
    url = f"/api/v1/efiles/{own_file.pk}/audit-events/"
    assert client.get(url).json()["count"] == 4
    updates = client.get(url, {"action": "efile.update"}).json()
    assert updates["count"] == 3
    assert {row["action"] for row in updates["results"]} == {"efile.update"}


def test_registry_reads_the_trail_of_every_department(client, registry_user, foreign_file):
    client.force_login(registry_user)
    response = client.get(f"/api/v1/efiles/{foreign_file.pk}/audit-events/")
    assert _actions(response) == [("efile.create", "efile.efile")]


def test_other_departments_trail_is_a_404(client, clerk, foreign_file):
    client.force_login(clerk)
    response = client.get(f"/api/v1/efiles/{foreign_file.pk}/audit-events/")
    assert response.status_code == 404
    assert "Lärm" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.STATEMENT, Role.APPLICANT, Role.ADMINISTRATOR], ids=str)
def test_roles_without_file_access_get_no_trail(client, bauamt, own_file, role):
    client.force_login(UserFactory(username="ohne", role=role, org_units=[bauamt]))
    response = client.get(f"/api/v1/efiles/{own_file.pk}/audit-events/")
    assert response.status_code == 404


def test_anonymous_gets_401(client, own_file):
    response = client.get(f"/api/v1/efiles/{own_file.pk}/audit-events/")
    assert response.status_code == 401


@pytest.fixture
def party(db):
    party, _created = services.party_register(actor=None, name="Müller Bau GmbH")
    services.party_update(actor=None, party=party, city="Freiburg")
    return party


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.REGISTRY, 200),
        (Role.ACCOUNTING, 200),
        (Role.CLERK, 403),
        (Role.BUILDING, 403),
        (Role.APPROVER, 404),
        (Role.ADMINISTRATOR, 404),
    ],
    ids=str,
)
def test_party_trail_for_registry_and_accounting(client, party, role, status):
    client.force_login(UserFactory(username="wer", role=role))
    response = client.get(f"/api/v1/parties/{party.pk}/audit-events/")
    assert response.status_code == status
    if status == 200:
        assert _actions(response) == [
            ("party.update", "efile.party"),
            ("party.create", "efile.party"),
        ]
    else:
        assert "Freiburg" not in response.content.decode()
