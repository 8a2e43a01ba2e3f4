"""Deadlines of open invoices: escalation before the Skonto date (else the due date), the
Skonto radar and the discounts taken vs lost this month."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from efile.audit import audit_record
from efile.models import OrgUnit

from ..models import OPEN_STATUSES, ApprovalStatus, ReceivedInvoice
from .decisions import PERMISSION, STEP_OF_STATUS, step_units


def _group(invoice: ReceivedInvoice) -> list:
    """Who can take the invoice's open step: the reminder goes to all of them."""
    step = STEP_OF_STATUS[invoice.status]
    users = (
        get_user_model()
        .objects.filter(is_active=True, org_units__id__in=step_units(invoice, step))
        .distinct()
    )
    return [user for user in users if user.has_perm(PERMISSION[step]) and user.email]


def _leads(invoice: ReceivedInvoice) -> list:
    step = STEP_OF_STATUS[invoice.status]
    units = OrgUnit.objects.filter(pk__in=step_units(invoice, step), lead__isnull=False)
    return [unit.lead for unit in units.select_related("lead") if unit.lead.email]


def _mail(invoice: ReceivedInvoice, recipients: list, *, lead: bool) -> int:
    if not recipients:
        return 0
    subject = _("Frist: Rechnung %(number)s von %(seller)s bis %(date)s") % {
        "number": invoice.number or invoice.filename,
        "seller": invoice.seller_name or "–",
        "date": date_format(invoice.deadline),
    }
    body = _(
        "Die Rechnung Nr. %(number)s über %(amount)s %(currency)s wartet auf „%(step)s“.\n"
        "%(what)s läuft am %(date)s ab.%(lead)s"
    ) % {
        "number": invoice.number or invoice.filename,
        "amount": invoice.amount_due,
        "currency": invoice.currency or "EUR",
        "step": invoice.get_status_display(),
        "what": _("Die Skontofrist") if invoice.skonto_until else _("Die Zahlungsfrist"),
        "date": date_format(invoice.deadline),
        "lead": _("\nSie erhalten diese Nachricht als Leitung der Organisationseinheit.")
        if lead
        else "",
    }
    return send_mail(subject, body, None, [user.email for user in recipients])


def _assignee(invoice: ReceivedInvoice):
    from workflows.invoice_approval import open_task

    task = open_task(invoice)
    return task.owner if task is not None and task.owner_id else None


def escalate(today: dt.date | None = None) -> dict[str, int]:
    """Send the reminders that are due; each invoice escalates once per level (a decision
    resets the level). Returns how many invoices reached each level."""
    today = today or timezone.localdate()
    reminder = today + dt.timedelta(days=settings.AKTENFLUSS_ESCALATE_REMINDER_DAYS)
    lead_day = today + dt.timedelta(days=settings.AKTENFLUSS_ESCALATE_LEAD_DAYS)
    counts = {"reminder": 0, "lead": 0}
    candidates = ReceivedInvoice.objects.filter(status__in=OPEN_STATUSES, escalation_level__lt=2)
    candidates = candidates.filter(
        Q(skonto_until__lte=reminder) | Q(skonto_until__isnull=True, due_date__lte=reminder)
    )
    for invoice in candidates.select_related("org_unit", "ordering_unit"):
        level = 2 if invoice.deadline <= lead_day else 1
        if level <= invoice.escalation_level:
            continue
        if level == 2:
            _mail(invoice, _leads(invoice), lead=True)
            counts["lead"] += 1
        else:
            assignee = _assignee(invoice)
            targets = [assignee] if assignee is not None and assignee.email else _group(invoice)
            _mail(invoice, targets, lead=False)
            counts["reminder"] += 1
        before = invoice.escalation_level
        invoice.escalation_level = level
        invoice.save(update_fields=["escalation_level"])
        audit_record(
            actor=None,
            action="invoice.escalated",
            obj=invoice,
            changes={"escalation_level": [before, level]},
        )
    return counts


@dataclass(frozen=True)
class RadarRow:
    invoice: ReceivedInvoice
    days_left: int
    at_stake: Decimal


def skonto_radar(invoices, today: dt.date | None = None) -> list[RadarRow]:
    """Open invoices with a Skonto still to win, soonest deadline first."""
    today = today or timezone.localdate()
    rows = []
    for invoice in invoices.filter(
        status__in=[*OPEN_STATUSES, ApprovalStatus.APPROVED], skonto_until__gte=today
    ).order_by("skonto_until", "pk"):
        rows.append(
            RadarRow(invoice, (invoice.skonto_until - today).days, invoice.skonto_amount or 0)
        )
    return rows


@dataclass(frozen=True)
class SkontoKpi:
    taken_count: int
    taken_amount: Decimal
    lost_count: int
    lost_amount: Decimal


def skonto_kpi(invoices, today: dt.date | None = None) -> SkontoKpi:
    """This month: discounts deducted in payment runs vs discount dates that passed while
    the invoice was not yet paid."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    taken = invoices.filter(
        payment_run__execution_date__gte=first,
        payment_run__execution_date__lte=today,
        skonto_taken__gt=0,
    )
    lost_candidates = invoices.filter(
        skonto_until__gte=first, skonto_until__lt=today, skonto_percent__isnull=False
    ).exclude(status=ApprovalStatus.REJECTED)
    lost = [
        invoice
        for invoice in lost_candidates.select_related("payment_run")
        if not invoice.skonto_taken
        and (
            invoice.payment_run is None or invoice.payment_run.execution_date > invoice.skonto_until
        )
    ]
    return SkontoKpi(
        taken_count=taken.count(),
        taken_amount=taken.aggregate(total=Sum("skonto_taken"))["total"] or Decimal(0),
        lost_count=len(lost),
        lost_amount=sum((i.skonto_amount or Decimal(0) for i in lost), Decimal(0)),
    )
