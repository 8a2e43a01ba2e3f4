"""Taking documents in: store the original first, read it, then file it or record why not.

Nothing received is ever lost: the original bytes are stored before any check that could
fail, and a file that cannot be read ends in the error queue (Fehlerablage) with a German
reason, its original still downloadable.
"""

import io
import logging
import re
import unicodedata
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from ocr.email import mail_parts
from ocr.pipeline import RejectedInput, read_document
from ocr.sniff import sniff

from ..audit import audit_record, diff, snapshot
from ..blobs import blob_open, blob_read, blob_store
from ..classification import suggest_kind
from ..models import (
    Document,
    DocumentKind,
    DocumentVersion,
    EFile,
    IntakeChannel,
    IntakeItem,
    IntakeStatus,
    OrgUnit,
    Party,
)
from ..permissions import is_member
from .common import DOCUMENT_FIELDS, VERSION_FIELDS, is_system
from .documents import lock_efile_for_upload, reject_duplicate

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[\\/]")


def safe_filename(filename: str) -> str:
    """A storable name for whatever a channel delivered: no path parts, no control
    characters, never empty. Intake keeps the file and fixes the name rather than refusing."""
    name = unicodedata.normalize("NFC", filename or "")
    name = _UNSAFE.split(name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf")).strip()
    name = name.lstrip(".")
    return name[:255] or _("unbenannt")


def _check_may_receive(actor, org_unit: OrgUnit) -> None:
    if is_system(actor) or actor.is_superuser:
        return
    if not actor.has_perm("efile.add_document") or not is_member(actor, org_unit):
        raise PermissionDenied(
            _("Sie dürfen in den Posteingang von „%(unit)s“ nichts einliefern.")
            % {"unit": org_unit.name}
        )


def _earlier_copy(sha256: str) -> tuple[IntakeItem | None, DocumentVersion | None]:
    item = (
        IntakeItem.objects.filter(sha256=sha256)
        .exclude(status=IntakeStatus.FAILED)
        .order_by("id")
        .first()
    )
    if item is not None:
        return item, None
    version = (
        DocumentVersion.objects.filter(sha256=sha256)
        .select_related("document__efile")
        .order_by("id")
        .first()
    )
    return None, version


@transaction.atomic
def intake_receive(
    *,
    actor,
    org_unit: OrgUnit,
    stream: IO[bytes],
    filename: str,
    channel: str = IntakeChannel.UPLOAD,
) -> tuple[IntakeItem, bool]:
    """Store a received file and put it into the department's intake inbox.

    Reading is started by the intake flow (`workflows.intake.intake_start`), not here.
    Returns `(item, created)`. Bytes that were taken in before come back as the earlier item
    with `created=False` and are not stored twice; bytes already filed in an e-file become a
    failed item that names the e-file, so the sender's duplicate is visible, not dropped.
    """
    _check_may_receive(actor, org_unit)
    stored = blob_store(stream)
    earlier, filed = _earlier_copy(stored.sha256)
    if earlier is not None:
        return earlier, False
    item = IntakeItem.objects.create(
        org_unit=org_unit,
        channel=channel,
        filename=safe_filename(filename),
        sha256=stored.sha256,
        blob=stored.name,
        size=stored.size,
        mime_type=sniff(stored.head).mime_type,
        received_by=None if is_system(actor) else actor,
    )
    audit_record(
        actor=actor,
        action="intake.receive",
        obj=item,
        changes={"filename": [None, item.filename], "sha256": [None, item.sha256]},
    )
    if stored.size == 0:
        intake_fail(item=item, code="empty", reason=_("Die Datei ist leer (0 Bytes)."))
    elif stored.size > settings.AKTENFLUSS_MAX_UPLOAD_BYTES:
        intake_fail(
            item=item,
            code="too_large",
            reason=_("Die Datei ist %(size)s groß; erlaubt sind höchstens %(limit)s.")
            % {
                "size": filesizeformat(stored.size),
                "limit": filesizeformat(settings.AKTENFLUSS_MAX_UPLOAD_BYTES),
            },
        )
    elif filed is not None:
        intake_fail(
            item=item,
            code="duplicate",
            reason=_("Diese Datei liegt bereits in der Akte %(reference)s als „%(title)s“ vor.")
            % {"reference": filed.document.efile.reference, "title": filed.document.title},
        )
    return item, True


@transaction.atomic
def intake_fail(*, item: IntakeItem, code: str, reason: str) -> IntakeItem:
    """Move an item to the error queue with a German reason a clerk understands."""
    item.status = IntakeStatus.FAILED
    item.failure_code = code
    item.failure_reason = reason
    item.save(update_fields=["status", "failure_code", "failure_reason"])
    audit_record(
        actor=None, action="intake.fail", obj=item, changes={"reason": [None, f"{code}: {reason}"]}
    )
    return item


def _mail_text(data: bytes) -> str:
    parts = mail_parts(data)
    header = "\n".join(
        f"{label}: {value}"
        for label, value in ((_("Von"), parts.sender), (_("Betreff"), parts.subject))
        if value
    )
    return "\n\n".join(text for text in (header, parts.body_text.strip()) if text) or _(
        "(E-Mail ohne Absender, Betreff und Text)"
    )


def intake_read(*, item_id: int) -> IntakeItem:
    """Read (OCR) a received item and record the text or the reason it could not be read.

    Runs outside a transaction: reading takes seconds to minutes and must not hold locks.
    Safe to repeat: an item that is no longer waiting to be read is returned unchanged.
    """
    item = IntakeItem.objects.get(pk=item_id)
    if item.status != IntakeStatus.RECEIVED:
        return item
    IntakeItem.objects.filter(pk=item.pk).update(attempts=item.attempts + 1)
    data = blob_read(item.blob)
    try:
        if item.mime_type == "message/rfc822":
            # The attachments were taken in as items of their own; the mail keeps its text,
            # headed by sender and subject, so a mail with an empty body is still fileable.
            result = read_document(_mail_text(data).encode(), filename="mail.txt")
        else:
            result = read_document(data, filename=item.filename)
    except RejectedInput as rejected:
        return intake_fail(item=item, code=rejected.code, reason=rejected.message_de)
    except OSError:
        raise  # transient (storage, memory): the Celery task retries
    except Exception:
        # A reader bug must not lose the document: it waits in the error queue for a retry.
        logger.exception("Reading intake item %s failed", item.pk)
        return intake_fail(
            item=item,
            code="internal",
            reason=_(
                "Beim Lesen ist ein unerwarteter Fehler aufgetreten. Das Original ist "
                "gespeichert; bitte später erneut lesen lassen oder von Hand zuordnen."
            ),
        )
    searchable = blob_store(io.BytesIO(result.searchable_pdf)).name if result.searchable_pdf else ""
    with transaction.atomic():
        item = IntakeItem.objects.select_for_update().get(pk=item.pk)
        if item.status != IntakeStatus.RECEIVED:
            return item
        item.text = result.text
        item.page_count = result.page_count
        item.mean_confidence = result.mean_confidence
        item.searchable_blob = searchable
        item.suggested_kind = suggest_kind(mime_type=item.mime_type, text=result.text)
        item.status = IntakeStatus.TO_FILE
        item.save()
        audit_record(
            actor=None,
            action="intake.read",
            obj=item,
            changes={
                "status": [IntakeStatus.RECEIVED, IntakeStatus.TO_FILE],
                "page_count": [None, item.page_count],
                "suggested_kind": [None, item.suggested_kind],
            },
        )
    return item


@transaction.atomic
def intake_retry(*, actor, item: IntakeItem) -> IntakeItem:
    """Put a failed item back to be read again (after a transient failure); the intake flow
    queues the reading."""
    _check_may_receive(actor, item.org_unit)
    item = IntakeItem.objects.select_for_update().get(pk=item.pk)
    if item.status != IntakeStatus.FAILED:
        raise ValidationError(_("Nur Einträge der Fehlerablage können erneut gelesen werden."))
    before = item.failure_code
    item.status = IntakeStatus.RECEIVED
    item.failure_code = ""
    item.failure_reason = ""
    item.save(update_fields=["status", "failure_code", "failure_reason"])
    audit_record(actor=actor, action="intake.retry", obj=item, changes={"failure": [before, ""]})
    return item


@transaction.atomic
def intake_file(
    *,
    actor,
    item: IntakeItem,
    efile: EFile,
    title: str = "",
    kind: str = DocumentKind.LETTER,
    received_on=None,
    sender: Party | None = None,
) -> Document:
    """File an intake item into an e-file: the original becomes version 1, the searchable
    PDF a derivative version of it. Also possible from the error queue (filing by hand)."""
    _check_may_receive(actor, item.org_unit)
    efile = lock_efile_for_upload(actor=actor, efile_id=efile.pk)
    item = IntakeItem.objects.select_for_update().get(pk=item.pk)
    if item.status == IntakeStatus.FILED:
        raise ValidationError(_("Dieses Dokument ist bereits abgelegt."), code="already_filed")
    reject_duplicate(efile=efile, sha256=item.sha256)
    user = None if is_system(actor) else actor
    document = Document.objects.create(
        efile=efile,
        title=(title or item.filename).strip()[:300],
        kind=kind,
        received_on=received_on or timezone.localdate(item.received_at),
        sender=sender,
        created_by=user,
    )
    original = DocumentVersion.objects.create(
        document=document,
        number=1,
        sha256=item.sha256,
        blob=item.blob,
        filename=item.filename,
        mime_type=item.mime_type,
        size=item.size,
        page_count=item.page_count,
        text=item.text,
        ocr_confidence=item.mean_confidence,
        created_by=user,
    )
    versions = [original]
    if item.searchable_blob:
        with blob_open(item.searchable_blob) as stream:
            searchable = blob_store(stream)
        searchable_version = DocumentVersion.objects.create(
            document=document,
            number=2,
            sha256=searchable.sha256,
            blob=searchable.name,
            filename=f"{item.filename.rsplit('.', 1)[0]}-durchsuchbar.pdf",
            mime_type="application/pdf",
            size=searchable.size,
            page_count=item.page_count,
            derived_from=original,
            created_by=user,
        )
        versions.append(searchable_version)
    item.status = IntakeStatus.FILED
    item.document = document
    item.filed_at = timezone.now()
    item.save(update_fields=["status", "document", "filed_at"])
    audit_record(
        actor=actor,
        action="intake.file",
        obj=item,
        changes={"efile": [None, efile.reference], "document": [None, document.pk]},
    )
    audit_record(
        actor=actor,
        action="document.create",
        obj=document,
        changes=diff({}, snapshot(document, DOCUMENT_FIELDS)),
    )
    for version in versions:
        audit_record(
            actor=actor,
            action="documentversion.create",
            obj=version,
            changes=diff({}, snapshot(version, VERSION_FIELDS)),
        )
    return document


def intake_pdf(item: IntakeItem) -> bytes | None:
    """The item's pages as one PDF: the searchable derivative if OCR made one, else the
    original when it is a PDF; None for anything without pages (mail text, XML)."""
    if item.searchable_blob:
        return blob_read(item.searchable_blob)
    if item.mime_type == "application/pdf":
        return blob_read(item.blob)
    return None


@transaction.atomic
def intake_replace(
    *, actor, sources: list[IntakeItem], parts: list[IntakeItem], status: str
) -> None:
    """Record that `sources` were split or merged into `parts`; the sources stay stored
    (with their originals) but leave the inbox."""
    if status not in (IntakeStatus.SPLIT, IntakeStatus.MERGED):
        raise ValueError(status)
    for source in sources:
        _check_may_receive(actor, source.org_unit)
        locked = IntakeItem.objects.select_for_update().get(pk=source.pk)
        if locked.status != IntakeStatus.TO_FILE:
            raise ValidationError(
                _("„%(name)s“ wartet nicht mehr auf die Zuordnung.") % {"name": locked.filename}
            )
        locked.status = status
        locked.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="intake.split" if status == IntakeStatus.SPLIT else "intake.merged",
            obj=locked,
            changes={
                "status": [IntakeStatus.TO_FILE, status],
                "parts": [None, [part.pk for part in parts]],
            },
        )
    for part in parts:
        part.sources.add(*sources)


@transaction.atomic
def intake_hand_over(*, item: IntakeItem, status: str, target) -> IntakeItem:
    """Record that a waiting item was handed over to a specialised reception (e-invoices);
    it leaves the inbox, its original stays stored."""
    locked = IntakeItem.objects.select_for_update().get(pk=item.pk)
    if locked.status != IntakeStatus.TO_FILE:
        raise ValidationError(
            _("„%(name)s“ wartet nicht mehr auf die Zuordnung.") % {"name": locked.filename}
        )
    locked.status = status
    locked.save(update_fields=["status"])
    audit_record(
        actor=None,
        action="intake.hand_over",
        obj=locked,
        changes={"status": [IntakeStatus.TO_FILE, status], "target": [None, str(target)]},
    )
    return locked
