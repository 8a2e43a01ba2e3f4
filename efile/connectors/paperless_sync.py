"""Exchange with Paperless-ngx: pull tagged documents into intake, push Aktenzeichen back.

Nothing is lost when the server goes away mid-run, and nothing is taken in twice:

- a document is downloaded completely before anything is stored; a download that fails
  leaves no trace and the document is tried again on the next run;
- the intake item and the `PaperlessImport` row (unique per server and Paperless id) are
  written in one transaction, so a document is either taken in and remembered, or neither;
- the "transferred" tag is set in Paperless afterwards; if that fails, the next run finds
  the row, does not download the document again and only repeats the tagging;
- the Aktenzeichen is written back once per document, recorded in the same row.

Network I/O runs outside database transactions; each document gets its own.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.intake import intake_start

from ..audit import audit_record
from ..models import (
    EFile,
    IntakeChannel,
    IntakeItem,
    OrgUnit,
    PaperlessImport,
    PaperlessImportState,
)
from .paperless import (
    PaperlessAuthError,
    PaperlessClient,
    PaperlessDocument,
    PaperlessError,
    PaperlessHTTPError,
    PaperlessNotFound,
    PaperlessProtocolError,
    PaperlessRedirect,
    PaperlessServerError,
    PaperlessTimeout,
    PaperlessUnavailable,
    PaperlessVersionError,
)

logger = logging.getLogger(__name__)

PUSH_CUSTOM_FIELD = "custom_field"
PUSH_TAG = "tag"
TEXT_FIELD_TYPES = ("string", "longtext")
# Downloads stay in memory up to this size, larger ones go to a temporary file.
_SPOOL_BYTES = 8 * 1024 * 1024


class PaperlessNotConfigured(Exception):
    """The connector lacks a setting; the message (German) names it."""


@dataclass(frozen=True)
class PaperlessConfig:
    url: str
    token: str
    pull_tag: str
    transferred_tag: str
    org_unit_code: str
    push_mode: str
    custom_field: str
    timeout: float

    @property
    def server(self) -> str:
        """The server URL as stored with each import."""
        return self.url.strip().rstrip("/")

    @classmethod
    def from_settings(cls) -> PaperlessConfig:
        config = cls(
            url=settings.AKTENFLUSS_PAPERLESS_URL,
            token=settings.AKTENFLUSS_PAPERLESS_TOKEN,
            pull_tag=settings.AKTENFLUSS_PAPERLESS_PULL_TAG,
            transferred_tag=settings.AKTENFLUSS_PAPERLESS_TRANSFERRED_TAG,
            org_unit_code=settings.AKTENFLUSS_PAPERLESS_ORG_UNIT,
            push_mode=settings.AKTENFLUSS_PAPERLESS_PUSH_MODE,
            custom_field=settings.AKTENFLUSS_PAPERLESS_CUSTOM_FIELD,
            timeout=float(settings.AKTENFLUSS_PAPERLESS_TIMEOUT),
        )
        for name, value in (
            ("AKTENFLUSS_PAPERLESS_URL", config.url),
            ("AKTENFLUSS_PAPERLESS_TOKEN", config.token),
            ("AKTENFLUSS_PAPERLESS_ORG_UNIT", config.org_unit_code),
            ("AKTENFLUSS_PAPERLESS_PULL_TAG", config.pull_tag),
            ("AKTENFLUSS_PAPERLESS_TRANSFERRED_TAG", config.transferred_tag),
        ):
            if not value.strip():
                raise PaperlessNotConfigured(
                    _("Die Anbindung an Paperless-ngx ist nicht eingerichtet: %(name)s fehlt.")
                    % {"name": name}
                )
        return config

    def client(self) -> PaperlessClient:
        return PaperlessClient(self.server, self.token, timeout=self.timeout)


def paperless_configured() -> bool:
    return bool(settings.AKTENFLUSS_PAPERLESS_URL.strip())


@dataclass
class RunResult:
    """What one pull or push run did; `failed` names documents to retry, `errors` stopped it."""

    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.errors


@dataclass
class PullResult(RunResult):
    found: int = 0
    imported: int = 0
    same_content: int = 0
    marked_later: int = 0


@dataclass
class PushResult(RunResult):
    written: int = 0
    not_filed: int = 0


def _retry_hint() -> str:
    return _(
        "Nichts ist verloren: Was nicht vollständig übertragen wurde, wird beim nächsten Lauf "
        "erneut versucht."
    )


def describe_error(exc: PaperlessError, config: PaperlessConfig) -> str:
    """A German message for an administrator: what happened and what to do."""
    if isinstance(exc, PaperlessAuthError) and exc.status == 401:
        return _(
            "Paperless-ngx hat die Anmeldung abgelehnt (HTTP 401): Das API-Token ist falsch "
            "oder abgelaufen. Bitte AKTENFLUSS_PAPERLESS_TOKEN prüfen."
        )
    if isinstance(exc, PaperlessAuthError):
        return _(
            "Paperless-ngx verweigert den Zugriff (HTTP 403): Dem Benutzer des API-Tokens fehlt "
            "eine Berechtigung (Dokumente ansehen und ändern, Tags und benutzerdefinierte "
            "Felder anlegen)."
        )
    if isinstance(exc, PaperlessTimeout):
        return (
            _("Paperless-ngx hat nicht innerhalb von %(seconds)s Sekunden geantwortet.")
            % {"seconds": f"{config.timeout:g}"}
            + " "
            + _retry_hint()
        )
    if isinstance(exc, PaperlessUnavailable):
        return (
            _(
                "Paperless-ngx unter %(url)s ist nicht erreichbar oder hat die Verbindung "
                "abgebrochen."
            )
            % {"url": config.server}
            + " "
            + _retry_hint()
        )
    if isinstance(exc, PaperlessVersionError):
        return _(
            "Paperless-ngx unterstützt die REST-API-Version 9 nicht (HTTP 406); nötig ist eine "
            "Paperless-ngx-Version mit API 9 oder neuer."
        )
    if isinstance(exc, PaperlessServerError):
        return (
            _("Paperless-ngx meldet einen Serverfehler (HTTP %(status)s).") % {"status": exc.status}
            + " "
            + _retry_hint()
        )
    if isinstance(exc, PaperlessRedirect):
        return _(
            "Paperless-ngx leitet auf „%(location)s“ um (HTTP %(status)s); bitte "
            "AKTENFLUSS_PAPERLESS_URL auf die Adresse setzen, unter der die API antwortet."
        ) % {"location": exc.location, "status": exc.status}
    if isinstance(exc, PaperlessNotFound):
        return _("Paperless-ngx kennt das Objekt nicht (mehr) (HTTP 404).")
    if isinstance(exc, PaperlessHTTPError):
        return _("Paperless-ngx hat die Anfrage abgelehnt (HTTP %(status)s): %(detail)s") % {
            "status": exc.status,
            "detail": exc.detail,
        }
    if isinstance(exc, PaperlessProtocolError):
        return _("Paperless-ngx hat anders geantwortet als dokumentiert: %(detail)s") % {
            "detail": str(exc)
        }
    return _("Fehler beim Austausch mit Paperless-ngx: %(detail)s") % {"detail": str(exc)}


def _about(document_id: int, title: str) -> str:
    return _("Paperless-Dokument %(id)s „%(title)s“") % {"id": document_id, "title": title}


def _ends_the_run(exc: PaperlessError) -> bool:
    """Errors after which further requests are pointless this run: the server is gone or
    refuses us. Anything else concerns one document only."""
    return isinstance(
        exc, PaperlessUnavailable | PaperlessAuthError | PaperlessVersionError | PaperlessRedirect
    )


# --- pull -------------------------------------------------------------------------------


def _ingest(
    *, config: PaperlessConfig, org_unit: OrgUnit, document: PaperlessDocument, stream, name: str
) -> tuple[PaperlessImport, bool]:
    """Take the downloaded bytes in and remember the Paperless id, both or neither.

    Returns `(record, item_is_new)`; bytes received before (any channel) are linked to the
    earlier intake item instead of being taken in twice.
    """
    with transaction.atomic():
        item, created = intake_start(
            actor=None,
            org_unit=org_unit,
            stream=stream,
            filename=name,
            channel=IntakeChannel.PAPERLESS,
        )
        record = PaperlessImport.objects.create(
            server_url=config.server,
            paperless_id=document.id,
            title=document.title[:300],
            intake_item=item,
        )
        audit_record(
            actor=None,
            action="paperless.import",
            obj=record,
            changes={
                "server_url": [None, record.server_url],
                "paperless_id": [None, record.paperless_id],
                "intake_item": [None, item.pk],
                "same_content_as_earlier_item": [None, not created],
            },
        )
    return record, created


@transaction.atomic
def _mark_transferred(record: PaperlessImport) -> bool:
    marked = PaperlessImport.objects.filter(
        pk=record.pk, state=PaperlessImportState.IMPORTED
    ).update(state=PaperlessImportState.TRANSFERRED, transferred_at=timezone.now())
    if marked:
        audit_record(
            actor=None,
            action="paperless.transfer",
            obj=record,
            changes={"state": [PaperlessImportState.IMPORTED, PaperlessImportState.TRANSFERRED]},
        )
    return bool(marked)


def _pull_one(
    *,
    client: PaperlessClient,
    config: PaperlessConfig,
    org_unit: OrgUnit,
    document: PaperlessDocument,
    transferred_tag_id: int,
    result: PullResult,
) -> None:
    record = PaperlessImport.objects.filter(
        server_url=config.server, paperless_id=document.id
    ).first()
    if record is None:
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as buffer:
            download = client.download_original(document.id, buffer)
            buffer.seek(0)
            name = document.original_file_name or download.filename or f"paperless-{document.id}"
            try:
                record, item_is_new = _ingest(
                    config=config, org_unit=org_unit, document=document, stream=buffer, name=name
                )
            except IntegrityError:
                # Another run took this document in a moment ago; its row counts.
                record = PaperlessImport.objects.get(
                    server_url=config.server, paperless_id=document.id
                )
            else:
                result.imported += 1
                result.same_content += int(not item_is_new)
                logger.info(
                    "Paperless document %s (%s bytes) taken in as import %s",
                    document.id,
                    download.size,
                    record.pk,
                )
    else:
        # Taken in before; only the tag in Paperless is missing (or was removed there).
        result.marked_later += int(record.state == PaperlessImportState.IMPORTED)
    client.documents_add_tag([document.id], transferred_tag_id)
    _mark_transferred(record)


def paperless_pull(*, config: PaperlessConfig | None = None) -> PullResult:
    """Take every document carrying the pull tag (and not yet the transferred tag) into the
    intake inbox of the configured org unit and tag it as transferred.

    Raises PaperlessNotConfigured for missing settings; everything else is reported in the
    result (German messages), which `ok` sums up.
    """
    config = config or PaperlessConfig.from_settings()
    result = PullResult()
    org_unit = OrgUnit.objects.filter(code=config.org_unit_code).first()
    if org_unit is None:
        result.errors.append(
            _(
                "Die Organisationseinheit „%(code)s“ (AKTENFLUSS_PAPERLESS_ORG_UNIT) gibt es "
                "in Aktenfluss nicht."
            )
            % {"code": config.org_unit_code}
        )
        return result
    try:
        with config.client() as client:
            pull_tag = client.tag_named(config.pull_tag)
            if pull_tag is None:
                result.errors.append(
                    _(
                        "Das Tag „%(tag)s“ (AKTENFLUSS_PAPERLESS_PULL_TAG) gibt es in "
                        "Paperless-ngx nicht; bitte dort anlegen oder den Namen korrigieren."
                    )
                    % {"tag": config.pull_tag}
                )
                return result
            transferred = client.tag_ensure(config.transferred_tag)
            documents = client.documents_tagged(pull_tag.id, without_tag_id=transferred.id)
            result.found = len(documents)
            for document in documents:
                try:
                    _pull_one(
                        client=client,
                        config=config,
                        org_unit=org_unit,
                        document=document,
                        transferred_tag_id=transferred.id,
                        result=result,
                    )
                except PaperlessError as exc:
                    if _ends_the_run(exc):
                        raise
                    result.failed.append(
                        f"{_about(document.id, document.title)}: {describe_error(exc, config)}"
                    )
    except PaperlessError as exc:
        logger.warning("Paperless pull stopped: %s", exc)
        result.errors.append(describe_error(exc, config))
    return result


# --- push -------------------------------------------------------------------------------


def _items_with_parts(item: IntakeItem) -> list[IntakeItem]:
    """The item and everything split or merged from it, transitively."""
    found = {item.pk: item}
    frontier = [item]
    while frontier:
        parts = IntakeItem.objects.filter(sources__in=frontier).exclude(pk__in=found)
        frontier = list(parts.distinct())
        found.update((part.pk, part) for part in frontier)
    return list(found.values())


def filed_references(item: IntakeItem) -> list[str]:
    """Aktenzeichen of the e-files holding the item's content: filed directly, filed as a
    part after splitting or merging, or found already filed (duplicate) on receipt."""
    hashes = {part.sha256 for part in _items_with_parts(item)}
    return sorted(
        set(
            EFile.objects.filter(documents__versions__sha256__in=hashes).values_list(
                "reference", flat=True
            )
        )
    )


@transaction.atomic
def _mark_pushed(*, record: PaperlessImport, value: str, mode: str) -> None:
    record = PaperlessImport.objects.select_for_update().get(pk=record.pk)
    record.pushed_reference = value
    record.pushed_at = timezone.now()
    record.save(update_fields=["pushed_reference", "pushed_at"])
    audit_record(
        actor=None,
        action="paperless.push",
        obj=record,
        changes={"pushed_reference": ["", value], "mode": [None, mode]},
    )


def _write_back(
    *,
    client: PaperlessClient,
    record: PaperlessImport,
    references: Iterable[str],
    field_id: int | None,
    tag_ids: dict[str, int],
) -> None:
    """Set the custom field `field_id`, or without one add a tag per Aktenzeichen."""
    if field_id is not None:
        client.documents_set_custom_field([record.paperless_id], field_id, ", ".join(references))
        return
    for reference in references:
        if reference not in tag_ids:
            tag_ids[reference] = client.tag_ensure(reference).id
        client.documents_add_tag([record.paperless_id], tag_ids[reference])


def paperless_push(*, config: PaperlessConfig | None = None) -> PushResult:
    """Write the Aktenzeichen of every taken-over document that is filed by now back to its
    Paperless-ngx document, once: as the configured custom field or as tags."""
    config = config or PaperlessConfig.from_settings()
    result = PushResult()
    pending = PaperlessImport.objects.filter(
        server_url=config.server, pushed_reference=""
    ).select_related("intake_item")
    work = []
    for record in pending.order_by("id"):
        references = filed_references(record.intake_item)
        if references:
            work.append((record, references))
        else:
            result.not_filed += 1
    if not work:
        return result
    try:
        with config.client() as client:
            field_id = None
            if config.push_mode != PUSH_TAG:
                custom_field = client.custom_field_ensure(config.custom_field)
                if custom_field.data_type not in TEXT_FIELD_TYPES:
                    result.errors.append(
                        _(
                            "Das benutzerdefinierte Feld „%(name)s“ in Paperless-ngx hat den Typ "
                            "„%(type)s“; für das Aktenzeichen wird ein Textfeld gebraucht."
                        )
                        % {"name": custom_field.name, "type": custom_field.data_type}
                    )
                    return result
                field_id = custom_field.id
            tag_ids: dict[str, int] = {}
            for record, references in work:
                try:
                    _write_back(
                        client=client,
                        record=record,
                        references=references,
                        field_id=field_id,
                        tag_ids=tag_ids,
                    )
                except PaperlessError as exc:
                    if _ends_the_run(exc):
                        raise
                    result.failed.append(
                        f"{_about(record.paperless_id, record.title)}: "
                        f"{describe_error(exc, config)}"
                    )
                    continue
                _mark_pushed(record=record, value=", ".join(references), mode=config.push_mode)
                result.written += 1
    except PaperlessError as exc:
        logger.warning("Paperless push stopped: %s", exc)
        result.errors.append(describe_error(exc, config))
    return result
