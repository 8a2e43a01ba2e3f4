"""The intake flow: a received item is read (OCR) by a Celery job, classified, and filed by
a clerk of its department into an e-file — or reviewed in the error queue (Fehlerablage).

    receive ─▶ read ─▶ is_readable ─yes─▶ classify ─▶ file_item (Zuordnen) ─▶ end
                 ▲            └──no──▶ review_failure ─▶ was_retried ─no─▶ end
                 └────────────────────────────────────────────┘ yes

`read` is a `flow.Handle`: Viewflow's open-source edition has no job node, so the Celery task
`ocr.read_intake_item` reads the item and then completes that node. Viewflow checks only model
permissions for its task views; `DepartmentTask` adds the department check, so a clerk sees and
works on the items of their own inboxes only.
"""

import io

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import STATUS, flow, lock

from efile.blobs import blob_open, blob_read
from efile.models import IntakeChannel, IntakeItem, IntakeStatus
from efile.permissions import intake_items_visible
from efile.services.intake import intake_hand_over, intake_pdf, intake_receive, intake_replace
from invoicing.models import InvoiceChannel
from invoicing.syntax import detect
from ocr.assemble import PageRangeError, parse_ranges, pdf_concat, pdf_pages

from .invoice_approval import invoice_start
from .models import IntakeProcess


def _may_be_einvoice(item: IntakeItem) -> bool:
    return item.mime_type in ("application/pdf", "application/xml", "text/xml")


def may_work_on(user, process) -> bool:
    return intake_items_visible(user).filter(pk=process.artifact_object_id).exists()


class DepartmentTask(flow.View):
    """A clerk task that only members of the item's department may take and execute."""

    def can_assign(self, user, task):
        return super().can_assign(user, task) and may_work_on(user, task.process)

    def can_execute(self, user, task):
        return super().can_execute(user, task) and may_work_on(user, task.process)

    def can_unassign(self, user, task):
        return super().can_unassign(user, task) and may_work_on(user, task.process)


def _file_view(**kwargs):
    from .views.intake import IntakeFileTaskView

    return IntakeFileTaskView.as_view(**kwargs)


class IntakeFlow(flow.Flow):
    process_class = IntakeProcess
    process_title = _("Posteingang")
    process_description = _("Ein eingegangenes Dokument wird gelesen und einer E-Akte zugeordnet.")
    lock_impl = lock.select_for_update_lock

    receive = flow.StartHandle(this.start_process).Next(this.read)
    read = flow.Handle().Annotation(title=_("Lesen (OCR)")).Next(this.is_readable)
    is_readable = (
        flow.If(this.readable)
        .Annotation(title=_("Lesbar?"))
        .Then(this.classify)
        .Else(this.review_failure)
    )
    classify = (
        flow.Function(this.classify_item).Annotation(title=_("Einordnen")).Next(this.is_einvoice)
    )
    is_einvoice = (
        flow.If(this.einvoice)
        .Annotation(title=_("E-Rechnung?"))
        .Then(this.hand_over_invoice)
        .Else(this.file_item)
    )
    hand_over_invoice = (
        flow.Function(this.hand_over)
        .Annotation(title=_("An den Rechnungseingang übergeben"))
        .Next(this.end)
    )
    file_item = (
        DepartmentTask(this.file_view)
        .Annotation(title=_("Zuordnen"))
        .Permission("efile.add_document")
        .Next(this.end)
    )
    review_failure = (
        DepartmentTask(this.failure_view)
        .Annotation(title=_("Fehlerablage prüfen"))
        .Permission("efile.add_document")
        .Next(this.was_retried)
    )
    was_retried = (
        flow.If(this.retried).Annotation(title=_("Erneut lesen?")).Then(this.read).Else(this.end)
    )
    end = flow.End()

    @property
    def file_view(self):
        return _file_view()

    @property
    def failure_view(self):
        return _file_view(failure_review=True)

    def start_process(self, activation, item: IntakeItem):
        activation.process.artifact = item
        activation.process.data = {"filename": item.filename, "org_unit": item.org_unit.code}
        activation.process.save()
        return activation.process

    def readable(self, activation) -> bool:
        return activation.process.is_readable()

    def retried(self, activation) -> bool:
        return activation.process.was_retried()

    def classify_item(self, activation):
        """Record what the item was recognised as: an e-invoice (XML invoice, or a PDF with
        embedded invoice XML) goes to the invoice reception; for anything else the clerk
        sees the recognised kind as suggestion."""
        item = activation.process.item
        detection = detect(blob_read(item.blob)) if _may_be_einvoice(item) else None
        activation.process.data = {
            **activation.process.data,
            "kind": item.suggested_kind,
            "einvoice": bool(detection and detection.syntax),
        }
        activation.process.save(update_fields=["data"])

    def einvoice(self, activation) -> bool:
        return bool(activation.process.data.get("einvoice"))

    def hand_over(self, activation):
        item = activation.process.item
        with blob_open(item.blob) as stream:
            invoice, _created = invoice_start(
                actor=None,
                org_unit=item.org_unit,
                stream=stream,
                filename=item.filename,
                channel=InvoiceChannel.INTAKE,
                intake_item=item,
            )
        intake_hand_over(item=item, status=IntakeStatus.INVOICE, target=invoice)
        activation.process.data = {**activation.process.data, "invoice": invoice.pk}
        activation.process.save(update_fields=["data"])

    def has_view_permission(self, user, obj=None):
        if obj is not None:
            return may_work_on(user, getattr(obj, "process", obj))
        return user.is_authenticated and user.has_perm("efile.add_document")

    def has_manage_permission(self, user, obj=None):
        return user.is_authenticated and user.is_superuser


