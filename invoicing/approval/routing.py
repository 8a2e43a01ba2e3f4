"""Where an invoice goes and how many approvals it needs (the approval matrix)."""

from decimal import Decimal

from django.db.models import Q

from efile.models import OrgUnit

from ..models import ApprovalBand, ApproverLimit, InvoiceRoute, ReceivedInvoice, RouteKey


def ordering_unit_for(invoice: ReceivedInvoice) -> OrgUnit | None:
    """The department that ordered: by order reference (BT-13) first, the more specific key,
    then by Leitweg-ID / buyer reference (BT-10); None when the routing table knows neither."""
    for key, value in (
        (RouteKey.ORDER_REFERENCE, invoice.order_reference),
        (RouteKey.BUYER_REFERENCE, invoice.buyer_reference),
    ):
        if value:
            route = InvoiceRoute.objects.filter(key=key, value=value.strip()).first()
            if route is not None:
                return route.org_unit
    return None


def payable_amount(invoice: ReceivedInvoice) -> Decimal:
    """The amount approvals and limits are measured by: gross, else the amount due."""
    amount = invoice.gross_amount if invoice.gross_amount is not None else invoice.amount_due
    return abs(amount or Decimal(0))


def _band_for(org_unit: OrgUnit | None, amount: Decimal) -> ApprovalBand | None:
    in_band = Q(amount_from__lte=amount) & (Q(amount_to__isnull=True) | Q(amount_to__gt=amount))
    bands = ApprovalBand.objects.filter(in_band)
    if org_unit is not None:
        own = bands.filter(org_unit=org_unit).order_by("-amount_from").first()
        if own is not None:
            return own
    return bands.filter(org_unit__isnull=True).order_by("-amount_from").first()


def approvers_required_for(invoice: ReceivedInvoice) -> int:
    """Anordnungen the matrix asks for the invoice's amount (one when no band matches)."""
    band = _band_for(invoice.ordering_unit, payable_amount(invoice))
    return band.approvers if band is not None else 1


def approver_limit(user, invoice: ReceivedInvoice) -> Decimal | None:
    """The highest limit `user` holds for the invoice's departments, None without one."""
    units = [u for u in (invoice.ordering_unit_id, invoice.org_unit_id) if u]
    limits = ApproverLimit.objects.filter(user=user).filter(
        Q(org_unit__isnull=True) | Q(org_unit_id__in=units)
    )
    return max((row.limit for row in limits), default=None)
