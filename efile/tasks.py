"""Celery tasks of the e-file core: thin, ids in, services do the work."""

from celery import shared_task

from .services.reading import document_version_read


@shared_task(
    name="ocr.read_document_version",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def read_document_version(version_id: int) -> int:
    """Extract the text of a version filed directly into an e-file (queue `ocr`)."""
    return len(document_version_read(version_id=version_id).text)
