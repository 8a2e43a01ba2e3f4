"""The rejection notice (Zurückweisung) to the supplier: every error with its rule id, field
and German message, or the clerk's reason, as text for e-mail/portal and as PDF."""

import io

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from efile.audit import audit_record
from efile.blobs import blob_store
from efile.letter_pdf import Letter, Section, render_letter

from ..models import ReceivedInvoice, RejectionNotice

_REJECTING = ("fatal", "error")


def rejection_text(invoice: ReceivedInvoice) -> str:
    errors = [row for row in invoice.findings if row.get("severity") in _REJECTING]
    number = invoice.number or invoice.filename
    lines = [
        _("Sehr geehrte Damen und Herren,"),
        _(
            "Ihre Rechnung Nr. %(number)s vom %(date)s, bei uns eingegangen am %(received)s "
            "(Datei „%(filename)s“), können wir nicht annehmen."
        )
        % {
            "number": number,
            "date": date_format(invoice.issue_date) if invoice.issue_date else "–",
            "received": date_format(timezone.localtime(invoice.received_at).date()),
            "filename": invoice.filename,
        },
    ]
    if errors:
        items = "\n".join(
            "- "
            + " ".join(
                part
                for part in (
                    row.get("rule") or "",
                    f"({row['field']})" if row.get("field") else "",
                    row.get("message_de") or row.get("message") or "",
                )
                if part
            )
            for row in errors
        )
        lines.append(
            _("Die Prüfung nach EN 16931 und XRechnung hat folgende Fehler ergeben:")
            + "\n\n"
            + items
        )
    if invoice.rejection_reason:
        lines.append(_("Begründung: %(reason)s") % {"reason": invoice.rejection_reason})
    lines += [
        _(
            "Bitte senden Sie uns eine berichtigte Rechnung als neue E-Rechnung; eine "
            "Korrektur der beanstandeten Rechnung ist nicht möglich."
        ),
        _("Mit freundlichen Grüßen") + "\n" + invoice.org_unit.name,
    ]
    return "\n\n".join(lines)


def invoice_letter_pdf(
    invoice: ReceivedInvoice, *, title: str, text: str, to_supplier: bool
) -> bytes:
    """`text` (paragraphs separated by blank lines) as a letter of the receiving department
    about `invoice`, addressed to the supplier or, for the file, to no one."""
    return render_letter(
        Letter(
            authority=settings.AKTENFLUSS_AUTHORITY_NAME,
            authority_address=invoice.org_unit.name,
            recipient=(invoice.seller_name,) if to_supplier and invoice.seller_name else (),
            reference=invoice.number or invoice.filename,
            date=timezone.localdate(),
            title=title,
            sections=(Section(heading="", paragraphs=tuple(text.split("\n\n"))),),
            reference_label=_("Rechnung Nr."),
            date_label=_("Datum"),
            page_label=_("Seite {page}"),
        )
    )


def rejection_notice_create(*, actor, invoice: ReceivedInvoice) -> RejectionNotice:
    """Write the notice once (text and PDF); a second call returns the first."""
    existing = RejectionNotice.objects.filter(invoice=invoice).first()
    if existing is not None:
        return existing
    text = rejection_text(invoice)
    title = _("Zurückweisung Ihrer Rechnung Nr. %(number)s") % {
        "number": invoice.number or invoice.filename
    }
    pdf = invoice_letter_pdf(invoice, title=title, text=text, to_supplier=True)
    stored = blob_store(io.BytesIO(pdf))
    notice = RejectionNotice.objects.create(invoice=invoice, text=text, pdf_blob=stored.name)
    audit_record(
        actor=actor,
        action="invoice.rejection_notice",
        obj=invoice,
        changes={"rejection_notice": [None, stored.sha256]},
    )
    return notice
