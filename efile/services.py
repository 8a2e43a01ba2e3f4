"""Every write of the e-file core: keyword-only, checked, audited, atomic.

`actor` is the user on whose behalf the change happens; `None` stands for the system
(management commands, migrations) and skips the permission check, never the audit.
"""

import datetime as dt
import unicodedata
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.fsm import TransitionNotAllowed

from ocr.pages import pdf_page_count
from ocr.sniff import sniff

from .audit import audit_record, diff, snapshot
from .blobs import blob_read, blob_store, hash_stream
from .models import (
    Document,
    DocumentKind,
    DocumentVersion,
    EFile,
    FilingPlanItem,
    OrgUnit,
    Party,
    Resubmission,
)
from .parties import InvalidIban, name_key, normalise_iban, normalise_postcode, normalise_vat_id
from .permissions import Action, efile_require, is_member
from .states import EFileLifecycle

_EFILE_FIELDS = ("reference", "plan_item", "year", "number", "title", "org_unit", "status")
_DOCUMENT_FIELDS = ("efile", "title", "kind", "received_on", "sender")
_VERSION_FIELDS = ("document", "number", "sha256", "filename", "mime_type", "size", "page_count")
_PARTY_FIELDS = (
    "kind",
    "name",
    "street",
    "postcode",
    "city",
    "country",
    "email",
    "iban",
    "vat_id",
    "leitweg_id",
)


def _is_system(actor) -> bool:
    return actor is None


def format_aktenzeichen(*, plan_code: str, year: int, number: int) -> str:
    return f"{plan_code}-{year}-{number:04d}"


def _next_running_number(*, plan_item: FilingPlanItem, year: int) -> int:
    """Hand out the next number for (plan item, year) in one atomic statement.

    The upsert takes the row lock itself, so concurrent transactions queue on the counter row
    and each receives its own number; PostgreSQL and SQLite both support this syntax.
    """
    table = connection.ops.quote_name("efile_aktenzeichencounter")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (plan_item_id, year, last_number) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (plan_item_id, year) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [plan_item.pk, year],
        )
        return cursor.fetchone()[0]


@transaction.atomic
def efile_open(
    *,
    actor,
    plan_item: FilingPlanItem,
    org_unit: OrgUnit,
    title: str,
    opened_at: dt.datetime | None = None,
) -> EFile:
    if (
        not _is_system(actor)
        and not actor.is_superuser
        and (not actor.has_perm("efile.add_efile") or not is_member(actor, org_unit))
    ):
        raise PermissionDenied(
            _("Sie dürfen in der Organisationseinheit „%(unit)s“ keine Akten anlegen.")
            % {"unit": org_unit.name}
        )
    if not plan_item.files_allowed:
        raise ValidationError(
            _("Auf der Aktenplanposition %(code)s können keine Akten angelegt werden."),
            code="plan_item_closed",
            params={"code": plan_item.code},
        )
    title = title.strip()
    if not title:
        raise ValidationError(_("Bitte geben Sie einen Betreff an."), code="title_required")
    opened_at = opened_at or timezone.now()
    year = timezone.localtime(opened_at).year
    number = _next_running_number(plan_item=plan_item, year=year)
    efile = EFile.objects.create(
        reference=format_aktenzeichen(plan_code=plan_item.code, year=year, number=number),
        plan_item=plan_item,
        year=year,
        number=number,
        title=title,
        org_unit=org_unit,
        opened_at=opened_at,
        created_by=None if _is_system(actor) else actor,
    )
    audit_record(
        actor=actor,
        action="efile.create",
        obj=efile,
        changes=diff({}, snapshot(efile, _EFILE_FIELDS)),
    )
    return efile


@transaction.atomic
def efile_update(*, actor, efile: EFile, title: str) -> EFile:
    if not _is_system(actor):
        efile_require(actor, Action.UPLOAD, efile)
    before = snapshot(efile, _EFILE_FIELDS)
    efile.title = title.strip()
    if not efile.title:
        raise ValidationError(_("Bitte geben Sie einen Betreff an."), code="title_required")
    efile.save(update_fields=["title"])
    changes = diff(before, snapshot(efile, _EFILE_FIELDS))
    if changes:
        audit_record(actor=actor, action="efile.update", obj=efile, changes=changes)
    return efile


_TRANSITION_ACTIONS = {
    "close": Action.CLOSE,
    "reopen": Action.REOPEN,
}


