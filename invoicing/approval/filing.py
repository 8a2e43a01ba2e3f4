"""Filing a finished invoice into the supplier's e-file (Kreditorenakte): the original, the
rendered invoice, the validation report, the approval history and the embedded attachments
(BG-24), each as a document. The e-file is opened on first use, on the filing plan position
`AKTENFLUSS_SUPPLIER_PLAN_CODE`, in the receiving department."""

import io
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from efile.audit import audit_record
from efile.blobs import blob_open, blob_read
from efile.models import DocumentKind, EFile, FilingPlanItem, Party
from efile.services.documents import document_receive
from efile.services.efiles import efile_open
from efile.services.parties import party_register

from ..models import ReceivedInvoice, RejectionNotice, SupplierFile
from ..services import stored_result
from .notices import invoice_letter_pdf

SYSTEM = None
logger = logging.getLogger(__name__)


def supplier_party(invoice: ReceivedInvoice) -> Party:
    iban = invoice.seller_iban
    try:
        party, _created = party_register(
            actor=SYSTEM,
            name=invoice.seller_name or _("Unbekannter Lieferant"),
            kind=Party.Kind.ORGANISATION,
            vat_id=invoice.seller_vat_id,
            iban=iban,
        )
    except ValidationError:  # an invalid IBAN must not stop the filing
        party, _created = party_register(
            actor=SYSTEM,
            name=invoice.seller_name or _("Unbekannter Lieferant"),
            kind=Party.Kind.ORGANISATION,
            vat_id=invoice.seller_vat_id,
        )
    return party


def supplier_efile(invoice: ReceivedInvoice) -> EFile:
    party = supplier_party(invoice)
    existing = SupplierFile.objects.filter(party=party).select_related("efile").first()
    if existing is not None:
        return existing.efile
    plan_item = FilingPlanItem.objects.filter(code=settings.AKTENFLUSS_SUPPLIER_PLAN_CODE).first()
    if plan_item is None:
        raise ValidationError(
            _(
                "Die Aktenplanposition %(code)s für Kreditorenakten fehlt; bitte legen Sie "
                "sie an oder setzen Sie AKTENFLUSS_SUPPLIER_PLAN_CODE."
            ),
            code="supplier_plan_missing",
            params={"code": settings.AKTENFLUSS_SUPPLIER_PLAN_CODE},
        )
    efile = efile_open(
        actor=SYSTEM,
        plan_item=plan_item,
        org_unit=invoice.org_unit,
        title=_("Kreditorenakte %(name)s") % {"name": party.name},
    )
    SupplierFile.objects.create(party=party, efile=efile)
    return efile


def validation_report(invoice: ReceivedInvoice) -> str:
    lines = [
        _("Prüfergebnis: %(verdict)s") % {"verdict": invoice.get_verdict_display()},
        _("Syntax: %(syntax)s, Profil: %(profile)s")
        % {"syntax": invoice.syntax or "–", "profile": invoice.profile or "–"},
    ]
    if invoice.findings:
        lines.append(
            "\n".join(
                f"- {row.get('severity', '')}: {row.get('rule', '')}"
                f"{' (' + row['field'] + ')' if row.get('field') else ''}: "
                f"{row.get('message_de') or ''}"
                for row in invoice.findings
            )
        )
    else:
        lines.append(_("Keine Befunde."))
    return "\n\n".join(lines)


def approval_history(invoice: ReceivedInvoice) -> str:
    rows = [
        f"- {date_format(timezone.localtime(step.decided_at), 'DATETIME_FORMAT')}: "
        f"{step.get_step_display()} – {step.get_decision_display()} – "
        f"{step.actor.get_full_name() or step.actor.get_username()}"
        f"{': ' + step.note if step.note else ''}"
        for step in invoice.approval_steps.select_related("actor")
    ]
    lines = [
        _("Rechnung Nr. %(number)s von %(seller)s, Bearbeitungsstand: %(status)s")
        % {
            "number": invoice.number or invoice.filename,
            "seller": invoice.seller_name or "–",
            "status": invoice.get_status_display(),
        },
        "\n".join(rows) if rows else _("Keine Prüfschritte."),
    ]
    if invoice.payment_run_id:
        lines.append(
            _("Zahlung: %(amount)s EUR im Zahlungslauf %(run)s (Skonto %(skonto)s EUR).")
            % {
                "amount": invoice.paid_amount,
                "run": invoice.payment_run.filename,
                "skonto": invoice.skonto_taken or 0,
            }
        )
    return "\n\n".join(lines)