def _item_type() -> ContentType:
    return ContentType.objects.get_for_model(IntakeItem)


def process_of(item: IntakeItem) -> IntakeProcess | None:
    return (
        IntakeProcess.objects.filter(artifact_content_type=_item_type(), artifact_object_id=item.pk)
        .order_by("-pk")
        .first()
    )


def open_task(item: IntakeItem):
    """The clerk task waiting for `item` (Zuordnen or Fehlerablage), or None."""
    process = process_of(item)
    if process is None:
        return None
    return (
        process.task_set.filter(
            flow_task__in=[IntakeFlow.file_item, IntakeFlow.review_failure],
            status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
        )
        .order_by("-pk")
        .first()
    )


def queue_reading(item: IntakeItem) -> None:
    from .tasks import read_intake_item

    transaction.on_commit(lambda: read_intake_item.delay(item.pk))


@transaction.atomic
def intake_start(
    *, actor, org_unit, stream, filename: str, channel: str = IntakeChannel.UPLOAD
) -> tuple[IntakeItem, bool]:
    """Take a file in (stored first, see `intake_receive`) and start its intake flow.

    An item refused at receipt (empty, too large, already filed) goes straight to the
    Fehlerablage task; every other item is queued for reading.
    """
    item, created = intake_receive(
        actor=actor, org_unit=org_unit, stream=stream, filename=filename, channel=channel
    )
    if created:
        IntakeFlow.receive.run(item=item)
        if item.status == IntakeStatus.RECEIVED:
            queue_reading(item)
        else:
            reading_done(item_id=item.pk)
    return item, created


def reading_done(*, item_id: int) -> bool:
    """Complete the `read` node of the item's flow once the item is read or has failed.

    Idempotent: a redelivered job finds no waiting `read` task and changes nothing.
    """
    item = IntakeItem.objects.get(pk=item_id)
    if item.status == IntakeStatus.RECEIVED:
        return False
    process = process_of(item)
    if process is None:
        return False
    with transaction.atomic():
        task = (
            process.task_set.select_for_update()
            .filter(flow_task=IntakeFlow.read, status=STATUS.NEW)
            .first()
        )
        if task is None:
            return False
        IntakeFlow.read.run(task)
    return True