@transaction.atomic
def efile_transition(*, actor, efile: EFile, transition: str, reason: str = "") -> EFile:
    """Run a life-cycle transition (`close`, `reopen`, `archive`, `destroy`)."""
    efile = EFile.objects.select_for_update().select_related("plan_item").get(pk=efile.pk)
    if not _is_system(actor):
        if transition in _TRANSITION_ACTIONS:
            efile_require(actor, _TRANSITION_ACTIONS[transition], efile)
        elif not (actor.is_superuser or actor.has_perm("efile.dispose_efile")):
            raise PermissionDenied(_("Nur die Registratur darf Akten aussondern."))
    lifecycle = EFileLifecycle(efile, actor=actor)
    method = getattr(lifecycle, transition, None)
    if method is None or not hasattr(method, "can_proceed"):
        raise ValueError(f"Unknown e-file transition {transition!r}")
    try:
        method(reason=reason)
    except TransitionNotAllowed as exc:
        message = str(getattr(exc, "unmet_message", "") or "") or _(
            "Dieser Schritt ist im Status „%(status)s“ nicht möglich."
        ) % {"status": efile.get_status_display()}
        raise ValidationError(message, code="transition_not_allowed") from exc
    return efile


def efile_close(*, actor, efile: EFile, reason: str = "") -> EFile:
    return efile_transition(actor=actor, efile=efile, transition="close", reason=reason)


def efile_reopen(*, actor, efile: EFile, reason: str = "") -> EFile:
    return efile_transition(actor=actor, efile=efile, transition="reopen", reason=reason)


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


