"""The invoice approval flow: from a validated e-invoice to payment and the supplier's e-file.

    receive ─▶ is_valid ─no──▶ reject ─▶ end
                  └─yes─▶ route ─▶ next_step ─▶ triage / factual / arithmetic / approval
                                      ▲                   │ (each task decides)
                                      └───────────────────┘
                          next_step ─approved─▶ await_payment ─▶ file ─▶ end
                          next_step ─rejected─▶ reject ─▶ end

Every task (Zuständigkeit klären, Sachlich richtig, Rechnerisch richtig, Anordnung) records its
decision through `invoicing.approval.decisions`, which enforces department, four eyes and
approval limits, and then `next_step` reads the invoice's status: confirm moves on, a send-back
goes one step back, a rejection ends with a notice to the supplier. Two Anordnungen above the
matrix threshold are two passes through `approval`. `await_payment` is a `flow.Handle` that
the payment run completes.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import STATUS, flow, lock
from viewflow.workflow.models import Process, Task

from invoicing.approval.decisions import STEP_OF_STATUS, decision_record, may_work_on
from invoicing.approval.filing import invoice_file_or_log
from invoicing.approval.notices import rejection_notice_create
from invoicing.approval.payment import payment_run_create
from invoicing.approval.routing import ordering_unit_for
from invoicing.models import ApprovalStatus, ReceivedInvoice, Verdict
from invoicing.services import invoice_receive

SYSTEM = None


class InvoiceTask(flow.View):
    """A human step; who may take it is decided by the approval rules, not only by a model
    permission (Viewflow's default)."""

    def __init__(self, *args, step: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.step = step

    def _allowed(self, user, task) -> bool:
        invoice = invoice_of(task.process)
        return invoice is not None and may_work_on(user, invoice, self.step)

    def can_assign(self, user, task):
        return task.owner_id is None and self._allowed(user, task)

    def can_execute(self, user, task):
        return task.owner_id == user.pk and self._allowed(user, task)

    def can_unassign(self, user, task):
        return task.owner_id == user.pk or user.is_superuser


def _invoice_page(request, **kwargs):  # the decisions are taken on the invoice page
    from django.shortcuts import redirect

    task = Task.objects.get(pk=kwargs["task_pk"])
    return redirect("invoicing:invoices:detail", pk=task.process.artifact_object_id)


def _status_is(status: str):
    def check(activation) -> bool:
        return invoice_of(activation.process).status == status

    return check


class InvoiceApprovalFlow(flow.Flow):
    process_title = _("Rechnungsfreigabe")
    process_description = _(
        "Eine E-Rechnung wird sachlich und rechnerisch geprüft, angeordnet, bezahlt und in "
        "der Kreditorenakte abgelegt."
    )
    lock_impl = lock.select_for_update_lock

    receive = flow.StartHandle(this.start_process).Next(this.is_valid)
    is_valid = flow.If(this.valid).Annotation(title=_("Gültig?")).Then(this.route).Else(this.reject)
    route = (
        flow.Function(this.route_invoice)
        .Annotation(title=_("Bestellende Stelle ermitteln"))
        .Next(this.next_step)
    )
    next_step = (
        flow.Switch()
        .Annotation(title=_("Nächster Schritt"))
        .Case(this.triage, _status_is(ApprovalStatus.TRIAGE))
        .Case(this.factual, _status_is(ApprovalStatus.FACTUAL))
        .Case(this.arithmetic, _status_is(ApprovalStatus.ARITHMETIC))
        .Case(this.approval, _status_is(ApprovalStatus.APPROVAL))
        .Case(this.await_payment, _status_is(ApprovalStatus.APPROVED))
        .Default(this.reject)
    )
    triage = (
        InvoiceTask(_invoice_page, step="triage")
        .Annotation(title=_("Zuständigkeit klären"))
        .Next(this.next_step)
    )
    factual = (
        InvoiceTask(_invoice_page, step="factual")
        .Annotation(title=_("Sachlich richtig"))
        .Next(this.next_step)
    )
    arithmetic = (
        InvoiceTask(_invoice_page, step="arithmetic")
        .Annotation(title=_("Rechnerisch richtig"))
        .Next(this.next_step)
    )
    approval = (
        InvoiceTask(_invoice_page, step="approval")
        .Annotation(title=_("Anordnung"))
        .Next(this.next_step)
    )
    await_payment = flow.Handle().Annotation(title=_("Zahlung")).Next(this.file)
    file = flow.Function(this.file_invoice).Annotation(title=_("Ablegen")).Next(this.end)
    reject = flow.Function(this.reject_invoice).Annotation(title=_("Zurückweisen")).Next(this.end)
    end = flow.End()

    def start_process(self, activation, invoice: ReceivedInvoice):
        activation.process.artifact = invoice
        activation.process.data = {"invoice": invoice.pk, "number": invoice.number}
        activation.process.save()
        return activation.process

    def valid(self, activation) -> bool:
        """Only invalid invoices are rejected; one that could not be checked goes to
        accounting (triage), never back to the supplier."""
        return invoice_of(activation.process).verdict != Verdict.INVALID

    def route_invoice(self, activation):
        invoice = invoice_of(activation.process)
        invoice.ordering_unit = ordering_unit_for(invoice)
        checked = invoice.verdict == Verdict.VALID
        invoice.status = (
            ApprovalStatus.FACTUAL if invoice.ordering_unit and checked else ApprovalStatus.TRIAGE
        )
        invoice.save(update_fields=["ordering_unit", "status"])

    def file_invoice(self, activation):
        invoice_file_or_log(invoice=invoice_of(activation.process))

    def reject_invoice(self, activation):
        invoice = invoice_of(activation.process)
        if invoice.status != ApprovalStatus.REJECTED:
            invoice.status = ApprovalStatus.REJECTED
            invoice.save(update_fields=["status"])
        rejection_notice_create(actor=SYSTEM, invoice=invoice)
        invoice_file_or_log(invoice=invoice)

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated and user.has_perm("invoicing.view_receivedinvoice")

    def has_manage_permission(self, user, obj=None):
        return user.is_authenticated and user.is_superuser


def invoice_of(process) -> ReceivedInvoice | None:
    return ReceivedInvoice.objects.filter(pk=process.artifact_object_id).first()


def process_of(invoice: ReceivedInvoice) -> Process | None:
    return (
        Process.objects.filter(
            flow_class=InvoiceApprovalFlow,
            artifact_content_type=ContentType.objects.get_for_model(ReceivedInvoice),
            artifact_object_id=invoice.pk,
        )
        .order_by("-pk")
        .first()
    )


_HUMAN_TASKS = ("triage", "factual", "arithmetic", "approval")


def open_task(invoice: ReceivedInvoice) -> Task | None:
    process = process_of(invoice)
    if process is None:
        return None
    nodes = [getattr(InvoiceApprovalFlow, name) for name in _HUMAN_TASKS]
    return (
        process.task_set.filter(
            flow_task__in=nodes, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
        )
        .order_by("-pk")
        .first()
    )


def approval_start(invoice: ReceivedInvoice) -> None:
    """Start the approval flow for a newly received invoice (once)."""
    if invoice.status == ApprovalStatus.RECEIVED and process_of(invoice) is None:
        InvoiceApprovalFlow.receive.run(invoice=invoice)


@transaction.atomic
def invoice_start(**kwargs) -> tuple[ReceivedInvoice, bool]:
    """Receive an e-invoice (`invoicing.services.invoice_receive`) and start its approval."""
    invoice, created = invoice_receive(**kwargs)
    if created:
        approval_start(invoice)
        invoice.refresh_from_db()
    return invoice, created


def invoice_claim(*, actor, invoice: ReceivedInvoice) -> Task:
    """Take the invoice's open task into one's own work (Übernehmen)."""
    task = open_task(invoice)
    if task is None:
        raise PermissionDenied("no open task")
    with InvoiceApprovalFlow.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        node = task.flow_task
        if task.status != STATUS.NEW or not node.can_assign(actor, task):
            raise PermissionDenied(_("Sie können diese Aufgabe nicht übernehmen."))
        node.activation_class(task).assign(actor)
    return task


def invoice_decide(
    *, actor, invoice: ReceivedInvoice, decision: str, task_id: int | None = None, **details
) -> ReceivedInvoice:
    """Take `decision` on the invoice's open step and let the flow go on, atomically. The
    rules (department, four eyes, limits) are checked by `decision_record`. With `task_id`
    the decision is meant for that task only (refused once it is done)."""
    task = open_task(invoice)
    if task is None:
        raise PermissionDenied(_("Für diese Rechnung ist keine Aufgabe offen."))
    with InvoiceApprovalFlow.lock(task.process_id), transaction.atomic():
        task.refresh_from_db()
        invoice = ReceivedInvoice.objects.select_for_update().get(pk=invoice.pk)
        step = STEP_OF_STATUS.get(invoice.status)
        stale = task_id is not None and task_id != task.pk
        if stale or step is None or task.flow_task.step != step:
            raise PermissionDenied(_("Diese Aufgabe ist bereits erledigt."))
        if task.owner_id not in (None, actor.pk):
            raise PermissionDenied(
                _("Diese Aufgabe bearbeitet %(name)s.")
                % {"name": task.owner.get_full_name() or task.owner.get_username()}
            )
        decision_record(actor=actor, invoice=invoice, step=step, decision=decision, **details)
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            activation.assign(actor)
        if task.status == STATUS.ASSIGNED:
            activation.start(None)
        activation.execute()
    invoice.refresh_from_db()
    return invoice


def payment_done(invoice: ReceivedInvoice) -> None:
    """Complete `await_payment` of a paid invoice: the flow files it and ends. Idempotent."""
    process = process_of(invoice)
    if process is None:
        return
    with InvoiceApprovalFlow.lock(process.pk), transaction.atomic():
        task = (
            process.task_set.select_for_update()
            .filter(flow_task=InvoiceApprovalFlow.await_payment, status=STATUS.NEW)
            .first()
        )
        if task is not None:
            InvoiceApprovalFlow.await_payment.run(task)


def payment_run_start(*, actor, org_unit_ids, execution_date=None):
    """Create a payment run (`invoicing.approval.payment.payment_run_create`) and let each
    paid invoice's flow go on to filing. Returns `(run, plan)`."""
    run, plan = payment_run_create(
        actor=actor, org_unit_ids=org_unit_ids, execution_date=execution_date
    )
    if run is not None:
        for invoice in run.invoices.all():
            payment_done(invoice)
    return run, plan
