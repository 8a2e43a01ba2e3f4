"""Duplicate invoices: same seller and invoice number, or same seller, amount and date.
Flagged at receipt; the exports take at most one invoice of such a group, ever."""

from django.db.models import Q

from ..models import ReceivedInvoice


def _seller_q(invoice: ReceivedInvoice) -> Q | None:
    if invoice.seller_vat_id:
        return Q(seller_vat_id=invoice.seller_vat_id)
    if invoice.seller_name:
        return Q(seller_name=invoice.seller_name)
    return None


def duplicates_of(invoice: ReceivedInvoice):
    """Other invoices that are probably the same claim."""
    seller = _seller_q(invoice)
    if seller is None:
        return ReceivedInvoice.objects.none()
    same = Q()
    if invoice.number:
        same |= Q(number=invoice.number)
    if invoice.amount_due is not None and invoice.issue_date is not None:
        same |= Q(amount_due=invoice.amount_due, issue_date=invoice.issue_date)
    if not same:
        return ReceivedInvoice.objects.none()
    return ReceivedInvoice.objects.filter(seller & same).exclude(pk=invoice.pk)