def _reject_duplicate(*, efile: EFile, sha256: str) -> None:
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
        created_by=None if _is_system(actor) else actor,
    )
    audit_record(
        actor=actor,
        action="documentversion.create",
        obj=version,
        changes=diff({}, snapshot(version, _VERSION_FIELDS)),
    )
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
    efile = EFile.objects.select_for_update().get(pk=efile.pk)
    if _is_system(actor):
        if not efile.is_open:
            raise ValidationError(_("Die Akte ist geschlossen."), code="efile_closed")
    else:
        efile_require(actor, Action.UPLOAD, efile)
    filename, sha256, _size = _check_upload(stream, filename)
    _reject_duplicate(efile=efile, sha256=sha256)
    document = Document.objects.create(
        efile=efile,
        title=(title or filename).strip()[:300],
        kind=kind,
        received_on=received_on or timezone.localdate(),
        sender=sender,
        created_by=None if _is_system(actor) else actor,
    )
    audit_record(
        actor=actor,
        action="document.create",
        obj=document,
        changes=diff({}, snapshot(document, _DOCUMENT_FIELDS)),
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
    efile = EFile.objects.select_for_update().get(pk=document.efile_id)
    if _is_system(actor):
        if not efile.is_open:
            raise ValidationError(_("Die Akte ist geschlossen."), code="efile_closed")
    else:
        efile_require(actor, Action.UPLOAD, efile)
    filename, sha256, _size = _check_upload(stream, filename)
    _reject_duplicate(efile=efile, sha256=sha256)
    last = document.versions.aggregate(last=Max("number"))["last"] or 0
    return _create_version(
        actor=actor,
        document=document,
        stream=stream,
        filename=filename,
        sha256=sha256,
        number=last + 1,
    )


def _party_match(*, vat_id: str, iban: str, key: str, postcode: str) -> Party | None:
    if vat_id and (party := Party.objects.filter(vat_id=vat_id).first()):
        return party
    if iban and (party := Party.objects.filter(iban=iban).first()):
        return party
    if key and postcode:
        return Party.objects.filter(name_key=key, postcode=postcode).first()
    return None


def party_register(
    *,
    actor,
    name: str,
    kind: str = Party.Kind.PERSON,
    street: str = "",
    postcode: str = "",
    city: str = "",
    country: str = "DE",
    email: str = "",
    iban: str = "",
    vat_id: str = "",
    leitweg_id: str = "",
) -> tuple[Party, bool]:
    """Return the existing party matching by VAT id, IBAN or name and postcode, or create it.

    Returns `(party, created)`. A concurrent registration of the same party is caught by the
    unique constraints and answered with the row the other transaction wrote.
    """
    if not _is_system(actor) and not actor.is_superuser and not actor.has_perm("efile.add_party"):
        raise PermissionDenied(_("Sie dürfen keine Beteiligten erfassen."))
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Bitte geben Sie einen Namen an."), code="name_required")
    try:
        iban = normalise_iban(iban)
    except InvalidIban as exc:
        raise ValidationError(
            _("Die IBAN „%(iban)s“ ist ungültig (Prüfziffer oder Länge stimmt nicht)."),
            code="iban_invalid",
            params={"iban": iban},
        ) from exc
    values = {
        "kind": kind,
        "name": name,
        "street": street.strip(),
        "postcode": normalise_postcode(postcode),
        "city": city.strip(),
        "country": (country or "DE").upper()[:2],
        "email": email.strip(),
        "iban": iban,
        "vat_id": normalise_vat_id(vat_id),
        "leitweg_id": leitweg_id.strip(),
    }
    key = name_key(name)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                existing = _party_match(
                    vat_id=values["vat_id"], iban=iban, key=key, postcode=values["postcode"]
                )
                if existing is not None:
                    return existing, False
                party = Party.objects.create(name_key=key, **values)
                audit_record(
                    actor=actor,
                    action="party.create",
                    obj=party,
                    changes=diff({}, snapshot(party, _PARTY_FIELDS)),
                )
                return party, True
        except IntegrityError:
            continue
    raise IntegrityError("party registration kept conflicting")  # pragma: no cover


@transaction.atomic
def party_update(*, actor, party: Party, **fields) -> Party:
    if (
        not _is_system(actor)
        and not actor.is_superuser
        and not actor.has_perm("efile.change_party")
    ):
        raise PermissionDenied(_("Sie dürfen Beteiligte nicht ändern."))
    before = snapshot(party, _PARTY_FIELDS)
    for name, value in fields.items():
        if name not in _PARTY_FIELDS:
            raise ValueError(f"Party has no editable field {name!r}")
        setattr(party, name, value)
    try:
        party.iban = normalise_iban(party.iban)
    except InvalidIban as exc:
        raise ValidationError(
            _("Die IBAN „%(iban)s“ ist ungültig (Prüfziffer oder Länge stimmt nicht)."),
            code="iban_invalid",
            params={"iban": party.iban},
        ) from exc
    party.vat_id = normalise_vat_id(party.vat_id)
    party.postcode = normalise_postcode(party.postcode)
    party.name_key = name_key(party.name)
    same = Q(pk__in=[])
    if party.vat_id:
        same |= Q(vat_id=party.vat_id)
    if party.iban:
        same |= Q(iban=party.iban)
    if party.postcode:
        same |= Q(name_key=party.name_key, postcode=party.postcode)
    other = Party.objects.exclude(pk=party.pk).filter(same).first()
    if other is not None:
        raise ValidationError(
            _(
                "Diese Angaben gehören bereits zu „%(other)s“. Beteiligte werden nur einmal "
                "erfasst; bitte verwenden Sie den vorhandenen Eintrag."
            ),
            code="party_exists",
            params={"other": str(other)},
        )
    party.save()
    changes = diff(before, snapshot(party, _PARTY_FIELDS))
    if changes:
        audit_record(actor=actor, action="party.update", obj=party, changes=changes)
    return party


@transaction.atomic
def resubmission_create(
    *,
    actor,
    efile: EFile,
    due_on: dt.date,
    note: str,
    user=None,
    org_unit: OrgUnit | None = None,
) -> Resubmission:
    efile_require(actor, Action.RESUBMIT, efile)
    if user is None and org_unit is None:
        user = actor
    if due_on < timezone.localdate():
        raise ValidationError(
            _("Das Wiedervorlagedatum liegt in der Vergangenheit."), code="due_in_past"
        )
    resubmission = Resubmission.objects.create(
        efile=efile,
        due_on=due_on,
        note=note.strip(),
        user=user,
        org_unit=org_unit,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="resubmission.create",
        obj=efile,
        changes={"resubmission": [None, f"{due_on.isoformat()}: {resubmission.note}"]},
    )
    return resubmission


@transaction.atomic
def resubmission_complete(*, actor, resubmission: Resubmission) -> Resubmission:
    efile_require(actor, Action.VIEW, resubmission.efile)
    if resubmission.user_id != actor.pk and not is_member(actor, resubmission.org_unit_id or 0):
        raise PermissionDenied(_("Diese Wiedervorlage ist nicht für Sie bestimmt."))
    if resubmission.done_at is None:
        resubmission.done_at = timezone.now()
        resubmission.save(update_fields=["done_at"])
        audit_record(
            actor=actor,
            action="resubmission.complete",
            obj=resubmission.efile,
            changes={"resubmission": [resubmission.due_on.isoformat(), "erledigt"]},
        )
    return resubmission
