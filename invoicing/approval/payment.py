"""Payment runs: a SEPA credit transfer file (pain.001.001.03, built with `sepaxml`) for the
approved invoices, IBANs checked with `schwifty`, amounts reduced by the Skonto while it is
still in time. An invoice is paid at most once; of a group of duplicates only one."""

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer

from efile.audit import audit_record
from efile.blobs import blob_store

from ..models import ApprovalStatus, PaymentRun, ReceivedInvoice
from .duplicates import one_per_claim

SCHEMA = "pain.001.001.03"


@dataclass(frozen=True)
class Transfer:
    invoice: ReceivedInvoice
    amount: Decimal
    skonto: Decimal


@dataclass
class PaymentPlan:
    transfers: list[Transfer] = field(default_factory=list)
    skipped: list[tuple[ReceivedInvoice, str]] = field(default_factory=list)


def skonto_due(invoice: ReceivedInvoice, on: dt.date) -> Decimal:
    """The discount to deduct when paying on `on` (0 once the Skonto date has passed)."""
    if invoice.skonto_until is None or on > invoice.skonto_until:
        return Decimal(0)
    return invoice.skonto_amount or Decimal(0)


def _iban_problem(invoice: ReceivedInvoice) -> str | None:
    if not invoice.seller_iban:
        return _("Die Rechnung nennt keine IBAN (BT-84).")
    try:
        IBAN(invoice.seller_iban)
    except SchwiftyException:
        return _("Die IBAN %(iban)s ist ungültig.") % {"iban": invoice.seller_iban}
    if invoice.seller_bic:
        try:
            BIC(invoice.seller_bic)
        except SchwiftyException:
            return _("Die BIC %(bic)s ist ungültig.") % {"bic": invoice.seller_bic}
    return None


def _payment_problem(invoice: ReceivedInvoice) -> str | None:
    problem = _iban_problem(invoice)
    if problem is None and (invoice.amount_due or 0) <= 0:
        problem = _("Kein zahlbarer Betrag (BT-115).")
    if problem is None and (invoice.currency or "EUR") != "EUR":
        problem = _("SEPA-Überweisungen sind nur in Euro möglich.")
    return problem


def payment_plan(org_unit_ids, on: dt.date) -> PaymentPlan:
    """Which approved invoices a run on `on` pays, with what amount, and which it leaves
    out and why."""
    plan = PaymentPlan()
    payable = []
    candidates = ReceivedInvoice.objects.filter(
        org_unit_id__in=org_unit_ids, status=ApprovalStatus.APPROVED, payment_run__isnull=True
    ).order_by("received_at", "pk")
    for invoice in candidates:
        problem = _payment_problem(invoice)
        if problem:
            plan.skipped.append((invoice, problem))
        else:
            payable.append(invoice)
    chosen, duplicates = one_per_claim(payable, "payment_run")
    plan.skipped += [
        (invoice, _("Mögliche Doppelzahlung: ein Duplikat ist bezahlt.")) for invoice in duplicates
    ]
    for invoice in chosen:
        skonto = skonto_due(invoice, on)
        plan.transfers.append(Transfer(invoice, invoice.amount_due - skonto, skonto))
    return plan


def _payer() -> dict:
    if not settings.AKTENFLUSS_PAYER_IBAN:
        raise ImproperlyConfigured(
            _("Für Zahlungsläufe fehlt das Konto der Verwaltung (AKTENFLUSS_PAYER_IBAN).")
        )
    payer = {
        "name": settings.AKTENFLUSS_PAYER_NAME,
        "IBAN": "".join(settings.AKTENFLUSS_PAYER_IBAN.split()),
        "batch": True,
        "currency": "EUR",
    }
    if settings.AKTENFLUSS_PAYER_BIC:
        payer["BIC"] = settings.AKTENFLUSS_PAYER_BIC
    return payer


def pain001(transfers: list[Transfer], execution_date: dt.date) -> bytes:
    """The pain.001 XML; `sepaxml` validates it against the official XSD it ships."""
    sepa = SepaTransfer(_payer(), schema=SCHEMA, clean=True)
    for transfer in transfers:
        invoice = transfer.invoice
        payment = {
            "name": invoice.payee_name or invoice.seller_name or "-",
            "IBAN": invoice.seller_iban,
            "amount": int((transfer.amount * 100).to_integral_value()),
            "execution_date": execution_date,
            "description": f"Rechnung {invoice.number}"[:140],
            "endtoend_id": f"AF{invoice.pk}",
        }
        if invoice.seller_bic:
            payment["BIC"] = invoice.seller_bic
        sepa.add_payment(payment)
    return sepa.export(validate=True)


@transaction.atomic
def payment_run_create(
    *, actor, org_unit_ids, execution_date: dt.date | None = None
) -> tuple[PaymentRun | None, PaymentPlan]:
    """Pay every payable approved invoice once. Returns the run (None when nothing is to be
    paid) and the plan with the invoices left out. The caller then files the paid invoices
    and completes their flows (`workflows.invoice_approval.payment_done`)."""
    if not actor.has_perm("invoicing.export_invoices"):
        raise PermissionDenied(_("Sie dürfen keine Zahlungsläufe erzeugen."))
    execution_date = execution_date or timezone.localdate()
    list(
        ReceivedInvoice.objects.select_for_update()
        .filter(org_unit_id__in=org_unit_ids, payment_run__isnull=True)
        .values_list("pk", flat=True)
    )
    plan = payment_plan(org_unit_ids, execution_date)
    if not plan.transfers:
        return None, plan
    stored = blob_store(io.BytesIO(pain001(plan.transfers, execution_date)))
    run = PaymentRun.objects.create(
        created_by=actor,
        filename=f"zahlungslauf-{timezone.localtime().strftime('%Y%m%d-%H%M%S')}.xml",
        blob=stored.name,
        sha256=stored.sha256,
        invoice_count=len(plan.transfers),
        total=sum((t.amount for t in plan.transfers), Decimal(0)),
        skonto_total=sum((t.skonto for t in plan.transfers), Decimal(0)),
        execution_date=execution_date,
    )
    for transfer in plan.transfers:
        invoice = transfer.invoice
        invoice.payment_run = run
        invoice.paid_amount = transfer.amount
        invoice.skonto_taken = transfer.skonto
        invoice.status = ApprovalStatus.PAID
        invoice.save(update_fields=["payment_run", "paid_amount", "skonto_taken", "status"])
        audit_record(
            actor=actor,
            action="invoice.paid",
            obj=invoice,
            changes={
                "status": [ApprovalStatus.APPROVED, ApprovalStatus.PAID],
                "payment_run": [None, run.filename],
                "paid_amount": [None, str(transfer.amount)],
                "skonto_taken": [None, str(transfer.skonto)],
            },
        )
    return run, plan
