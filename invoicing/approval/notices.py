"""The rejection notice (Zurückweisung) to the supplier: every error with its rule id, field
and German message, or the clerk's reason, as text for e-mail/portal and as PDF."""

import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from efile.audit import audit_record
from efile.blobs import blob_store

from ..models import ReceivedInvoice, RejectionNotice
from .letters import letter_pdf

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


def rejection_notice_create(*, actor, invoice: ReceivedInvoice) -> RejectionNotice:
    """Write the notice once (text and PDF); a second call returns the first."""
    existing = RejectionNotice.objects.filter(invoice=invoice).first()
    if existing is not None:
        return existing
    text = rejection_text(invoice)
    title = _("Zurückweisung Ihrer Rechnung Nr. %(number)s") % {
        "number": invoice.number or invoice.filename
    }
    stored = blob_store(io.BytesIO(letter_pdf(title=title, body=text)))
    notice = RejectionNotice.objects.create(invoice=invoice, text=text, pdf_blob=stored.name)
    audit_record(
        actor=actor,
        action="invoice.rejection_notice",
        obj=invoice,
        changes={"rejection_notice": [None, stored.sha256]},
    )
    return notice
