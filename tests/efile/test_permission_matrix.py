"""Who may do what with an e-file, generated over every role, both departments and every action.

The expected outcome comes from `GRANTS` (`tests/permission_support.py`, shared with the API
matrix), written out by hand from DESIGN.md; it does not ask `efile.permissions`, so a change
there that lets a role see or touch more than the table says fails here. Each cell goes
through HTTP (UI pages, downloads and the API) and then checks the database: a refused write
leaves no trace, not even an audit event.
"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from efile.models import AuditEvent, EFileStatus
from efile.roles import Role
from tests.permission_support import (
    ADD_VERSION,
    ALL,
    AUDIT,
    CLOSE,
    DOWNLOAD,
    EDIT,
    GRANTS,
    LIST,
    REOPEN,
    RESUBMIT,
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

# (action, channel): the matrix's columns.
CELLS = [
    (LIST, "ui"),
    (LIST, "api"),
    (VIEW, "ui"),
    (VIEW, "api"),
    (DOWNLOAD, "ui"),
    (DOWNLOAD, "api"),
    (UPLOAD, "ui"),
    (ADD_VERSION, "ui"),
    (EDIT, "ui"),
    (CLOSE, "ui"),
    (REOPEN, "ui"),
    (RESUBMIT, "ui"),
    (AUDIT, "ui"),
]


@pytest.fixture
def world(db, plan_item) -> World:
    return world_create(plan_item)


def check(client, dept: Department, action: str, channel: str, grants: Grants, scope: str):
    allowed = grants.allows(action, scope)
    can_view = grants.allows(VIEW, scope)
    efile = dept.open_file
    detail_url = reverse("efile:efiles:detail", args=[efile.pk])
    before = state()

    if action == LIST and channel == "ui":
        response = client.get(reverse("efile:efiles:index"))
        # The page opens for everyone who may list files somewhere; absent rows, not a 403.
        page_open = grants.allows(LIST, "own")
        assert response.status_code == (200 if page_open else 403)
        assert (efile.reference in response.content.decode()) is allowed
    elif action == LIST:
        response = client.get("/api/v1/efiles/")
        assert response.status_code == 200
        references = {row["reference"] for row in response.json()["results"]}
        assert (efile.reference in references) is allowed
    elif action == VIEW and channel == "ui":
        response = client.get(detail_url)
        assert response.status_code == (200 if allowed else 404)
        if allowed:
            assert efile.title in response.content.decode()
    elif action == VIEW:
        response = client.get(f"/api/v1/efiles/{efile.pk}/")
        assert response.status_code == (200 if allowed else 404)
        if allowed:
            assert response.json()["reference"] == efile.reference
    elif action == DOWNLOAD:
        url = (
            reverse("efile:efiles:download", args=[dept.version.pk])
            if channel == "ui"
            else f"/api/v1/versions/{dept.version.pk}/download/"
        )
        response = client.get(url)
        assert response.status_code == (200 if allowed else refused_status(can_view))
        if allowed:
            assert b"".join(response.streaming_content) == dept.content
        else:
            assert dept.content not in response.content
    elif action == UPLOAD:
        response = client.post(
            reverse("efile:efiles:upload", args=[efile.pk]),
            {
                "file": upload("neu.pdf", b"%PDF-1.4 neues Dokument"),
                "title": "Neues Dokument",
                "kind": "letter",
                "received_on": timezone.localdate().isoformat(),
            },
        )
        if allowed:
            assert response.status_code == 302
            assert response["Location"] == detail_url
            assert efile.documents.filter(title="Neues Dokument").exists()
    elif action == ADD_VERSION:
        response = client.post(
            reverse("efile:efiles:version_upload", args=[dept.document.pk]),
            {"file": upload("v2.pdf", b"%PDF-1.4 zweite Fassung")},
        )
        if allowed:
            assert response.status_code == 302
            assert list(dept.document.versions.values_list("number", flat=True)) == [1, 2]
    elif action == EDIT:
        response = client.post(
            reverse("efile:efiles:update", args=[efile.pk]), {"title": "Neuer Betreff"}
        )
        efile.refresh_from_db()
        if allowed:
            assert response.status_code == 302
            assert efile.title == "Neuer Betreff"
    elif action == AUDIT:
        response = client.get(detail_url)
        assert response.status_code == (200 if can_view else 404)
        page = response.content.decode()
        assert ("Akte angelegt" in page) is allowed
    elif action in (CLOSE, REOPEN):
        target = efile if action == CLOSE else dept.closed_file
        response = client.post(reverse(f"efile:efiles:{action}", args=[target.pk]))
        target.refresh_from_db()
        if allowed:
            assert response.status_code == 302
            expected = EFileStatus.CLOSED if action == CLOSE else EFileStatus.OPEN
            assert target.status == expected
    elif action == RESUBMIT:
        response = client.post(
            reverse("efile:efiles:resubmit", args=[efile.pk]),
            {"due_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(), "note": "Frist"},
        )
        if allowed:
            assert response.status_code == 302
            assert efile.resubmissions.filter(note="Frist").exists()
    else:  # pragma: no cover
        raise AssertionError(f"no check for {action}/{channel}")

    if action in (UPLOAD, ADD_VERSION, EDIT, CLOSE, REOPEN, RESUBMIT):
        if allowed:
            assert AuditEvent.objects.count() > before[-1]
        else:
            assert response.status_code == refused_status(can_view)
            assert state() == before


@pytest.mark.parametrize(("action", "channel"), CELLS, ids=[f"{a}-{c}" for a, c in CELLS])
@pytest.mark.parametrize("scope", ["own", "other"])
@pytest.mark.parametrize("who", list(GRANTS), ids=str)
def test_permission_matrix(client, world, who, scope, action, channel):
    client.force_login(user_for(who, world))
    check(client, getattr(world, scope), action, channel, GRANTS[who], scope)


def test_list_page_is_forbidden_exactly_for_roles_without_any_file_access(client, world):
    """The e-file list page itself: 403 for roles that may list nothing at all."""
    for who, grants in GRANTS.items():
        client.force_login(user_for(who, world))
        response = client.get(reverse("efile:efiles:index"))
        assert response.status_code == (200 if grants.allows(LIST, "own") else 403), who


@pytest.mark.parametrize(("action", "channel"), CELLS, ids=[f"{a}-{c}" for a, c in CELLS])
def test_anonymous_is_sent_to_login_or_refused_by_the_api(client, world, action, channel):
    dept = world.own
    before = state()
    urls = {
        (LIST, "ui"): ("get", reverse("efile:efiles:index")),
        (LIST, "api"): ("get", "/api/v1/efiles/"),
        (VIEW, "ui"): ("get", reverse("efile:efiles:detail", args=[dept.open_file.pk])),
        (VIEW, "api"): ("get", f"/api/v1/efiles/{dept.open_file.pk}/"),
        (DOWNLOAD, "ui"): ("get", reverse("efile:efiles:download", args=[dept.version.pk])),
        (DOWNLOAD, "api"): ("get", f"/api/v1/versions/{dept.version.pk}/download/"),
        (UPLOAD, "ui"): ("post", reverse("efile:efiles:upload", args=[dept.open_file.pk])),
        (ADD_VERSION, "ui"): (
            "post",
            reverse("efile:efiles:version_upload", args=[dept.document.pk]),
        ),
        (EDIT, "ui"): ("post", reverse("efile:efiles:update", args=[dept.open_file.pk])),
        (AUDIT, "ui"): ("get", reverse("efile:efiles:detail", args=[dept.open_file.pk])),
        (CLOSE, "ui"): ("post", reverse("efile:efiles:close", args=[dept.open_file.pk])),
        (REOPEN, "ui"): ("post", reverse("efile:efiles:reopen", args=[dept.closed_file.pk])),
        (RESUBMIT, "ui"): ("post", reverse("efile:efiles:resubmit", args=[dept.open_file.pk])),
    }
    method, url = urls[(action, channel)]
    data = {"file": upload("x.pdf", b"%PDF-1.4 anonym")} if method == "post" else None
    response = getattr(client, method)(url, data)
    if channel == "api":
        assert response.status_code in (401, 403)
        assert set(response.json()) == {"code", "message", "field"}
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    assert dept.content not in response.content
    assert state() == before


def test_inactive_user_is_treated_like_an_anonymous_one(client, world):
    user = user_for(Role.CLERK, world)
    user.is_active = False
    user.save(update_fields=["is_active"])
    client.force_login(user)
    response = client.get(reverse("efile:efiles:detail", args=[world.own.open_file.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_registry_sees_metadata_of_every_department_but_no_contents(client, world):
    client.force_login(user_for(Role.REGISTRY, world))
    response = client.get(reverse("efile:efiles:detail", args=[world.other.open_file.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.other.document.title in page
    assert reverse("efile:efiles:download", args=[world.other.version.pk]) not in page
    assert 'id="upload-form"' not in page


def test_matrix_covers_every_action():
    assert {action for action, _channel in CELLS} == ALL
