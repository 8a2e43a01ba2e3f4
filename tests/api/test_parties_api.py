"""Parties over the API: search, register once-only, change with If-Match."""

import pytest

from efile import services
from efile.models import AuditEvent, Party
from efile.roles import Role
from tests.factories import UserFactory

LIST_URL = "/api/v1/parties/"
IBAN = "DE89370400440532013000"


@pytest.fixture
def accountant(db):
    return UserFactory(username="kreditoren", role=Role.ACCOUNTING)


@pytest.fixture
def mueller(db):
    party, _created = services.party_register(
        actor=None,
        kind="organisation",
        name="Müller Bau GmbH",
        postcode="79098",
        city="Freiburg",
        iban=IBAN,
        vat_id="DE123456789",
    )
    return party


@pytest.fixture
def meier(db):
    party, _created = services.party_register(
        actor=None, name="Erika Meier", postcode="6010", city="Kriens"
    )
    return party


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def _etag(client, party) -> str:
    response = client.get(f"{LIST_URL}{party.pk}/")
    assert response.status_code == 200
    return response["ETag"]


def test_list_is_by_name_and_searchable(client, clerk, mueller, meier):
    client.force_login(clerk)
    assert _ids(client.get(LIST_URL)) == [meier.pk, mueller.pk]
    assert _ids(client.get(LIST_URL, {"q": "müller"})) == [mueller.pk]
    assert _ids(client.get(LIST_URL, {"q": "de89 3704 0044 0532 0130 00"})) == [mueller.pk]
    assert _ids(client.get(LIST_URL, {"q": "de 123456789"})) == [mueller.pk]
    assert _ids(client.get(LIST_URL, {"q": "kriens"})) == [meier.pk]
    assert _ids(client.get(LIST_URL, {"kind": "organisation"})) == [mueller.pk]
    assert _ids(client.get(LIST_URL, {"postcode": "6010"})) == [meier.pk]
    assert _ids(client.get(LIST_URL, {"city": "FREIBURG"})) == [mueller.pk]


def test_invalid_filter_value_is_a_german_400(client, clerk, mueller):
    client.force_login(clerk)
    response = client.get(LIST_URL, {"kind": "roboter"})
    assert response.status_code == 400
    assert response.json()["field"] == "kind"
    assert "roboter" in response.json()["message"]


@pytest.mark.parametrize("role", [Role.STATEMENT, Role.APPLICANT, Role.ADMINISTRATOR], ids=str)
def test_roles_without_party_access_see_none(client, mueller, role):
    client.force_login(UserFactory(username="ohne", role=role))
    assert client.get(LIST_URL).json()["count"] == 0
    assert client.get(f"{LIST_URL}{mueller.pk}/").status_code == 404


def test_detail(client, registry_user, mueller):
    client.force_login(registry_user)
    body = client.get(f"{LIST_URL}{mueller.pk}/").json()
    assert (body["name"], body["iban"], body["vat_id"], body["kind"]) == (
        "Müller Bau GmbH",
        IBAN,
        "DE123456789",
        "organisation",
    )


