"""Who may take which decision on an invoice, and the record of each decision.

The four-eyes rule and the approval limits live here, in the service, so that no page, API
call or flow task can bypass them: the same person never confirms two of the three checks
(sachlich richtig, rechnerisch richtig, Anordnung), two Anordnungen come from two people, and
an approver's limit is read at the moment of approval.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from efile.audit import audit_record
from efile.models import OrgUnit
from efile.permissions import is_member, member_org_unit_ids

from ..models import ApprovalStatus, ApprovalStep, Decision, ReceivedInvoice, Step
from .routing import approver_limit, approvers_required_for, payable_amount

STEP_OF_STATUS = {
    ApprovalStatus.TRIAGE: Step.TRIAGE,
    ApprovalStatus.FACTUAL: Step.FACTUAL,
    ApprovalStatus.ARITHMETIC: Step.ARITHMETIC,
    ApprovalStatus.APPROVAL: Step.APPROVAL,
}

PERMISSION = {
    Step.TRIAGE: "invoicing.confirm_arithmetic",
    Step.FACTUAL: "invoicing.confirm_factual",
    Step.ARITHMETIC: "invoicing.confirm_arithmetic",
    Step.APPROVAL: "invoicing.approve_invoice",
}

# One step back: where a send-back leads.
PREVIOUS = {
    Step.FACTUAL: ApprovalStatus.TRIAGE,
    Step.ARITHMETIC: ApprovalStatus.FACTUAL,
    Step.APPROVAL: ApprovalStatus.ARITHMETIC,
}

NEXT = {
    Step.TRIAGE: ApprovalStatus.FACTUAL,
    Step.FACTUAL: ApprovalStatus.ARITHMETIC,
    Step.ARITHMETIC: ApprovalStatus.APPROVAL,
}

_CHECKS = (Step.FACTUAL, Step.ARITHMETIC, Step.APPROVAL)


def step_units(invoice: ReceivedInvoice, step: str) -> list[int]:
    """Departments whose members work on `step`: the ordering department confirms the
    goods, the receiving (accounting) department triages and checks the amounts, approvers
    of either may order the payment."""
    if step == Step.FACTUAL:
        return [invoice.ordering_unit_id] if invoice.ordering_unit_id else []
    if step == Step.APPROVAL:
        return [u for u in (invoice.ordering_unit_id, invoice.org_unit_id) if u]
    return [invoice.org_unit_id]


def may_work_on(user, invoice: ReceivedInvoice, step: str) -> bool:
    """Role and department allow `user` to take `step` (four eyes and limits aside)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not user.has_perm(PERMISSION[step]):
        return False
    return user.is_superuser or any(is_member(user, unit) for unit in step_units(invoice, step))


def _confirmed_by(invoice: ReceivedInvoice, user, steps) -> set[str]:
    return set(
        invoice.approval_steps.filter(
            actor=user, decision=Decision.CONFIRM, step__in=steps
        ).values_list("step", flat=True)
    )


def four_eyes_refusal(user, invoice: ReceivedInvoice, step: str) -> str | None:
    """Why `user` must not confirm `step`, or None. Counts every confirmation ever given on
    this invoice, also those before a send-back."""
    if step not in _CHECKS:
        return None
    others = _confirmed_by(invoice, user, [s for s in _CHECKS if s != step])
    if others:
        done = ", ".join(str(Step(s).label) for s in sorted(others))
        return _(
            "Vier-Augen-Prinzip: Sie haben an dieser Rechnung bereits „%(done)s“ bestätigt und "
            "dürfen „%(step)s“ nicht selbst bestätigen."
        ) % {"done": done, "step": Step(step).label}
    if (
        step == Step.APPROVAL
        and invoice.approval_steps.filter(
            actor=user, step=Step.APPROVAL, decision=Decision.CONFIRM, valid=True
        ).exists()
    ):
        return _(
            "Sie haben diese Rechnung bereits angeordnet; die weitere Anordnung muss eine "
            "andere Person geben."
        )
    return None


def limit_refusal(user, invoice: ReceivedInvoice) -> str | None:
    limit = approver_limit(user, invoice)
    amount = payable_amount(invoice)
    if limit is None:
        return _("Sie haben für diese Rechnung keine Anordnungsbefugnis (keine Betragsgrenze).")
    if amount > limit:
        return _(
            "Der Betrag von %(amount)s %(currency)s übersteigt Ihre Anordnungsgrenze von "
            "%(limit)s %(currency)s."
        ) % {
            "amount": number_format(amount, 2, force_grouping=True),
            "limit": number_format(limit, 2, force_grouping=True),
            "currency": invoice.currency or "EUR",
        }
    return None


