"""Receiving e-invoices: store the original first, validate, record verdict and findings.

Nothing received is lost: the bytes are stored before validation, and a file that cannot be
validated is kept with the verdict "nicht geprüft" and a German reason.
"""

import dataclasses
import datetime as dt
import io
import logging
from decimal import Decimal
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from efile.audit import audit_record
from efile.blobs import blob_read, blob_store
from efile.models import OrgUnit
from efile.permissions import is_member
from efile.services.common import is_system

from .approval.duplicates import duplicates_of
from .model import Invoice
from .models import InvoiceAttachment, InvoiceChannel, OwnRuleLevel, ReceivedInvoice, Verdict
from .payment_terms import skonto_entries
from .validation.findings import Finding, Layer, Severity
from .validation.run import ValidationResult, validate

logger = logging.getLogger(__name__)

DUPLICATE_RULE = "OWN-DUPLICATE"
_REJECTING = {str(Severity.FATAL), str(Severity.ERROR)}


def _official_check(result: ValidationResult | None, filename: str) -> dict | None:
    """Cross-check with the operator's copy of the official KoSIT rules, once, at receipt
    (only when `AKTENFLUSS_OFFICIAL_RULES_DIR` is set); disagreements are logged."""
    directory = settings.AKTENFLUSS_OFFICIAL_RULES_DIR
    if not directory or result is None or result.xml is None:
        return None
    from .official import compare, official_rules

    comparison = compare(result, official_rules(directory).check(result.xml))
    if comparison.checked and not comparison.agree:
        logger.warning("Official rules disagree on %s: %s", filename, comparison.summary_en)
    return {
        "agree": comparison.agree,
        "checked": comparison.checked,
        "summary_de": comparison.summary_de,
        "summary_en": comparison.summary_en,
        "only_ours": list(comparison.only_ours),
        "only_official": list(comparison.only_official),
    }


def _check_may_receive(actor, org_unit: OrgUnit) -> None:
    if is_system(actor) or actor.is_superuser:
        return
    if not actor.has_perm("invoicing.add_receivedinvoice") or not is_member(actor, org_unit):
        raise PermissionDenied(
            _("Sie dürfen für „%(unit)s“ keine Rechnungen entgegennehmen.")
            % {"unit": org_unit.name}
        )


def _validated(data: bytes, filename: str) -> ValidationResult | None:
    try:
        return validate(data, filename=filename)
    except Exception:  # validate() handles bad input itself; this is a bug: keep the file
        logger.exception("Validating %s failed", filename)
        return None


def _finding_rows(result: ValidationResult | None) -> list[dict]:
    if result is None:
        return [
            {
                "rule": "NOT-CHECKED",
                "severity": "fatal",
                "field": None,
                "path": None,
                "message_de": _(
                    "Die Rechnung konnte wegen eines internen Fehlers nicht geprüft werden. "
                    "Das Original ist gespeichert."
                ),
                "message_en": "The invoice could not be checked because of an internal error.",
            }
        ]
    return [{**finding.as_json(), "layer": int(finding.layer)} for finding in result.findings]


def _raise_own_rules(rows: list[dict]) -> None:
    """Apply the administrator's choice of own checks that count as errors."""
    rejecting = set(OwnRuleLevel.objects.filter(reject=True).values_list("rule", flat=True))
    for row in rows:
        if row["rule"] in rejecting and row["severity"] == str(Severity.WARNING):
            row["severity"] = str(Severity.ERROR)


def _earlier_duplicate(fields: dict) -> ReceivedInvoice | None:
    """An earlier invoice of the same seller with the same number, or with the same amount
    and date (see `invoicing.approval.duplicates`)."""
    probe = ReceivedInvoice(**{k: fields.get(k) for k in _DUPLICATE_FIELDS})
    return duplicates_of(probe).order_by("received_at").first()


_DUPLICATE_FIELDS = ("number", "seller_vat_id", "seller_name", "amount_due", "issue_date")


def _attachments_of(result: ValidationResult | None):
    invoice = result.invoice if result is not None else None
    for number, attachment in enumerate(invoice.attachments if invoice else (), start=1):
        if attachment.content:
            name = attachment.filename or f"anlage-{number}"
            yield name, attachment


