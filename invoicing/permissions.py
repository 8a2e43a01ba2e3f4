"""Who sees which received invoices: members of the receiving department or of the ordering
department whose role holds the invoice permissions (Kreditorenbuchhaltung, Anordnungsbefugte,
Sachbearbeitung for the factual check). One module, used by the
pages, the downloads, the services and the API."""

from django.db.models import Q, QuerySet

from efile.models import OrgUnit
from efile.permissions import member_org_unit_ids

from .models import ReceivedInvoice


def invoices_visible(user) -> QuerySet[ReceivedInvoice]:
    if not user.is_authenticated or not user.is_active:
        return ReceivedInvoice.objects.none()
    if user.is_superuser:
        return ReceivedInvoice.objects.all()
    if not user.has_perm("invoicing.view_receivedinvoice"):
        return ReceivedInvoice.objects.none()
    units = member_org_unit_ids(user)
    # The receiving department, and the department that ordered (for its factual check).
    return ReceivedInvoice.objects.filter(Q(org_unit_id__in=units) | Q(ordering_unit_id__in=units))


def org_units_for_invoices(user) -> QuerySet[OrgUnit]:
    """Departments for which `user` may take invoices in."""
    if not user.is_authenticated or not user.is_active:
        return OrgUnit.objects.none()
    if user.is_superuser:
        return OrgUnit.objects.all()
    if not user.has_perm("invoicing.add_receivedinvoice"):
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(id__in=member_org_unit_ids(user))
