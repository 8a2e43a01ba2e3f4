"""Who may see and work on which building application — the one place that decides it.

- The building department (Bauamt role) works on the applications of its own departments.
- A Fachstelle sees an application only once it has been asked for a statement, and only
  through the departments it was asked in.
- An applicant sees the applications submitted from their own account; any other
  application does not exist for them (404, not 403).
Pages, API endpoints, flow tasks and services all ask here.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from efile.permissions import is_member, member_org_unit_ids

from ..models import BuildingApplication, StatementRequest


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def applications_for_department(user) -> QuerySet[BuildingApplication]:
    """Applications the building department member `user` works on."""
    queryset = BuildingApplication.objects.select_related("efile", "org_unit", "applicant")
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    if not user.has_perm("workflows.view_buildingapplication"):
        return queryset.none()
    return queryset.filter(org_unit_id__in=member_org_unit_ids(user))


def applications_for_applicant(user) -> QuerySet[BuildingApplication]:
    """Applications submitted from the account `user` (applicant or service portal)."""
    queryset = BuildingApplication.objects.select_related("efile", "org_unit", "applicant")
    if not _active(user):
        return queryset.none()
    return queryset.filter(submitted_by=user)


def statement_requests_for(user) -> QuerySet[StatementRequest]:
    """Statement requests addressed to the Fachstellen `user` belongs to."""
    queryset = StatementRequest.objects.select_related(
        "application__efile", "application__org_unit", "org_unit"
    )
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    if not user.has_perm("workflows.give_statement"):
        return queryset.none()
    return queryset.filter(org_unit_id__in=member_org_unit_ids(user))


def applications_visible(user) -> QuerySet[BuildingApplication]:
    """Every application `user` may open in the back office: their building department's,
    and those a Fachstelle of theirs was asked about."""
    queryset = BuildingApplication.objects.select_related("efile", "org_unit", "applicant")
    if not _active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    units = member_org_unit_ids(user)
    condition = Q(pk__in=[])
    if user.has_perm("workflows.view_buildingapplication"):
        condition |= Q(org_unit_id__in=units)
    if user.has_perm("workflows.give_statement"):
        asked = StatementRequest.objects.filter(org_unit_id__in=units).values("application_id")
        condition |= Q(pk__in=asked)
    return queryset.filter(condition)


def is_department_member(user, application: BuildingApplication) -> bool:
    """May see the application as its building department (not only as a Fachstelle)."""
    return applications_for_department(user).filter(pk=application.pk).exists()


def may_work_on(user, application: BuildingApplication) -> bool:
    """Clerk work on the application: member of its building department with the role."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return user.has_perm("workflows.change_buildingapplication") and is_member(
        user, application.org_unit_id
    )


def may_give_statement(user, request: StatementRequest) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return user.has_perm("workflows.give_statement") and is_member(user, request.org_unit_id)


def may_sign_off(user, application: BuildingApplication) -> bool:
    """Four eyes: a member allowed to sign who did not draft the decision."""
    if not may_work_on(user, application):
        return False
    if application.drafted_by_id is not None and application.drafted_by_id == user.pk:
        return False
    return user.is_superuser or user.has_perm("workflows.sign_off_buildingapplication")


def sign_off_refusal(user, application: BuildingApplication) -> str:
    """Why `user` may not sign the application's draft, or "" if they may."""
    if application.drafted_by_id is not None and application.drafted_by_id == user.pk:
        return _(
            "Vier-Augen-Prinzip: Sie haben den Entwurf verfasst und dürfen ihn nicht zeichnen."
        )
    if not may_sign_off(user, application):
        return _("Sie dürfen Baubescheide nicht zeichnen.")
    return ""


def require_work_on(user, application: BuildingApplication) -> None:
    if not may_work_on(user, application):
        raise PermissionDenied(_("Sie dürfen diesen Bauantrag nicht bearbeiten."))
