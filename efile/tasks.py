"""Celery tasks of the e-file core: thin, ids in, services do the work."""

from celery import shared_task

from .services.intake import intake_read


@shared_task(
    name="ocr.read_intake_item",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def read_intake_item(item_id: int) -> str:
    """Read (OCR) one received item; runs on the `ocr` queue. Repeating it is harmless."""
    return intake_read(item_id=item_id).status
