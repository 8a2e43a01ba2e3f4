"""Who may do what with an e-file, generated over every role, both departments and every action.

The expected outcome comes from `GRANTS` below, written out by hand from DESIGN.md; it does
not ask `efile.permissions`, so a change there that lets a role see or touch more than the
table says fails here. Each cell goes through HTTP (UI pages, downloads and the API) and
then checks the database: a refused write leaves no trace, not even an audit event.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from efile.models import AuditEvent, Document, DocumentVersion, EFile, EFileStatus, Resubmission
from efile.roles import Role
from tests.factories import OrgUnitFactory, UserFactory, document_create, efile_create

LIST = "list"
VIEW = "view"
DOWNLOAD = "download"
UPLOAD = "upload"
ADD_VERSION = "add_version"
CLOSE = "close"
REOPEN = "reopen"
RESUBMIT = "resubmit"
ALL = frozenset({LIST, VIEW, DOWNLOAD, UPLOAD, ADD_VERSION, CLOSE, REOPEN, RESUBMIT})


@dataclass(frozen=True)
class Grants:
    department: frozenset[str] = frozenset()  # on files of the user's own department
    everywhere: frozenset[str] = frozenset()  # on files of every department

    def allows(self, action: str, scope: str) -> bool:
        return action in self.everywhere or (scope == "own" and action in self.department)


SUPERUSER = "superuser"
GRANTS: dict[str, Grants] = {
    Role.CLERK: Grants(department=ALL),
    Role.BUILDING: Grants(department=ALL),
    Role.ACCOUNTING: Grants(
        department=frozenset({LIST, VIEW, DOWNLOAD, UPLOAD, ADD_VERSION, RESUBMIT})
    ),
    Role.APPROVER: Grants(department=frozenset({LIST, VIEW, DOWNLOAD})),
    Role.REGISTRY: Grants(everywhere=frozenset({LIST, VIEW, CLOSE, REOPEN})),
    Role.STATEMENT: Grants(),
    Role.APPLICANT: Grants(),
    Role.ADMINISTRATOR: Grants(),
    SUPERUSER: Grants(everywhere=ALL),
}
assert set(GRANTS) == set(Role) | {SUPERUSER}, "every role needs a row in GRANTS"

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
    (CLOSE, "ui"),
    (REOPEN, "ui"),
    (RESUBMIT, "ui"),
]


@dataclass
class Department:
    open_file: EFile
    closed_file: EFile
    document: Document
    version: DocumentVersion
    content: bytes


@dataclass
class World:
    own: Department
    other: Department


def _department(code: str, plan_item) -> Department:
    unit = OrgUnitFactory(code=code, name=f"Amt {code}")
    open_file = efile_create(org_unit=unit, plan_item=plan_item, title=f"Offene Akte {code}")
    content = f"%PDF-1.4 Inhalt {code}".encode()
    document = document_create(efile=open_file, content=content, filename=f"{code}.pdf")
    closed_file = efile_create(org_unit=unit, plan_item=plan_item, title=f"Alte Akte {code}")
    closed_file.status = EFileStatus.CLOSED
    closed_file.closed_at = timezone.now()
    closed_file.save(update_fields=["status", "closed_at"])
    return Department(open_file, closed_file, document, document.versions.get(), content)


@pytest.fixture
def world(db, plan_item) -> World:
    return World(own=_department("eigen", plan_item), other=_department("fremd", plan_item))


def _user_for(who: str, world: World):
    unit = world.own.open_file.org_unit
    if who == SUPERUSER:
        user = UserFactory(username="chefin", org_units=[unit])
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
        return user
    return UserFactory(username=f"u-{Role(who).name.lower()}", role=who, org_units=[unit])


def _state() -> tuple:
    """Everything a refused request must leave untouched."""
    return (
        Document.objects.count(),
        DocumentVersion.objects.count(),
        Resubmission.objects.count(),
        tuple(EFile.objects.order_by("pk").values_list("status", flat=True)),
        AuditEvent.objects.count(),
    )


def _refused_status(can_view: bool) -> int:
    """Files a user may not see do not exist for them (404); visible ones answer 403."""
    return 403 if can_view else 404


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def check(client, dept: Department, action: str, channel: str, grants: Grants, scope: str):
    allowed = grants.allows(action, scope)
    can_view = grants.allows(VIEW, scope)
    efile = dept.open_file
    detail_url = reverse("efile:efiles:detail", args=[efile.pk])
    before = _state()

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
        assert response.status_code == (200 if allowed else _refused_status(can_view))
        if allowed:
            assert b"".join(response.streaming_content) == dept.content
        else:
            assert dept.content not in response.content
    elif action == UPLOAD:
        response = client.post(
            reverse("efile:efiles:upload", args=[efile.pk]),
            {
                "file": _upload("neu.pdf", b"%PDF-1.4 neues Dokument"),
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
            {"file": _upload("v2.pdf", b"%PDF-1.4 zweite Fassung")},
        )
        if allowed:
            assert response.status_code == 302
            assert list(dept.document.versions.values_list("number", flat=True)) == [1, 2]
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

    if action in (UPLOAD, ADD_VERSION, CLOSE, REOPEN, RESUBMIT):
        if allowed:
            assert AuditEvent.objects.count() > before[-1]
        else:
            assert response.status_code == _refused_status(can_view)
            assert _state() == before


@pytest.mark.parametrize(("action", "channel"), CELLS, ids=[f"{a}-{c}" for a, c in CELLS])
@pytest.mark.parametrize("scope", ["own", "other"])
@pytest.mark.parametrize("who", list(GRANTS), ids=str)
def test_permission_matrix(client, world, who, scope, action, channel):
    client.force_login(_user_for(who, world))
    check(client, getattr(world, scope), action, channel, GRANTS[who], scope)


def test_list_page_is_forbidden_exactly_for_roles_without_any_file_access(client, world):
    """The e-file list page itself: 403 for roles that may list nothing at all."""
    for who, grants in GRANTS.items():
        client.force_login(_user_for(who, world))
        response = client.get(reverse("efile:efiles:index"))
        assert response.status_code == (200 if grants.allows(LIST, "own") else 403), who


@pytest.mark.parametrize(("action", "channel"), CELLS, ids=[f"{a}-{c}" for a, c in CELLS])
def test_anonymous_is_sent_to_login_or_refused_by_the_api(client, world, action, channel):
    dept = world.own
    before = _state()
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
        (CLOSE, "ui"): ("post", reverse("efile:efiles:close", args=[dept.open_file.pk])),
        (REOPEN, "ui"): ("post", reverse("efile:efiles:reopen", args=[dept.closed_file.pk])),
        (RESUBMIT, "ui"): ("post", reverse("efile:efiles:resubmit", args=[dept.open_file.pk])),
    }
    method, url = urls[(action, channel)]
    data = {"file": _upload("x.pdf", b"%PDF-1.4 anonym")} if method == "post" else None
    response = getattr(client, method)(url, data)
    if channel == "api":
        assert response.status_code in (401, 403)
        assert set(response.json()) == {"code", "message", "field"}
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(f"{reverse('login')}?next=")
    assert dept.content not in response.content
    assert _state() == before


def test_inactive_user_is_treated_like_an_anonymous_one(client, world):
    user = _user_for(Role.CLERK, world)
    user.is_active = False
    user.save(update_fields=["is_active"])
    client.force_login(user)
    response = client.get(reverse("efile:efiles:detail", args=[world.own.open_file.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_registry_sees_metadata_of_every_department_but_no_contents(client, world):
    client.force_login(_user_for(Role.REGISTRY, world))
    response = client.get(reverse("efile:efiles:detail", args=[world.other.open_file.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.other.document.title in page
    assert reverse("efile:efiles:download", args=[world.other.version.pk]) not in page
    assert 'id="upload-form"' not in page


def test_matrix_covers_every_action():
    assert {action for action, _channel in CELLS} == ALL
