"""Celery tasks of the e-file core: thin, ids in, services do the work."""

import dataclasses
import logging

from celery import shared_task

from .services.reading import document_version_read

logger = logging.getLogger(__name__)


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


@shared_task(name="efile.paperless_pull")
def pull_from_paperless() -> dict:
    """Periodic pull from Paperless-ngx (Celery beat); does nothing while it is not set up.

    Not retried: every run is idempotent, the next scheduled run is the retry.
    """
    # Imported here: the connector reaches into the intake flow, which imports this app's
    # services; a module-level import would tie the task registry to that import order.
    from .connectors.paperless_sync import paperless_configured, paperless_pull

    if not paperless_configured():
        return {"skipped": "not configured"}
    result = paperless_pull()
    for message in [*result.errors, *result.failed]:
        logger.warning("Paperless-ngx pull: %s", message)
    return dataclasses.asdict(result)
