"""Meine Aufgaben: the open tasks of all flows a user may work on, with their deadlines.

Each source asks the department-scoped selectors of its domain (the same ones the pages
use) which objects the user may see, and Viewflow which tasks are open on them; a task is
either the user's own (assigned to them) or waits in a group queue they may claim from.
Resubmissions (Wiedervorlagen) due to the user or their departments are deadlines too.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task

from efile.models import IntakeItem, Resubmission
from efile.permissions import intake_items_visible, resubmission_visible_q
from invoicing.approval.decisions import waiting_for
from invoicing.models import OPEN_STATUSES
from invoicing.permissions import invoices_visible

from .intake import IntakeFlow
from .invoice_approval import InvoiceApprovalFlow

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


@dataclass(frozen=True)
class InboxEntry:
    kind: str  # intake | invoice | building | resubmission
    kind_label: str
    title: str  # the step to do, e.g. "Sachlich richtig"
    subject: str
    reference: str  # Aktenzeichen, invoice number or file name
    deadline: dt.date | None
    deadline_label: str
    url: str
    task: Task | None = None
    mine: bool = False  # assigned to the user (or a resubmission for them personally)
    can_claim: bool = False
    can_unclaim: bool = False

    @property
    def uid(self) -> str:
        return f"{self.kind}-{self.task.pk if self.task else self.url}"


def _open_tasks(objects: QuerySet, nodes) -> dict[int, Task]:
    """Open human tasks of `nodes` on `objects`, by object id (newest task wins)."""
    model = objects.model
    ids = list(objects.values_list("pk", flat=True))
    if not ids:
        return {}
    tasks = (
        Task.objects.filter(
            process__artifact_content_type=ContentType.objects.get_for_model(model),
            process__artifact_object_id__in=ids,
            flow_task__in=nodes,
            status__in=OPEN,
        )
        .select_related("process", "owner")
        .order_by("pk")
    )
    return {task.process.artifact_object_id: task for task in tasks}


def _task_entry(user, task: Task, **fields) -> InboxEntry:
    node = task.flow_task
    mine = task.owner_id == user.pk
    return InboxEntry(
        title=str(node.task_title or node.name),
        task=task,
        mine=mine,
        can_claim=task.owner_id is None and node.can_assign(user, task),
        can_unclaim=mine and node.can_unassign(user, task),
        **fields,
    )


def intake_entries(user) -> Iterable[InboxEntry]:
    items = intake_items_visible(user)
    tasks = _open_tasks(items, [IntakeFlow.file_item, IntakeFlow.review_failure])
    for item in IntakeItem.objects.filter(pk__in=tasks).select_related("org_unit"):
        yield _task_entry(
            user,
            tasks[item.pk],
            kind="intake",
            kind_label=_("Posteingang"),
            subject=item.filename,
            reference=item.org_unit.name,
            deadline=None,
            deadline_label="",
            url=reverse("efile:intake:item", args=[item.pk]),
        )


def invoice_entries(user) -> Iterable[InboxEntry]:
    visible = invoices_visible(user).filter(status__in=OPEN_STATUSES)
    nodes = [
        InvoiceApprovalFlow.triage,
        InvoiceApprovalFlow.factual,
        InvoiceApprovalFlow.arithmetic,
        InvoiceApprovalFlow.approval,
    ]
    tasks = _open_tasks(visible, nodes)
    workable = set(waiting_for(user, visible).values_list("pk", flat=True))
    for invoice in visible.filter(pk__in=tasks):
        task = tasks[invoice.pk]
        if invoice.pk not in workable and task.owner_id != user.pk:
            continue
        yield _task_entry(
            user,
            task,
            kind="invoice",
            kind_label=_("Rechnung"),
            subject=_("%(seller)s, %(amount)s %(currency)s")
            % {
                "seller": invoice.seller_name or "–",
                "amount": invoice.amount_due if invoice.amount_due is not None else "–",
                "currency": invoice.currency,
            },
            reference=invoice.number or invoice.filename,
            deadline=invoice.deadline,
            deadline_label=_("Skontofrist") if invoice.skonto_until else _("Zahlungsfrist"),
            url=reverse("invoicing:invoices:detail", args=[invoice.pk]),
        )


def building_entries(user) -> Iterable[InboxEntry]:
    from .building_application import open_tasks_for

    for task, application, deadline in open_tasks_for(user):
        yield _task_entry(
            user,
            task,
            kind="building",
            kind_label=_("Bauantrag"),
            subject=f"{application.get_project_kind_display()}, {application.site_address}",
            reference=application.efile.reference,
            deadline=deadline,
            deadline_label=_("Frist") if deadline else "",
            url=reverse("building:applications:detail", args=[application.pk]),
        )


def resubmission_entries(user) -> Iterable[InboxEntry]:
    due = Resubmission.objects.filter(resubmission_visible_q(user), done_at__isnull=True)
    for resubmission in due.select_related("efile"):
        yield InboxEntry(
            kind="resubmission",
            kind_label=_("Wiedervorlage"),
            title=_("Wiedervorlage"),
            subject=resubmission.note,
            reference=resubmission.efile.reference,
            deadline=resubmission.due_on,
            deadline_label=_("Wiedervorlage"),
            url=reverse("efile:efiles:detail", args=[resubmission.efile_id]),
            mine=resubmission.user_id == user.pk,
        )


SOURCES: list[Callable[[object], Iterable[InboxEntry]]] = [
    intake_entries,
    invoice_entries,
    building_entries,
    resubmission_entries,
]


def _urgency(entry: InboxEntry):
    return (entry.deadline is None, entry.deadline or dt.date.max, entry.kind, entry.reference)


def inbox_entries(user, *, kind: str = "") -> list[InboxEntry]:
    """Everything waiting for `user`, most urgent first (a deadline before none)."""
    if not user.is_authenticated or not user.is_active:
        return []
    entries = [entry for source in SOURCES for entry in source(user)]
    if kind:
        entries = [entry for entry in entries if entry.kind == kind]
    return sorted(entries, key=_urgency)


def _lock(task: Task):
    return task.flow_task.flow_class.lock(task.process_id)


def task_claim(*, user, task: Task) -> None:
    """Take a task from the group queue; the node decides who may (department rules)."""
    with _lock(task), transaction.atomic():
        task.refresh_from_db()
        node = task.flow_task
        if task.status != STATUS.NEW or not node.can_assign(user, task):
            raise PermissionDenied(_("Sie können diese Aufgabe nicht übernehmen."))
        node.activation_class(task).assign(user)


def task_unclaim(*, user, task: Task) -> None:
    """Put one's own task back into the group queue."""
    with _lock(task), transaction.atomic():
        task.refresh_from_db()
        node = task.flow_task
        if task.status != STATUS.ASSIGNED or not node.can_unassign(user, task):
            raise PermissionDenied(_("Sie können diese Aufgabe nicht zurückgeben."))
        node.activation_class(task).unassign()


def visible_task(user, task_id: int) -> Task:
    """A task of the user's inbox (so claim/unclaim cannot reach other departments')."""
    for entry in inbox_entries(user):
        if entry.task is not None and entry.task.pk == task_id:
            return entry.task
    raise PermissionDenied(_("Diese Aufgabe gehört nicht zu Ihren Aufgaben."))