def test_clerk_registers_a_party_normalised_and_audited(client, clerk):
    client.force_login(clerk)
    response = client.post(
        LIST_URL,
        {
            "kind": "organisation",
            "name": "  Schmidt   Elektro ",
            "postcode": "79 100",
            "country": "de",
            "iban": "de89 3704 0044 0532 0130 00",
            "vat_id": "de 987 654 321",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    party = Party.objects.get()
    body = response.json()
    assert body["id"] == party.pk
    assert (body["name"], body["postcode"], body["country"], body["iban"], body["vat_id"]) == (
        "Schmidt Elektro",
        "79100",
        "DE",
        IBAN,
        "DE987654321",
    )
    assert response["Location"] == f"{LIST_URL}{party.pk}/"
    assert response["ETag"] == _etag(client, party)
    assert AuditEvent.objects.filter(action="party.create", object_id=str(party.pk)).exists()


def test_registering_a_known_party_returns_it_once_only(client, clerk, mueller):
    client.force_login(clerk)
    response = client.post(
        LIST_URL, {"name": "Müller Bauunternehmen", "iban": IBAN}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["id"] == mueller.pk
    assert response.json()["name"] == "Müller Bau GmbH"
    assert Party.objects.count() == 1


def test_invalid_iban_is_refused_in_german(client, clerk):
    client.force_login(clerk)
    response = client.post(
        LIST_URL, {"name": "Falsch", "iban": "DE00123"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "iban_invalid",
        "message": "Die IBAN „DE00123“ ist ungültig (Prüfziffer oder Länge stimmt nicht).",
        "field": None,
    }
    assert not Party.objects.exists()


def test_registry_may_not_register_parties(client, registry_user):
    client.force_login(registry_user)
    response = client.post(LIST_URL, {"name": "Neu"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["message"] == "Sie dürfen keine Beteiligten erfassen."
    assert not Party.objects.exists()


def test_accounting_changes_the_iban_with_if_match(client, accountant, mueller):
    client.force_login(accountant)
    etag = _etag(client, mueller)
    response = client.patch(
        f"{LIST_URL}{mueller.pk}/",
        {"iban": "DE02 1203 0000 0000 2020 51"},
        content_type="application/json",
        headers={"if-match": etag},
    )
    assert response.status_code == 200
    assert response.json()["iban"] == "DE02120300000000202051"
    assert response.json()["name"] == "Müller Bau GmbH"
    assert response["ETag"] not in (etag, None)
    event = AuditEvent.objects.get(action="party.update")
    assert event.actor == accountant
    assert event.changes == {"iban": [IBAN, "DE02120300000000202051"]}


def test_put_replaces_every_field(client, accountant, mueller):
    client.force_login(accountant)
    response = client.put(
        f"{LIST_URL}{mueller.pk}/",
        {"name": "Müller Hochbau", "kind": "organisation"},
        content_type="application/json",
        headers={"if-match": _etag(client, mueller)},
    )
    assert response.status_code == 200
    mueller.refresh_from_db()
    assert (mueller.name, mueller.iban, mueller.vat_id, mueller.city) == (
        "Müller Hochbau",
        "",
        "",
        "",
    )


def test_party_change_with_stale_or_missing_etag(client, accountant, mueller):
    client.force_login(accountant)
    stale = _etag(client, mueller)
    services.party_update(actor=None, party=mueller, city="Freiburg im Breisgau")
    url = f"{LIST_URL}{mueller.pk}/"
    conflict = client.patch(
        url, {"city": "Basel"}, content_type="application/json", headers={"if-match": stale}
    )
    assert conflict.status_code == 412
    assert conflict.json()["code"] == "precondition_failed"
    missing = client.patch(url, {"city": "Basel"}, content_type="application/json")
    assert missing.status_code == 428
    mueller.refresh_from_db()
    assert mueller.city == "Freiburg im Breisgau"


def test_clerk_may_not_change_parties(client, clerk, mueller):
    client.force_login(clerk)
    response = client.patch(
        f"{LIST_URL}{mueller.pk}/",
        {"city": "Basel"},
        content_type="application/json",
        headers={"if-match": _etag(client, mueller)},
    )
    assert response.status_code == 403
    assert response.json()["message"] == "Sie dürfen Beteiligte nicht ändern."
    mueller.refresh_from_db()
    assert mueller.city == "Freiburg"


def test_change_that_duplicates_another_party_is_refused(client, accountant, mueller, meier):
    client.force_login(accountant)
    response = client.patch(
        f"{LIST_URL}{meier.pk}/",
        {"iban": IBAN},
        content_type="application/json",
        headers={"if-match": _etag(client, meier)},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "party_exists"
    meier.refresh_from_db()
    assert meier.iban == ""
