"""Duplicate invoices: same seller and invoice number, or same seller, amount and date.
Flagged at receipt; the exports take at most one invoice of such a group, ever.

Each invoice has up to two *claim keys* (seller + number, seller + amount + date); two
invoices are duplicates when they share one. The exports compare keys in memory against the
keys already exported, read in one query, instead of one query per invoice.
"""

from django.db.models import Q

from ..models import ReceivedInvoice

_FIELDS = ("pk", "seller_vat_id", "seller_name", "number", "amount_due", "issue_date")


def _seller(invoice: ReceivedInvoice) -> tuple[str, str] | None:
    if invoice.seller_vat_id:
        return ("vat", invoice.seller_vat_id)
    if invoice.seller_name:
        return ("name", invoice.seller_name)
    return None


def claim_keys(invoice: ReceivedInvoice) -> set[tuple]:
    seller = _seller(invoice)
    if seller is None:
        return set()
    keys = set()
    if invoice.number:
        keys.add((seller, "number", invoice.number))
    if invoice.amount_due is not None and invoice.issue_date is not None:
        keys.add((seller, "amount", invoice.amount_due, invoice.issue_date))
    return keys


def _seller_q(invoice: ReceivedInvoice) -> Q | None:
    seller = _seller(invoice)
    if seller is None:
        return None
    kind, value = seller
    return Q(seller_vat_id=value) if kind == "vat" else Q(seller_vat_id="", seller_name=value)


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


def keys_already_in(field: str, invoices) -> set[tuple]:
    """Claim keys of the invoices of the same sellers already in a booking batch
    (`field="booking_batch"`) or a payment run (`field="payment_run"`), in one query."""
    vat_ids = {i.seller_vat_id for i in invoices if i.seller_vat_id}
    names = {i.seller_name for i in invoices if not i.seller_vat_id and i.seller_name}
    if not vat_ids and not names:
        return set()
    exported = ReceivedInvoice.objects.filter(**{f"{field}__isnull": False}).filter(
        Q(seller_vat_id__in=vat_ids) | Q(seller_vat_id="", seller_name__in=names)
    )
    return {key for invoice in exported.only(*_FIELDS) for key in claim_keys(invoice)}


def one_per_claim(invoices, field: str):
    """Split `invoices` (in order) into those to export — the first of each claim not yet in
    `field` — and the duplicates left out."""
    taken = keys_already_in(field, invoices)
    chosen, left_out = [], []
    for invoice in invoices:
        keys = claim_keys(invoice)
        if keys & taken:
            left_out.append(invoice)
            continue
        chosen.append(invoice)
        taken |= keys
    return chosen, left_out