def take_task(*, user, item: IntakeItem) -> str | None:
    """Assign the item's open clerk task to `user` if it is free and they may work on it;
    return the task's URL when `user` may execute it, else None."""
    task = open_task(item)
    if task is None:
        return None
    node = task.flow_task
    if task.status == STATUS.NEW and node.can_assign(user, task):
        with IntakeFlow.lock(task.process_id), transaction.atomic():
            task.refresh_from_db()
            if task.status == STATUS.NEW:
                node.activation_class(task).assign(user)
    if not node.can_execute(user, task):
        return None
    return node.reverse("execute", args=[task.process_id, task.pk])


def _finish_clerk_task(*, user, item: IntakeItem) -> None:
    """Complete the item's Zuordnen task on behalf of `user` (after a split or merge).

    Assigning from code does not check permissions in Viewflow, so this does.
    """
    task = open_task(item)
    if task is None or task.flow_task is not IntakeFlow.file_item:
        raise ValidationError(
            gettext("„%(name)s“ wartet nicht auf die Zuordnung.") % {"name": item.filename}
        )
    node = task.flow_task
    with IntakeFlow.lock(task.process_id):
        task.refresh_from_db()
        activation = node.activation_class(task)
        if task.status == STATUS.NEW:
            if not node.can_assign(user, task):
                raise PermissionDenied(gettext("Sie dürfen diesen Eingang nicht bearbeiten."))
            activation.assign(user)
        if not node.can_execute(user, task):
            raise PermissionDenied(
                gettext("„%(name)s“ wird von jemand anderem bearbeitet.") % {"name": item.filename}
            )
        if task.status == STATUS.ASSIGNED:
            activation.start(None)
        activation.execute()


def _part_name(item: IntakeItem, label: str) -> str:
    stem = item.filename.rsplit(".", 1)[0]
    return f"{stem} ({label}).pdf"


@transaction.atomic
def intake_split(*, actor, item: IntakeItem, ranges: str) -> list[IntakeItem]:
    """Split a waiting item into parts by page ranges ("1-2, 3-5"); each part is a new item
    with its own flow, the item itself stays stored and leaves the inbox as `Aufgeteilt`."""
    data = intake_pdf(item)
    if data is None or not item.page_count or item.page_count < 2:
        raise ValidationError(
            gettext("Nur Dokumente mit mehreren Seiten können aufgeteilt werden.")
        )
    try:
        parts = parse_ranges(ranges, item.page_count)
    except PageRangeError as error:
        raise ValidationError(error.message_de) from error
    new_items = []
    for pages in parts:
        label = f"S. {pages[0]}" if len(pages) == 1 else f"S. {pages[0]}–{pages[-1]}"
        part, _created = intake_start(
            actor=actor,
            org_unit=item.org_unit,
            stream=io.BytesIO(pdf_pages(data, pages)),
            filename=_part_name(item, label),
            channel=item.channel,
        )
        new_items.append(part)
    intake_replace(actor=actor, sources=[item], parts=new_items, status=IntakeStatus.SPLIT)
    _finish_clerk_task(user=actor, item=item)
    return new_items


@transaction.atomic
def intake_merge(*, actor, items: list[IntakeItem]) -> IntakeItem:
    """Join waiting items (in the given order) into one new item with its own flow; the
    sources stay stored and leave the inbox as `Zusammengeführt`."""
    if len(items) < 2:
        raise ValidationError(gettext("Zum Zusammenführen braucht es mindestens zwei Eingänge."))
    if len({item.org_unit_id for item in items}) != 1:
        raise ValidationError(
            gettext("Nur Eingänge desselben Posteingangs können zusammengeführt werden.")
        )
    documents = []
    for item in items:
        data = intake_pdf(item)
        if data is None:
            raise ValidationError(
                gettext("„%(name)s“ hat keine Seiten und kann nicht zusammengeführt werden.")
                % {"name": item.filename}
            )
        documents.append(data)
    merged, _created = intake_start(
        actor=actor,
        org_unit=items[0].org_unit,
        stream=io.BytesIO(pdf_concat(documents)),
        filename=_part_name(items[0], gettext("zusammengeführt")),
        channel=items[0].channel,
    )
    intake_replace(actor=actor, sources=items, parts=[merged], status=IntakeStatus.MERGED)
    for item in items:
        _finish_clerk_task(user=actor, item=item)
    return merged
