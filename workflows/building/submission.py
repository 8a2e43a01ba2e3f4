"""Submitting a building application (XBau 0200 Bauantrag).

Everything is checked before anything is written: a refused submission leaves no party, no
e-file, no document and no stored byte behind. An accepted one opens an e-file in the
building authority's filing plan position, files every plan and attachment (read by the OCR
task like every upload) and an Eingangsbestätigung as PDF.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from efile.audit import audit_record
from efile.blobs import hash_stream
from efile.models import DocumentKind, OrgUnit, Party
from efile.permissions import is_member
from efile.services import document_receive, efile_open, party_register, validate_filename
from ocr.sniff import sniff

from ..models import BuildingApplication, BuildingAuthority, ProjectKind
from .letters import acknowledgement_letter, letter_file

ATTACHMENT_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/tiff"}


@dataclass(frozen=True)
class ApplicantData:
    name: str
    street: str
    postcode: str
    city: str
    country: str = "DE"
    email: str = ""
    kind: str = Party.Kind.PERSON

    @classmethod
    def from_fields(cls, data: dict, *, email: str = "") -> "ApplicantData":
        """From the `applicant_*` fields of the API serializer or the paper form."""
        return cls(
            name=data["applicant_name"],
            kind=data["applicant_kind"],
            street=data["applicant_street"],
            postcode=data["applicant_postcode"],
            city=data["applicant_city"],
            country=data.get("applicant_country") or "DE",
            email=data["applicant_email"] or email,
        )


@dataclass(frozen=True)
class ApplicationData:
    project_kind: str
    description: str
    parcel: str
    site_address: str
    estimated_costs: Decimal | str | None

    @classmethod
    def from_fields(cls, data: dict) -> "ApplicationData":
        return cls(
            project_kind=data["project_kind"],
            description=data["description"],
            parcel=data["parcel"],
            site_address=data["site_address"],
            estimated_costs=data["estimated_costs"],
        )


@dataclass(frozen=True)
class CheckedFile:
    stream: IO[bytes]
    filename: str
    sha256: str


class SubmissionInvalid(ValidationError):
    """A refused submission; `errors` maps each field to its German messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__({field: messages for field, messages in errors.items()}, code="invalid")


def _may_submit(actor, org_unit: OrgUnit) -> tuple[bool, str]:
    """(allowed, channel): applicants submit online; the department enters paper ones."""
    if actor.is_superuser:
        return True, BuildingApplication.Channel.PAPER
    if actor.has_perm("workflows.add_buildingapplication") and is_member(actor, org_unit):
        return True, BuildingApplication.Channel.PAPER
    if actor.has_perm("workflows.submit_buildingapplication"):
        return True, BuildingApplication.Channel.API
    return False, ""


def check_files(
    files: list, *, field: str, allowed: set[str], type_message: str, errors: dict, seen: set
) -> list[CheckedFile]:
    checked = []
    limit = settings.AKTENFLUSS_MAX_UPLOAD_BYTES
    for upload in files:
        name = getattr(upload, "name", "") or ""
        try:
            name = validate_filename(name)
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.messages)
            continue
        sha256, size, head = hash_stream(upload)
        if size == 0:
            errors.setdefault(field, []).append(
                _("Die Datei „%(name)s“ ist leer (0 Bytes).") % {"name": name}
            )
            continue
        if size > limit:
            errors.setdefault(field, []).append(
                _("Die Datei „%(name)s“ ist %(size)s groß; erlaubt sind höchstens %(limit)s.")
                % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)}
            )
            continue
        if sniff(head).mime_type not in allowed:
            errors.setdefault(field, []).append(type_message % {"name": name})
            continue
        if sha256 in seen:
            errors.setdefault(field, []).append(
                _("Die Datei „%(name)s“ wurde doppelt eingereicht.") % {"name": name}
            )
            continue
        seen.add(sha256)
        checked.append(CheckedFile(stream=upload, filename=name, sha256=sha256))
    return checked


def _required(errors: dict, field: str, value: str, message: str) -> str:
    value = " ".join((value or "").split()) if field != "description" else (value or "").strip()
    if not value:
        errors.setdefault(field, []).append(message)
    return value


def _costs(errors: dict, value) -> Decimal | None:
    if value in (None, ""):
        errors.setdefault("estimated_costs", []).append(
            _("Bitte geben Sie die geschätzten Baukosten an.")
        )
        return None
    try:
        costs = Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        costs = None
    if costs is None or not costs.is_finite() or costs < 0 or costs >= Decimal("1e12"):
        errors.setdefault("estimated_costs", []).append(
            _("Die geschätzten Baukosten müssen ein Betrag in Euro ab 0 sein, z. B. 250000.00.")
        )
        return None
    return costs.quantize(Decimal("0.01"))


