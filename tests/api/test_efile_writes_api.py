"""Opening e-files and changing their title over the API, with ETag and If-Match so that two
clerks do not overwrite each other."""

import pytest
from rest_framework.authtoken.models import Token

from efile import services
from efile.models import AuditEvent, EFile
from efile.roles import Role
from tests.factories import FilingPlanItemFactory, UserFactory, efile_create

LIST_URL = "/api/v1/efiles/"


def _url(efile) -> str:
    return f"{LIST_URL}{efile.pk}/"


@pytest.fixture
def own_file(bauamt, plan_item):
    return efile_create(org_unit=bauamt, plan_item=plan_item, title="Sporthalle")


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def _etag(client, efile) -> str:
    response = client.get(_url(efile))
    assert response.status_code == 200
    return response["ETag"]


# --- create ------------------------------------------------------------------------------


def test_clerk_opens_a_file_and_gets_its_aktenzeichen(clerk_client, clerk, bauamt, plan_item):
    response = clerk_client.post(
        LIST_URL,
        {"plan_code": "610.20", "org_unit": "bauamt", "title": " Neubau Kita "},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    efile = EFile.objects.get()
    assert body["reference"] == efile.reference
    assert body["reference"].startswith("610.20-")
    assert body["title"] == "Neubau Kita"
    assert efile.created_by == clerk
    assert response["Location"] == _url(efile)
    assert response["ETag"] == _etag(clerk_client, efile)
    assert AuditEvent.objects.filter(action="efile.create", object_id=str(efile.pk)).exists()


def test_token_client_opens_a_file(client, clerk, bauamt, plan_item):
    token = Token.objects.create(user=clerk)
    response = client.post(
        LIST_URL,
        {"plan_code": "610.20", "org_unit": "bauamt", "title": "Per Token"},
        content_type="application/json",
        headers={"authorization": f"Token {token.key}"},
    )
    assert response.status_code == 201


def test_opening_a_file_in_another_department_is_refused(clerk_client, umwelt, plan_item):
    response = clerk_client.post(
        LIST_URL,
        {"plan_code": "610.20", "org_unit": "umwelt", "title": "Fremd"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "message": "Sie dürfen in der Organisationseinheit „Umwelt“ keine Akten anlegen.",
        "field": None,
    }
    assert not EFile.objects.exists()


def test_registry_may_not_open_files(client, registry_user, bauamt, plan_item):
    client.force_login(registry_user)
    response = client.post(
        LIST_URL,
        {"plan_code": "610.20", "org_unit": "bauamt", "title": "Neu"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not EFile.objects.exists()


def test_unknown_plan_code_names_the_field(clerk_client, bauamt, plan_item):
    response = clerk_client.post(
        LIST_URL,
        {"plan_code": "999.99", "org_unit": "bauamt", "title": "Neu"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["field"] == "plan_code"
    assert response.json()["code"] == "does_not_exist"


def test_plan_position_without_files_is_refused_in_german(clerk_client, bauamt):
    FilingPlanItemFactory(code="600", title="Bauwesen", files_allowed=False)
    response = clerk_client.post(
        LIST_URL,
        {"plan_code": "600", "org_unit": "bauamt", "title": "Neu"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "plan_item_closed",
        "message": "Auf der Aktenplanposition 600 können keine Akten angelegt werden.",
        "field": None,
    }


# --- ETag and If-Match -------------------------------------------------------------------


def test_detail_has_a_strong_etag_that_changes_with_the_file(clerk_client, own_file):
    first = _etag(clerk_client, own_file)
    assert first.startswith('"') and first.endswith('"')
    assert _etag(clerk_client, own_file) == first
    own_file.title = "Anders"
    own_file.save(update_fields=["title"])
    assert _etag(clerk_client, own_file) != first


@pytest.mark.parametrize("method", ["patch", "put"])
def test_title_changes_with_the_etag_that_was_read(clerk_client, own_file, method):
    etag = _etag(clerk_client, own_file)
    response = getattr(clerk_client, method)(
        _url(own_file),
        {"title": "Sporthalle, 2. Bauabschnitt"},
        content_type="application/json",
        headers={"if-match": etag},
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Sporthalle, 2. Bauabschnitt"
    own_file.refresh_from_db()
    assert own_file.title == "Sporthalle, 2. Bauabschnitt"
    assert response["ETag"] != etag
    assert response["ETag"] == _etag(clerk_client, own_file)
    event = AuditEvent.objects.filter(action="efile.update").get()
    assert event.changes == {"title": ["Sporthalle", "Sporthalle, 2. Bauabschnitt"]}


def test_second_clerk_with_a_stale_etag_gets_412_and_overwrites_nothing(
    client, clerk, bauamt, own_file
):
    colleague = UserFactory(username="kollegin", role=Role.CLERK, org_units=[bauamt])
    client.force_login(clerk)
    etag_first = _etag(client, own_file)
    client.force_login(colleague)
    etag_second = _etag(client, own_file)
    assert etag_first == etag_second

    client.force_login(clerk)
    first = client.patch(
        _url(own_file),
        {"title": "Fassung der Sachbearbeiterin"},
        content_type="application/json",
        headers={"if-match": etag_first},
    )
    assert first.status_code == 200

    client.force_login(colleague)
    second = client.patch(
        _url(own_file),
        {"title": "Fassung der Kollegin"},
        content_type="application/json",
        headers={"if-match": etag_second},
    )
    assert second.status_code == 412
    assert second.json() == {
        "code": "precondition_failed",
        "message": "Der Eintrag wurde inzwischen geändert. Bitte laden Sie ihn neu und "
        "wiederholen Sie Ihre Änderung.",
        "field": None,
    }
    own_file.refresh_from_db()
    assert own_file.title == "Fassung der Sachbearbeiterin"
    assert AuditEvent.objects.filter(action="efile.update").count() == 1


@pytest.mark.parametrize("header", [None, "", "*"], ids=["absent", "empty", "star"])
def test_update_without_an_etag_is_428(clerk_client, own_file, header):
    headers = {} if header is None else {"if-match": header}
    response = clerk_client.patch(
        _url(own_file), {"title": "Ohne ETag"}, content_type="application/json", headers=headers
    )
    assert response.status_code == 428
    assert response.json() == {
        "code": "precondition_required",
        "message": "Bitte senden Sie im Kopf „If-Match“ den ETag der Fassung mit, die Sie "
        "geändert haben.",
        "field": None,
    }
    own_file.refresh_from_db()
    assert own_file.title == "Sporthalle"


def test_a_weak_etag_does_not_match(clerk_client, own_file):
    etag = _etag(clerk_client, own_file)
    response = clerk_client.patch(
        _url(own_file),
        {"title": "Schwach"},
        content_type="application/json",
        headers={"if-match": f"W/{etag}"},
    )
    assert response.status_code == 412


def test_one_of_several_etags_may_match(clerk_client, own_file):
    etag = _etag(clerk_client, own_file)
    response = clerk_client.patch(
        _url(own_file),
        {"title": "Mehrere"},
        content_type="application/json",
        headers={"if-match": f'"veraltet", {etag}'},
    )
    assert response.status_code == 200


def test_closing_the_file_changes_its_etag(clerk_client, clerk, own_file):
    etag = _etag(clerk_client, own_file)
    services.efile_close(actor=clerk, efile=own_file)
    response = clerk_client.patch(
        _url(own_file),
        {"title": "Zu spät"},
        content_type="application/json",
        headers={"if-match": etag},
    )
    # A closed file may not be changed at all: the permission answers before the ETag.
    assert response.status_code == 403
    assert _etag(clerk_client, own_file) != etag


def test_blank_title_is_refused_in_german(clerk_client, own_file):
    response = clerk_client.patch(
        _url(own_file),
        {"title": ""},
        content_type="application/json",
        headers={"if-match": _etag(clerk_client, own_file)},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "title"
    assert body["code"] == "blank"
    assert body["message"] == "Dieses Feld darf nicht leer sein."


def test_registry_sees_the_etag_but_may_not_change_the_title(client, registry_user, own_file):
    client.force_login(registry_user)
    etag = _etag(client, own_file)
    response = client.patch(
        _url(own_file),
        {"title": "Registratur"},
        content_type="application/json",
        headers={"if-match": etag},
    )
    assert response.status_code == 403
    assert response.json()["message"] == "Sie dürfen diese Akte nicht ändern."
    own_file.refresh_from_db()
    assert own_file.title == "Sporthalle"


def test_foreign_file_cannot_be_changed_and_stays_invisible(clerk_client, umwelt, plan_item):
    foreign = efile_create(org_unit=umwelt, plan_item=plan_item, title="Lärm")
    response = clerk_client.patch(
        _url(foreign),
        {"title": "Übernommen"},
        content_type="application/json",
        headers={"if-match": '"egal"'},
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.title == "Lärm"
