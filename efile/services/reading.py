"""Reading documents filed directly into an e-file (upload, new version), so that their text
is searchable like that of everything that came through the intake.

The version's bytes never change: the text is derived data, written once into the empty
`text` field; a searchable PDF made by OCR becomes a new version derived from the original.
"""

import io
import logging

from django.db import transaction
from django.db.models import Max

from ocr.pipeline import RejectedInput, read_document

from ..audit import audit_record, diff, snapshot
from ..blobs import blob_read, blob_store
from ..models import Document, DocumentVersion
from .common import VERSION_FIELDS

logger = logging.getLogger(__name__)


def queue_version_reading(version: DocumentVersion) -> None:
    if version.derived_from_id is not None or version.text:
        return
    from ..tasks import read_document_version

    transaction.on_commit(lambda: read_document_version.delay(version.pk))


def document_version_read(*, version_id: int) -> DocumentVersion:
    """Extract the text of a version (text layer or OCR). Safe to repeat: a version that
    has text or a derivative already is returned unchanged. A file the reader refuses stays
    as it is, downloadable but not full-text searchable; the reason is logged."""
    version = DocumentVersion.objects.get(pk=version_id)
    if version.text or version.derivatives.exists():
        return version
    try:
        result = read_document(blob_read(version.blob), filename=version.filename)
    except RejectedInput as rejected:
        logger.info("Version %s not readable: %s", version.pk, rejected.message_de)
        return version
    searchable = blob_store(io.BytesIO(result.searchable_pdf)) if result.searchable_pdf else None
    with transaction.atomic():
        Document.objects.select_for_update().get(pk=version.document_id)
        written = DocumentVersion.objects.filter(pk=version.pk, text="").update(
            text=result.text, ocr_confidence=result.mean_confidence
        )
        if not written or version.derivatives.exists():
            return version
        audit_record(
            actor=None,
            action="documentversion.read",
            obj=version,
            changes={"text": ["", f"{len(result.text)} Zeichen"]},
        )
        if searchable is not None:
            last = version.document.versions.aggregate(last=Max("number"))["last"]
            derived = DocumentVersion.objects.create(
                document_id=version.document_id,
                number=last + 1,
                sha256=searchable.sha256,
                blob=searchable.name,
                filename=f"{version.filename.rsplit('.', 1)[0]}-durchsuchbar.pdf",
                mime_type="application/pdf",
                size=searchable.size,
                page_count=result.page_count,
                derived_from=version,
            )
            audit_record(
                actor=None,
                action="documentversion.create",
                obj=derived,
                changes=diff({}, snapshot(derived, VERSION_FIELDS)),
            )
    version.refresh_from_db()
    return version
