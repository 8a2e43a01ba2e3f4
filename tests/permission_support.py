"""The permission table and the world it is checked in, shared by the UI matrix
(`tests/efile/test_permission_matrix.py`) and the API matrix (`tests/api/`).

`GRANTS` is written out by hand from DESIGN.md; it does not ask `efile.permissions`, so a
change there that lets a role see or touch more than the table says fails both matrices.
"""

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from efile.models import AuditEvent, Document, DocumentVersion, EFile, EFileStatus, Resubmission
from efile.roles import Role
from tests.factories import OrgUnitFactory, UserFactory, document_create, efile_create

LIST = "list"
VIEW = "view"
DOWNLOAD = "download"
UPLOAD = "upload"
ADD_VERSION = "add_version"
EDIT = "edit"  # change the title
CLOSE = "close"
REOPEN = "reopen"
RESUBMIT = "resubmit"
AUDIT = "audit"  # read the audit trail of the file, its documents and versions
ALL = frozenset({LIST, VIEW, DOWNLOAD, UPLOAD, ADD_VERSION, EDIT, CLOSE, REOPEN, RESUBMIT, AUDIT})


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
        department=frozenset({LIST, VIEW, DOWNLOAD, UPLOAD, ADD_VERSION, EDIT, RESUBMIT, AUDIT})
    ),
    Role.APPROVER: Grants(department=frozenset({LIST, VIEW, DOWNLOAD, AUDIT})),
    # All files' metadata, and the audit trail is metadata; never their contents.
    Role.REGISTRY: Grants(everywhere=frozenset({LIST, VIEW, CLOSE, REOPEN, AUDIT})),
    Role.STATEMENT: Grants(),
    Role.APPLICANT: Grants(),
    Role.ADMINISTRATOR: Grants(),
    SUPERUSER: Grants(everywhere=ALL),
}
assert set(GRANTS) == set(Role) | {SUPERUSER}, "every role needs a row in GRANTS"


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


def department_create(code: str, plan_item) -> Department:
    unit = OrgUnitFactory(code=code, name=f"Amt {code}")
    open_file = efile_create(org_unit=unit, plan_item=plan_item, title=f"Offene Akte {code}")
    content = f"%PDF-1.4 Inhalt {code}".encode()
    document = document_create(efile=open_file, content=content, filename=f"{code}.pdf")
    closed_file = efile_create(org_unit=unit, plan_item=plan_item, title=f"Alte Akte {code}")
    closed_file.status = EFileStatus.CLOSED
    closed_file.closed_at = timezone.now()
    closed_file.save(update_fields=["status", "closed_at"])
    return Department(open_file, closed_file, document, document.versions.get(), content)


def world_create(plan_item) -> World:
    return World(
        own=department_create("eigen", plan_item), other=department_create("fremd", plan_item)
    )


def user_for(who: str, world: World):
    """A user of `who` (a role or SUPERUSER), member of the own department."""
    unit = world.own.open_file.org_unit
    if who == SUPERUSER:
        user = UserFactory(username="chefin", org_units=[unit])
        user.is_superuser = True
        user.save(update_fields=["is_superuser"])
        return user
    return UserFactory(username=f"u-{Role(who).name.lower()}", role=who, org_units=[unit])


def state() -> tuple:
    """Everything a refused request must leave untouched."""
    return (
        Document.objects.count(),
        DocumentVersion.objects.count(),
        Resubmission.objects.count(),
        tuple(EFile.objects.order_by("pk").values_list("status", "title")),
        AuditEvent.objects.count(),
    )


def refused_status(can_view: bool) -> int:
    """Files a user may not see do not exist for them (404); visible ones answer 403."""
    return 403 if can_view else 404


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")
