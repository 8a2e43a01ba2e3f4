"""Booking export: one CSV batch per run for the finance system, with the columns the
operator configures (`AKTENFLUSS_BOOKING_COLUMNS`). An invoice is in at most one batch; of a
group of duplicates only one is ever exported."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from efile.audit import audit_record
from efile.blobs import blob_store

from ..models import ApprovalStatus, BookingBatch, ReceivedInvoice
from .duplicates import one_per_claim


def _money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def _date(value) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[ReceivedInvoice], str]


COLUMNS: dict[str, Column] = {
    "belegdatum": Column("Belegdatum", lambda i: _date(i.issue_date)),
    "belegnummer": Column("Belegnummer", lambda i: i.number),
    "kreditor": Column("Kreditor", lambda i: i.seller_name),
    "iban": Column("IBAN", lambda i: i.seller_iban),
    "sachkonto": Column("Sachkonto", lambda i: i.account),
    "kostenstelle": Column("Kostenstelle", lambda i: i.cost_centre),
    "netto": Column("Netto", lambda i: _money(i.net_amount)),
    "steuer": Column("Steuer", lambda i: _money(i.tax_amount)),
    "brutto": Column("Brutto", lambda i: _money(i.gross_amount)),
    "steuerschluessel": Column("Steuerschlüssel", lambda i: i.tax_key),
    "faelligkeit": Column("Fälligkeit", lambda i: _date(i.due_date)),
    "waehrung": Column("Währung", lambda i: i.currency),
    "leitweg_id": Column("Leitweg-ID", lambda i: i.buyer_reference),
}


def configured_columns() -> list[Column]:
    unknown = [key for key in settings.AKTENFLUSS_BOOKING_COLUMNS if key not in COLUMNS]
    if unknown:
        raise ImproperlyConfigured(f"Unknown booking export columns: {', '.join(unknown)}")
    return [COLUMNS[key] for key in settings.AKTENFLUSS_BOOKING_COLUMNS]


def bookable(org_unit_ids) -> list[ReceivedInvoice]:
    """Approved (or paid) invoices of the given receiving departments not yet booked, one
    per group of duplicates."""
    candidates = ReceivedInvoice.objects.filter(
        org_unit_id__in=org_unit_ids,
        status__in=[ApprovalStatus.APPROVED, ApprovalStatus.PAID],
        booking_batch__isnull=True,
    ).order_by("received_at", "pk")
    chosen, _duplicates = one_per_claim(list(candidates), "booking_batch")
    return chosen


def booking_csv(invoices: list[ReceivedInvoice]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    columns = configured_columns()
    writer.writerow([column.header for column in columns])
    for invoice in invoices:
        writer.writerow([column.value(invoice) or "" for column in columns])
    # UTF-8 with BOM: spreadsheet programs and finance imports read the umlauts right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@transaction.atomic
def booking_batch_create(*, actor, org_unit_ids) -> BookingBatch | None:
    """Export every bookable invoice once into a new batch; None when there is none."""
    if not actor.has_perm("invoicing.export_invoices"):
        raise PermissionDenied(_("Sie dürfen keine Buchungsdateien erzeugen."))
    locked = list(
        ReceivedInvoice.objects.select_for_update()
        .filter(org_unit_id__in=org_unit_ids, booking_batch__isnull=True)
        .values_list("pk", flat=True)
    )
    invoices = [invoice for invoice in bookable(org_unit_ids) if invoice.pk in locked]
    if not invoices:
        return None
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    stored = blob_store(io.BytesIO(booking_csv(invoices)))
    batch = BookingBatch.objects.create(
        created_by=actor,
        filename=f"buchungen-{stamp}.csv",
        blob=stored.name,
        sha256=stored.sha256,
        invoice_count=len(invoices),
        total=sum((i.gross_amount or Decimal(0) for i in invoices), Decimal(0)),
    )
    ReceivedInvoice.objects.filter(pk__in=[i.pk for i in invoices]).update(booking_batch=batch)
    for invoice in invoices:
        audit_record(
            actor=actor,
            action="invoice.booked",
            obj=invoice,
            changes={"booking_batch": [None, batch.filename]},
        )
    return batch
