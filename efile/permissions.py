"""Object access by department: the one place that decides who may do what with an e-file.

UI views, downloads, services and the API all ask here, so there is a single permission
logic. A user works on the e-files of the org units they belong to; the registry sees the
metadata of every file; a superuser may do everything.
"""

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import EFile, EFileStatus, IntakeItem, OrgUnit, Party


class Action(StrEnum):
    VIEW = "view"  # see the file, its metadata and its document list
    DOWNLOAD = "download"  # read document contents
    UPLOAD = "upload"  # add documents or versions
    CLOSE = "close"
    REOPEN = "reopen"
    RESUBMIT = "resubmit"  # set a Wiedervorlage


_MODEL_PERMISSION = {
    Action.VIEW: "efile.view_efile",
    Action.DOWNLOAD: "efile.view_document",
    Action.UPLOAD: "efile.add_document",
    Action.CLOSE: "efile.close_efile",
    Action.REOPEN: "efile.close_efile",
    Action.RESUBMIT: "efile.add_resubmission",
}
# Actions the registry may take on files of every department.
_REGISTRY_WIDE = {Action.VIEW, Action.CLOSE, Action.REOPEN}


def _member_org_unit_ids(user) -> set[int]:
    cached = getattr(user, "_aktenfluss_org_unit_ids", None)
    if cached is None:
        cached = (
            set(user.org_units.values_list("id", flat=True)) if user.is_authenticated else set()
        )
        user._aktenfluss_org_unit_ids = cached
    return cached


def member_org_unit_ids(user) -> set[int]:
    """Ids of the departments `user` belongs to (cached on the user object per request)."""
    return _member_org_unit_ids(user)


def is_member(user, org_unit: OrgUnit | int) -> bool:
    org_unit_id = org_unit if isinstance(org_unit, int) else org_unit.pk
    return org_unit_id in _member_org_unit_ids(user)


def efile_can(user, action: Action, efile: EFile) -> bool:
    if not user.is_active or not user.is_authenticated:
        return False
    if action in (Action.UPLOAD, Action.RESUBMIT) and efile.status != EFileStatus.OPEN:
        return False
    if action == Action.CLOSE and efile.status != EFileStatus.OPEN:
        return False
    if action == Action.REOPEN and efile.status != EFileStatus.CLOSED:
        return False
    if user.is_superuser:
        return True
    if not user.has_perm(_MODEL_PERMISSION[action]):
        return False
    if is_member(user, efile.org_unit_id):
        return True
    return action in _REGISTRY_WIDE and user.has_perm("efile.view_all_efiles")


def efile_require(user, action: Action, efile: EFile) -> None:
    if not efile_can(user, action, efile):
        raise PermissionDenied(_("Sie haben keine Berechtigung für diese Akte."))


def efile_audit_can(user, efile: EFile) -> bool:
    """Who may read the audit trail of an e-file with its documents and versions: whoever
    may read its contents, and the registry (audit permission) on every file it may see."""
    if efile_can(user, Action.DOWNLOAD, efile):
        return True
    return user.has_perm("efile.view_auditevent") and efile_can(user, Action.VIEW, efile)


def parties_visible(user) -> QuerySet[Party]:
    """Parties are shared by all departments (once-only); the role decides who sees them."""
    if not user.is_authenticated or not user.is_active:
        return Party.objects.none()
    if user.is_superuser or user.has_perm("efile.view_party"):
        return Party.objects.all()
    return Party.objects.none()


def party_audit_can(user) -> bool:
    """The history of a party (who changed an IBAN when) is for the registry and for those
    who maintain parties."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm("efile.view_party") and (
        user.has_perm("efile.view_auditevent") or user.has_perm("efile.change_party")
    )


def efiles_visible(user, queryset: QuerySet[EFile] | None = None) -> QuerySet[EFile]:
    """The e-files `user` may see in lists and open."""
    queryset = EFile.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser or user.has_perm("efile.view_all_efiles"):
        return queryset
    if not user.has_perm("efile.view_efile"):
        return queryset.none()
    return queryset.filter(org_unit_id__in=_member_org_unit_ids(user))


def org_units_for_new_efiles(user) -> QuerySet[OrgUnit]:
    """Departments in which `user` may open a new e-file."""
    if user.is_superuser:
        return OrgUnit.objects.all()
    if not user.has_perm("efile.add_efile"):
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(id__in=_member_org_unit_ids(user))


def resubmission_visible_q(user) -> Q:
    return Q(user=user) | Q(org_unit_id__in=_member_org_unit_ids(user))


def intake_items_visible(user) -> QuerySet[IntakeItem]:
    """Intake items of the inboxes `user` works on: their departments', if they may file."""
    if not user.is_authenticated or not user.is_active:
        return IntakeItem.objects.none()
    if user.is_superuser:
        return IntakeItem.objects.all()
    if not user.has_perm("efile.add_document"):
        return IntakeItem.objects.none()
    return IntakeItem.objects.filter(org_unit_id__in=_member_org_unit_ids(user))


def org_units_for_intake(user) -> QuerySet[OrgUnit]:
    """Departments into whose inbox `user` may deliver documents."""
    if user.is_superuser:
        return OrgUnit.objects.all()
    if not user.has_perm("efile.add_document"):
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(id__in=_member_org_unit_ids(user))
