"""Celery tasks of the flows: thin, ids in; services do the work, the flow goes on."""

from celery import shared_task

from efile.services.intake import intake_read

from .intake import reading_done


@shared_task(
    name="ocr.read_intake_item",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def read_intake_item(item_id: int) -> str:
    """Read (OCR) one received item, then complete its flow's `read` node.

    Runs on the `ocr` queue and is acknowledged only when done, so a job of a killed worker is
    delivered again; both steps are idempotent, so the item is processed exactly once.
    """
    item = intake_read(item_id=item_id)
    reading_done(item_id=item_id)
    return item.status


@shared_task(name="workflows.building_deadlines")
def building_deadlines() -> dict:
    """Daily (Celery beat): deadline reminders to applicants and Fachstellen, and hand
    applications whose Nachforderung deadline has passed to the clerk."""
    from .building.deadlines import nachforderung_reminders_send, statement_reminders_send
    from .building_application import overdue_nachforderungen_escalate

    return {
        "applicant_reminders": nachforderung_reminders_send(),
        "statement_reminders": statement_reminders_send(),
        "overdue": overdue_nachforderungen_escalate(),
    }