def validate_submission(
    *, org_unit: OrgUnit | None, applicant: ApplicantData, data: ApplicationData, plans, attachments
) -> tuple[dict, BuildingAuthority | None, list[CheckedFile], list[CheckedFile]]:
    """All German error messages of a submission, by field; nothing is written."""
    errors: dict[str, list[str]] = {}
    authority = None
    if org_unit is None:
        errors["authority"] = [_("Bitte geben Sie die zuständige Bauaufsichtsbehörde an.")]
    else:
        authority = BuildingAuthority.objects.filter(org_unit=org_unit).first()
        if authority is None:
            errors["authority"] = [
                _("„%(unit)s“ nimmt keine Bauanträge entgegen.") % {"unit": org_unit.name}
            ]
    _required(errors, "applicant_name", applicant.name, _("Bitte geben Sie Ihren Namen an."))
    _required(
        errors, "applicant_street", applicant.street, _("Bitte geben Sie Straße und Hausnummer an.")
    )
    _required(errors, "applicant_postcode", applicant.postcode, _("Bitte geben Sie die PLZ an."))
    _required(errors, "applicant_city", applicant.city, _("Bitte geben Sie den Ort an."))
    if data.project_kind not in ProjectKind.values:
        errors["project_kind"] = [
            _("Bitte wählen Sie die Art des Vorhabens: %(kinds)s.")
            % {"kinds": ", ".join(str(label) for label in ProjectKind.labels)}
        ]
    _required(errors, "description", data.description, _("Bitte beschreiben Sie das Vorhaben."))
    _required(
        errors, "parcel", data.parcel, _("Bitte geben Sie das Flurstück bzw. die Parzelle an.")
    )
    _required(
        errors,
        "site_address",
        data.site_address,
        _("Bitte geben Sie die Adresse des Baugrundstücks an."),
    )
    _costs(errors, data.estimated_costs)
    seen: set[str] = set()
    if not plans:
        errors.setdefault("plans", []).append(
            _("Bitte reichen Sie mindestens einen Bauplan als PDF ein.")
        )
    checked_plans = check_files(
        plans or [],
        field="plans",
        allowed={"application/pdf"},
        type_message=_("Der Plan „%(name)s“ ist kein PDF. Pläne bitte als PDF einreichen."),
        errors=errors,
        seen=seen,
    )
    checked_attachments = check_files(
        attachments or [],
        field="attachments",
        allowed=ATTACHMENT_TYPES,
        type_message=_(
            "Die Anlage „%(name)s“ hat kein zulässiges Format (PDF, PNG, JPEG oder TIFF)."
        ),
        errors=errors,
        seen=seen,
    )
    return errors, authority, checked_plans, checked_attachments


@transaction.atomic
def building_application_submit(
    *,
    actor,
    org_unit: OrgUnit | None,
    applicant: ApplicantData,
    data: ApplicationData,
    plans: list,
    attachments: list | None = None,
    received_at: dt.datetime | None = None,
) -> BuildingApplication:
    """Check and take in a building application; raises `SubmissionInvalid` (German messages
    by field) or `PermissionDenied` before anything is stored.

    The flow is started by `workflows.building_application.building_application_start`.
    """
    errors, authority, plans_ok, attachments_ok = validate_submission(
        org_unit=org_unit, applicant=applicant, data=data, plans=plans, attachments=attachments
    )
    if org_unit is not None:
        allowed, channel = _may_submit(actor, org_unit)
        if not allowed:
            raise PermissionDenied(_("Sie dürfen keine Bauanträge einreichen."))
    if errors:
        raise SubmissionInvalid(errors)
    assert authority is not None and org_unit is not None
    party, _created = party_register(
        actor=None,
        name=applicant.name,
        kind=applicant.kind,
        street=applicant.street,
        postcode=applicant.postcode,
        city=applicant.city,
        country=applicant.country or "DE",
        email=applicant.email,
    )
    clerk = actor if channel == BuildingApplication.Channel.PAPER else None
    received_at = received_at or timezone.now()
    kind = ProjectKind(data.project_kind)
    efile = efile_open(
        actor=clerk,
        plan_item=authority.plan_item,
        org_unit=org_unit,
        title=_("Bauantrag %(kind)s, %(site)s") % {"kind": kind.label, "site": data.site_address},
        opened_at=received_at,
    )
    application = BuildingApplication.objects.create(
        org_unit=org_unit,
        efile=efile,
        applicant=party,
        submitted_by=actor if channel == BuildingApplication.Channel.API else None,
        channel=channel,
        project_kind=kind,
        description=data.description.strip(),
        parcel=" ".join(data.parcel.split()),
        site_address=" ".join(data.site_address.split()),
        estimated_costs=_costs({}, data.estimated_costs),
        received_at=received_at,
    )
    audit_record(
        actor=actor,
        action="building.submit",
        obj=application,
        changes={
            "efile": [None, efile.reference],
            "applicant": [None, party.pk],
            "project_kind": [None, kind.value],
            "channel": [None, channel],
        },
    )
    documents = []
    for files, doc_kind in ((plans_ok, DocumentKind.PLAN), (attachments_ok, DocumentKind.OTHER)):
        for checked in files:
            documents.append(
                _receive(clerk, application, checked, doc_kind, party, received_at.date())
            )
    application.acknowledgement = letter_file(
        actor=clerk,
        application=application,
        letter=acknowledgement_letter(application, documents),
        filename=f"Eingangsbestaetigung-{efile.reference}.pdf",
        title=_("Eingangsbestätigung"),
    )
    application.save(update_fields=["acknowledgement"])
    return application


def _receive(clerk, application, checked: CheckedFile, kind, party, received_on):
    title = checked.filename.rsplit(".", 1)[0]
    return document_receive(
        actor=clerk,
        efile=application.efile,
        stream=checked.stream,
        filename=checked.filename,
        title=title,
        kind=kind,
        sender=party,
        received_on=received_on,
    )