def refusal(user, invoice: ReceivedInvoice, step: str, decision: str) -> str | None:
    """Why `user` may not take `decision` on `step` now, in German; None when allowed."""
    if STEP_OF_STATUS.get(invoice.status) != step:
        return _("Diese Rechnung wartet nicht auf „%(step)s“ (Stand: %(status)s).") % {
            "step": Step(step).label,
            "status": invoice.get_status_display(),
        }
    if not may_work_on(user, invoice, step):
        return _("Sie dürfen „%(step)s“ für diese Rechnung nicht ausführen.") % {
            "step": Step(step).label
        }
    if decision == Decision.SEND_BACK and step not in PREVIOUS:
        return _("Dieser Schritt kann nicht zurückgegeben werden.")
    if decision == Decision.CONFIRM:
        reason = four_eyes_refusal(user, invoice, step)
        if reason is None and step == Step.APPROVAL:
            reason = limit_refusal(user, invoice)
        return reason
    return None


def _required(value: str, message: str, code: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, code=code)
    return value


def _confirm(invoice: ReceivedInvoice, step: str, *, org_unit, account, cost_centre) -> None:
    if step == Step.TRIAGE:
        if org_unit is None:
            raise ValidationError(
                _("Bitte wählen Sie die bestellende Stelle."), code="org_unit_required"
            )
        invoice.ordering_unit = org_unit
    if step == Step.ARITHMETIC:
        invoice.account = _required(
            account, _("Bitte geben Sie das Sachkonto an."), "account_required"
        )[:20]
        invoice.cost_centre = _required(
            cost_centre, _("Bitte geben Sie die Kostenstelle an."), "cost_centre_required"
        )[:20]
        invoice.approvers_required = approvers_required_for(invoice)
    if step == Step.APPROVAL:
        given = invoice.approval_steps.filter(
            step=Step.APPROVAL, decision=Decision.CONFIRM, valid=True
        ).count()
        if given >= invoice.approvers_required:
            invoice.status = ApprovalStatus.APPROVED
        return
    invoice.status = NEXT[step]


def _invalidate_from(invoice: ReceivedInvoice, status: str) -> None:
    """A send-back to `status` makes that step and the later ones count again from zero."""
    order = [Step.FACTUAL, Step.ARITHMETIC, Step.APPROVAL]
    back_to = STEP_OF_STATUS[status]
    later = order[order.index(back_to) :] if back_to in order else order
    invoice.approval_steps.filter(step__in=later, valid=True).update(valid=False)


def decision_record(
    *,
    actor,
    invoice: ReceivedInvoice,
    step: str,
    decision: str,
    note: str = "",
    org_unit: OrgUnit | None = None,
    account: str = "",
    cost_centre: str = "",
) -> ApprovalStep:
    """Check and record one decision and move the invoice's status on. The caller holds the
    flow's lock and completes the flow task in the same transaction."""
    reason = refusal(actor, invoice, step, decision)
    if reason:
        raise PermissionDenied(reason)
    before = invoice.status
    note = (note or "").strip()
    if decision in (Decision.SEND_BACK, Decision.REJECT):
        _required(note, _("Bitte geben Sie einen Grund an."), "reason_required")
    recorded = ApprovalStep.objects.create(
        invoice=invoice, step=step, decision=decision, actor=actor, note=note
    )
    if decision == Decision.CONFIRM:
        _confirm(invoice, step, org_unit=org_unit, account=account, cost_centre=cost_centre)
    elif decision == Decision.SEND_BACK:
        invoice.status = PREVIOUS[step]
        _invalidate_from(invoice, invoice.status)
    else:
        invoice.status = ApprovalStatus.REJECTED
        invoice.rejection_reason = note
    invoice.escalation_level = 0
    invoice.save()
    audit_record(
        actor=actor,
        action=f"invoice.{step}.{decision}",
        obj=invoice,
        changes={
            "status": [before, invoice.status],
            **({"note": [None, note]} if note else {}),
            **(
                {"ordering_unit": [None, invoice.ordering_unit_id]}
                if step == Step.TRIAGE and decision == Decision.CONFIRM
                else {}
            ),
            **(
                {"account": [None, invoice.account], "cost_centre": [None, invoice.cost_centre]}
                if step == Step.ARITHMETIC and decision == Decision.CONFIRM
                else {}
            ),
        },
    )
    return recorded


def waiting_for(user, invoices):
    """The invoices among `invoices` whose open step `user` may take (the work queue; four
    eyes and limits are checked when deciding)."""
    if user.is_superuser:
        return invoices.filter(status__in=list(STEP_OF_STATUS))
    units = member_org_unit_ids(user)
    queue = Q(pk__in=[])
    if user.has_perm(PERMISSION[Step.FACTUAL]):
        queue |= Q(status=ApprovalStatus.FACTUAL, ordering_unit_id__in=units)
    if user.has_perm(PERMISSION[Step.ARITHMETIC]):
        queue |= Q(
            status__in=[ApprovalStatus.TRIAGE, ApprovalStatus.ARITHMETIC], org_unit_id__in=units
        )
    if user.has_perm(PERMISSION[Step.APPROVAL]):
        queue |= Q(status=ApprovalStatus.APPROVAL) & (
            Q(ordering_unit_id__in=units) | Q(org_unit_id__in=units)
        )
    return invoices.filter(queue)