@transaction.atomic
def invoice_receive(
    *,
    actor,
    org_unit: OrgUnit,
    stream: IO[bytes],
    filename: str,
    channel: str = InvoiceChannel.UPLOAD,
    intake_item=None,
) -> tuple[ReceivedInvoice, bool]:
    """Store and validate a received e-invoice file (UBL, CII or PDF with embedded XML).

    Returns `(invoice, created)`; the same bytes received again return the earlier invoice.
    """
    _check_may_receive(actor, org_unit)
    stored = blob_store(stream)
    existing = ReceivedInvoice.objects.filter(sha256=stored.sha256).first()
    if existing is not None:
        return existing, False
    result = _validated(blob_read(stored.name), filename)
    rows = _finding_rows(result)
    model = result.invoice if result is not None else None
    seller = model.seller if model else None
    totals = model.totals if model else None
    fields = {
        **_payment_fields(model),
        "number": (model.number or "")[:200] if model else "",
        "issue_date": model.issue_date if model else None,
        "due_date": model.due_date if model else None,
        "currency": (model.currency or "")[:3] if model else "",
        "amount_due": _amount(totals.payable) if totals else None,
        "seller_name": ((seller.name if seller else "") or "")[:300],
        "seller_vat_id": ((seller.vat_id if seller else "") or "")[:40],
        "buyer_reference": (model.buyer_reference or "")[:200] if model else "",
    }
    earlier = _earlier_duplicate(fields)
    if earlier is not None:
        rows.append(
            {
                "rule": DUPLICATE_RULE,
                "severity": str(Severity.WARNING),
                "field": "BT-1",
                "path": None,
                "layer": 8,
                "message_de": _(
                    "Eine Rechnung Nr. %(number)s dieses Verkäufers ist bereits am %(date)s "
                    "eingegangen (möglicherweise doppelt)."
                )
                % {"number": earlier.number, "date": date_format(earlier.received_at.date())},
                "message_en": (
                    f"An invoice no. {earlier.number} of this seller was already received "
                    f"on {earlier.received_at.date().isoformat()} (possibly a duplicate)."
                ),
            }
        )
    _raise_own_rules(rows)
    errors = sum(1 for row in rows if row["severity"] in _REJECTING)
    checked = result is not None and result.checked
    invoice = ReceivedInvoice.objects.create(
        org_unit=org_unit,
        channel=channel,
        filename=filename[:255],
        sha256=stored.sha256,
        blob=stored.name,
        size=stored.size,
        received_by=None if is_system(actor) else actor,
        intake_item=intake_item,
        syntax=(result.syntax or "") if result else "",
        profile=result.profile if result else "",
        customization_id=(result.customization_id or "")[:300] if result else "",
        verdict=(Verdict.INVALID if errors else Verdict.VALID) if checked else Verdict.NOT_CHECKED,
        error_count=errors,
        warning_count=sum(1 for row in rows if row["severity"] == str(Severity.WARNING)),
        findings=rows,
        official_check=_official_check(result, filename),
        **fields,
    )
    for name, attachment in _attachments_of(result):
        blob = blob_store(io.BytesIO(attachment.content))
        InvoiceAttachment.objects.create(
            invoice=invoice,
            filename=name[:255],
            description=(attachment.description or "")[:500],
            mime_type=(attachment.mime_code or "")[:100],
            sha256=blob.sha256,
            blob=blob.name,
            size=blob.size,
        )
    audit_record(
        actor=actor,
        action="invoice.receive",
        obj=invoice,
        changes={
            "filename": [None, invoice.filename],
            "sha256": [None, invoice.sha256],
            "verdict": [None, invoice.verdict],
            "errors": [None, [row["rule"] for row in rows if row["severity"] in _REJECTING]],
        },
    )
    return invoice, True


def _tax_key(model: Invoice) -> str:
    """VAT categories and rates of the breakdown, e.g. "S19" or "S19/S7" (Steuerschlüssel)."""
    keys = []
    for row in model.vat_breakdown:
        rate = f"{row.rate.normalize():f}" if row.rate is not None else ""
        key = f"{row.category or ''}{rate}"
        if key and key not in keys:
            keys.append(key)
    return "/".join(keys)[:40]


def _payment_fields(model: Invoice | None) -> dict:
    """Amounts, account and cash discount the approval chain and the exports work with."""
    if model is None:
        return {}
    totals = model.totals
    transfer = next(
        (t for p in model.payment_instructions for t in p.credit_transfers if t.account_id), None
    )
    payee = model.payee.name if model.payee and model.payee.name else None
    skonto = skonto_entries(model.payment_terms)
    issue_date = model.issue_date if isinstance(model.issue_date, dt.date) else None
    first = skonto[0] if skonto and issue_date else None
    return {
        "order_reference": (model.purchase_order_reference or "")[:200],
        "net_amount": _amount(totals.tax_exclusive) if totals else None,
        "tax_amount": _amount(totals.vat_total) if totals else None,
        "gross_amount": _amount(totals.tax_inclusive) if totals else None,
        "tax_key": _tax_key(model),
        "seller_iban": "".join((transfer.account_id or "").split())[:34] if transfer else "",
        "seller_bic": (transfer.provider_id or "")[:11] if transfer else "",
        "payee_name": (
            payee
            or (transfer.account_name if transfer else None)
            or (model.seller.name if model.seller else None)
            or ""
        )[:300],
        "skonto_until": first.until(issue_date) if first else None,
        "skonto_percent": first.percent if first else None,
        "skonto_base": _amount(first.base) if first and first.base is not None else None,
    }


def _amount(value) -> Decimal | None:
    if value is None:
        return None
    try:
        quantized = Decimal(value).quantize(Decimal("0.01"))
    except ArithmeticError:
        return None
    return quantized if abs(quantized) < Decimal("1e17") else None


def invoice_result(invoice: ReceivedInvoice) -> ValidationResult | None:
    """Validate the stored original again (for the presentation: model and findings)."""
    return _validated(blob_read(invoice.blob), invoice.filename)


def stored_result(invoice: ReceivedInvoice):
    """The invoice model from the stored original, with the findings recorded at receipt
    (they include the duplicate check and the administrator's rule levels)."""
    result = invoice_result(invoice)
    findings = tuple(
        Finding(
            rule=row["rule"],
            severity=Severity(row["severity"]),
            layer=Layer(row.get("layer") or Layer.OWN),
            message_de=row.get("message_de") or row.get("message") or "",
            message_en=row.get("message_en") or "",
            field=row.get("field"),
            path=row.get("path"),
        )
        for row in invoice.findings
    )
    if result is None:
        return None
    return dataclasses.replace(
        result,
        findings=findings,
        errors=tuple(f for f in findings if f.severity.rejects),
        warnings=tuple(f for f in findings if f.severity is Severity.WARNING),
        valid={"valid": True, "invalid": False}.get(invoice.verdict),
    )