def _file(efile: EFile, *, data: bytes, filename: str, title: str, kind: str, invoice) -> bool:
    try:
        document_receive(
            actor=SYSTEM,
            efile=efile,
            stream=io.BytesIO(data),
            filename=filename,
            title=title,
            kind=kind,
            received_on=timezone.localtime(invoice.received_at).date(),
        )
    except ValidationError as error:
        if getattr(error, "code", "") == "duplicate":
            return False  # the same content is already in this e-file
        raise
    return True


def invoice_file_or_log(*, invoice: ReceivedInvoice) -> EFile | None:
    """File the invoice; when that is impossible (e.g. the filing plan position is missing)
    the flow still goes on: the reason is logged and audited, the invoice page shows it as
    not filed, and filing can be repeated."""
    try:
        with transaction.atomic():
            return invoice_file(invoice=invoice)
    except ValidationError as error:
        reason = " ".join(error.messages)
        logger.warning("Invoice %s not filed: %s", invoice.pk, reason)
        audit_record(
            actor=SYSTEM,
            action="invoice.filing_failed",
            obj=invoice,
            changes={"reason": [None, reason]},
        )
        return None


def invoice_file(*, invoice: ReceivedInvoice) -> EFile:
    """File the invoice with everything that belongs to it; idempotent."""
    if invoice.filed_in_id:
        return invoice.filed_in
    from ..archive_pdf import invoice_pdf
    from ..presentation import present

    efile = supplier_efile(invoice)
    label = invoice.number or invoice.filename
    with blob_open(invoice.blob) as original:
        original_bytes = original.read()
    _file(
        efile,
        data=original_bytes,
        filename=invoice.filename,
        title=_("Rechnung %(number)s (Original)") % {"number": label},
        kind=DocumentKind.INVOICE,
        invoice=invoice,
    )
    result = stored_result(invoice)
    if result is not None:
        _file(
            efile,
            data=invoice_pdf(present(result)),
            filename=f"rechnung-{invoice.pk}-darstellung.pdf",
            title=_("Rechnung %(number)s (Darstellung)") % {"number": label},
            kind=DocumentKind.INVOICE,
            invoice=invoice,
        )
    for title, body, name in (
        (_("Prüfbericht zu Rechnung %(number)s"), validation_report(invoice), "pruefbericht"),
        (
            _("Prüf- und Freigabeverlauf zu Rechnung %(number)s"),
            approval_history(invoice),
            "verlauf",
        ),
    ):
        _file(
            efile,
            data=invoice_letter_pdf(
                invoice, title=title % {"number": label}, text=body, to_supplier=False
            ),
            filename=f"rechnung-{invoice.pk}-{name}.pdf",
            title=title % {"number": label},
            kind=DocumentKind.NOTE,
            invoice=invoice,
        )
    notice = RejectionNotice.objects.filter(invoice=invoice).first()
    if notice is not None:
        _file(
            efile,
            data=blob_read(notice.pdf_blob),
            filename=f"rechnung-{invoice.pk}-zurueckweisung.pdf",
            title=_("Zurückweisung der Rechnung %(number)s") % {"number": label},
            kind=DocumentKind.LETTER,
            invoice=invoice,
        )
    for attachment in invoice.attachments.all():
        _file(
            efile,
            data=blob_read(attachment.blob),
            filename=attachment.filename,
            title=attachment.description or attachment.filename,
            kind=DocumentKind.OTHER,
            invoice=invoice,
        )
    invoice.filed_in = efile
    invoice.save(update_fields=["filed_in"])
    audit_record(
        actor=SYSTEM,
        action="invoice.filed",
        obj=invoice,
        changes={"filed_in": [None, efile.reference]},
    )
    return efile
