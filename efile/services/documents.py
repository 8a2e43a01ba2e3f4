"""Filing documents and their versions, with every check before a byte is stored."""

import datetime as dt
import unicodedata
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from ocr.pages import pdf_page_count
from ocr.sniff import sniff

from ..audit import audit_record, diff, snapshot
from ..blobs import blob_read, blob_store, hash_stream
from ..models import (
    Document,
    DocumentKind,
    DocumentVersion,
    EFile,
    Party,
)
from ..permissions import Action, efile_require
from .common import DOCUMENT_FIELDS, VERSION_FIELDS, is_system
from .reading import queue_version_reading


def lock_efile_for_upload(*, actor, efile_id: int) -> EFile:
    """Lock the e-file for adding content; it must be open and the actor allowed to upload."""
    efile = EFile.objects.select_for_update().get(pk=efile_id)
    if is_system(actor):
        if not efile.is_open:
            raise ValidationError(_("Die Akte ist geschlossen."), code="efile_closed")
    else:
        efile_require(actor, Action.UPLOAD, efile)
    return efile


def validate_filename(filename: str) -> str:
    """The file name as given, or a German ValidationError if it is unusable or unsafe."""
    name = unicodedata.normalize("NFC", filename or "").strip()
    if not name:
        raise ValidationError(_("Die Datei hat keinen Namen."), code="filename_empty")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise ValidationError(
            _("Der Dateiname enthält Steuerzeichen. Bitte benennen Sie die Datei um."),
            code="filename_control_chars",
        )
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith(".."):
        raise ValidationError(
            _(
                "Der Dateiname „%(name)s“ enthält Pfadangaben (/, \\ oder ..). "
                "Bitte laden Sie die Datei unter ihrem einfachen Namen hoch."
            ),
            code="filename_path",
            params={"name": name},
        )
    if len(name) > 255:
        raise ValidationError(
            _("Der Dateiname ist länger als 255 Zeichen. Bitte kürzen Sie ihn."),
            code="filename_too_long",
        )
    return name


def _check_upload(stream: IO[bytes], filename: str) -> tuple[str, str, int]:
    """Validate an upload before anything is stored: name, emptiness, size, duplicates."""
    filename = validate_filename(filename)
    limit = settings.AKTENFLUSS_MAX_UPLOAD_BYTES
    size = getattr(stream, "size", None)
    if size is not None and size > limit:
        raise _too_large(size, limit)
    sha256, size, _head = hash_stream(stream)
    if size == 0:
        raise ValidationError(
            _("Die Datei „%(name)s“ ist leer (0 Bytes) und wurde nicht gespeichert."),
            code="empty",
            params={"name": filename},
        )
    if size > limit:
        raise _too_large(size, limit)
    return filename, sha256, size


def _too_large(size: int, limit: int) -> ValidationError:
    return ValidationError(
        _(
            "Die Datei ist %(size)s groß; erlaubt sind höchstens %(limit)s. "
            "Bitte teilen Sie das Dokument oder wenden Sie sich an die Administration."
        ),
        code="too_large",
        params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
    )


def reject_duplicate(*, efile: EFile, sha256: str) -> None:
    existing = (
        DocumentVersion.objects.filter(document__efile=efile, sha256=sha256)
        .select_related("document")
        .first()
    )
    if existing is not None:
        raise ValidationError(
            _(
                "Diese Datei liegt in der Akte %(reference)s bereits vor: „%(title)s“, "
                "Version %(number)s. Sie wurde nicht erneut gespeichert."
            ),
            code="duplicate",
            params={
                "reference": efile.reference,
                "title": existing.document.title,
                "number": existing.number,
            },
        )


def _create_version(
    *, actor, document: Document, stream: IO[bytes], filename: str, sha256: str, number: int
) -> DocumentVersion:
    stored = blob_store(stream)
    if stored.sha256 != sha256:
        raise ValidationError(
            _("Die Datei hat sich während des Hochladens verändert. Bitte erneut versuchen."),
            code="changed_during_upload",
        )
    mime_type = sniff(stored.head).mime_type
    page_count = pdf_page_count(blob_read(stored.name)) if mime_type == "application/pdf" else None
    version = DocumentVersion.objects.create(
        document=document,
        number=number,
        sha256=stored.sha256,
        blob=stored.name,
        filename=filename,
        mime_type=mime_type,
        size=stored.size,
        page_count=page_count,
        created_by=None if is_system(actor) else actor,
    )
    audit_record(
        actor=actor,
        action="documentversion.create",
        obj=version,
        changes=diff({}, snapshot(version, VERSION_FIELDS)),
    )
    queue_version_reading(version)
    return version


@transaction.atomic
def document_receive(
    *,
    actor,
    efile: EFile,
    stream: IO[bytes],
    filename: str,
    title: str = "",
    kind: str = DocumentKind.LETTER,
    received_on: dt.date | None = None,
    sender: Party | None = None,
) -> Document:
    """File a new document with its first version into an open e-file."""
    efile = lock_efile_for_upload(actor=actor, efile_id=efile.pk)
    filename, sha256, _size = _check_upload(stream, filename)
    reject_duplicate(efile=efile, sha256=sha256)
    document = Document.objects.create(
        efile=efile,
        title=(title or filename).strip()[:300],
        kind=kind,
        received_on=received_on or timezone.localdate(),
        sender=sender,
        created_by=None if is_system(actor) else actor,
    )
    audit_record(
        actor=actor,
        action="document.create",
        obj=document,
        changes=diff({}, snapshot(document, DOCUMENT_FIELDS)),
    )
    _create_version(
        actor=actor, document=document, stream=stream, filename=filename, sha256=sha256, number=1
    )
    return document


@transaction.atomic
def document_version_add(
    *, actor, document: Document, stream: IO[bytes], filename: str
) -> DocumentVersion:
    """Append a new version; earlier versions stay untouched and downloadable."""
    efile = lock_efile_for_upload(actor=actor, efile_id=document.efile_id)
    filename, sha256, _size = _check_upload(stream, filename)
    reject_duplicate(efile=efile, sha256=sha256)
    last = document.versions.aggregate(last=Max("number"))["last"] or 0
    return _create_version(
        actor=actor,
        document=document,
        stream=stream,
        filename=filename,
        sha256=sha256,
        number=last + 1,
    )
