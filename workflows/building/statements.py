"""Beteiligung der Fachstellen (XBau 0300–0306): the clerk asks departments for their
statements, each Fachstelle answers with text (filed as PDF) and optionally its own PDF."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from efile.audit import audit_record
from efile.letter_pdf import Section
from efile.models import DocumentKind, OrgUnit
from efile.services import document_receive

from ..models import BuildingApplication, BuildingStatus, StatementRequest, StatementStatus
from .access import may_give_statement, require_work_on
from .checklist import check_deadline, default_deadline, lock_application
from .letters import file_actor, letter_base, letter_file
from .notify import mail_after_commit
from .states import transition
from .submission import SubmissionInvalid, check_files


def statement_candidates(application: BuildingApplication):
    """Departments that may be asked: every one but the building department itself."""
    return OrgUnit.objects.exclude(pk=application.org_unit_id).order_by("name")


def _members_with_statement_role(org_unit: OrgUnit) -> list[str]:
    users = get_user_model().objects.filter(
        org_units=org_unit, is_active=True, groups__permissions__codename="give_statement"
    )
    return list(users.exclude(email="").values_list("email", flat=True).distinct())


@transaction.atomic
def statements_request(
    *,
    actor,
    application: BuildingApplication,
    org_units: list[OrgUnit],
    deadline: dt.date | None = None,
) -> list[StatementRequest]:
    """Ask each of `org_units` for a statement (one request each), or go straight to the
    decision when none is needed."""
    require_work_on(actor, application)
    application = lock_application(application)
    if application.status != BuildingStatus.COMPLETE:
        raise ValidationError(
            _("Fachstellen können erst nach der Vollständigkeitsprüfung beteiligt werden."),
            code="not_complete",
        )
    allowed = set(statement_candidates(application).values_list("pk", flat=True))
    if any(unit.pk not in allowed for unit in org_units):
        raise ValidationError(_("Diese Stelle kann nicht beteiligt werden."), code="bad_unit")
    if not org_units:
        transition(actor=actor, application=application, name="open_decision", fachstellen=[])
        return []
    authority = application.org_unit.building_authority
    deadline = check_deadline(deadline or default_deadline(authority.statement_days))
    requests = [
        StatementRequest.objects.create(
            application=application, org_unit=unit, deadline=deadline, requested_by=actor
        )
        for unit in org_units
    ]
    transition(
        actor=actor,
        application=application,
        name="start_participation",
        fachstellen=[unit.code for unit in org_units],
        deadline=deadline.isoformat(),
    )
    for request in requests:
        mail_after_commit(
            recipients=_members_with_statement_role(request.org_unit),
            subject=_("Bitte um Stellungnahme – %(reference)s")
            % {"reference": application.efile.reference},
            body=_(
                "Das %(authority)s bittet um Ihre Stellungnahme zum Bauantrag %(reference)s "
                "(%(kind)s, %(site)s) bis zum %(deadline)s."
            )
            % {
                "authority": authority.name,
                "reference": application.efile.reference,
                "kind": application.get_project_kind_display(),
                "site": application.site_address,
                "deadline": f"{deadline:%d.%m.%Y}",
            },
        )
    return requests


@transaction.atomic
def statement_give(
    *, actor, request: StatementRequest, text: str, conditions: str = "", upload=None
) -> StatementRequest:
    """The Fachstelle's statement: the text is filed as a PDF, an uploaded PDF beside it."""
    if not may_give_statement(actor, request):
        raise PermissionDenied(_("Sie dürfen für diese Fachstelle keine Stellungnahme abgeben."))
    application = lock_application(request.application)
    request = StatementRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != StatementStatus.REQUESTED or application.status != (
        BuildingStatus.PARTICIPATION
    ):
        raise ValidationError(
            _("Diese Stellungnahme wurde bereits abgegeben."), code="already_given"
        )
    text = text.strip()
    if not text:
        raise SubmissionInvalid({"text": [_("Bitte geben Sie die Stellungnahme ein.")]})
    checked = []
    if upload is not None:
        errors: dict[str, list[str]] = {}
        checked = check_files(
            [upload],
            field="document",
            allowed={"application/pdf"},
            type_message=_("Die Stellungnahme „%(name)s“ ist kein PDF."),
            errors=errors,
            seen=set(),
        )
        if errors:
            raise SubmissionInvalid(errors)
    request.text = text
    request.conditions = conditions.strip()
    request.status = StatementStatus.GIVEN
    request.given_at = timezone.now()
    request.given_by = actor
    sections = [Section(_("Stellungnahme"), (text,))]
    if request.conditions:
        sections.append(Section(_("Vorgeschlagene Auflagen"), (request.conditions,)))
    letter = letter_base(
        application,
        _("Stellungnahme %(unit)s") % {"unit": request.org_unit.name},
        sections=tuple(sections),
        signature=(actor.get_full_name() or actor.get_username(), request.org_unit.name),
    )
    request.document = letter_file(
        actor=actor,
        application=application,
        letter=letter,
        filename=f"Stellungnahme-{request.org_unit.code}-{application.efile.reference}.pdf",
        title=_("Stellungnahme %(unit)s") % {"unit": request.org_unit.name},
        kind=DocumentKind.STATEMENT,
    )
    for item in checked:
        document_receive(
            actor=file_actor(actor, application),
            efile=application.efile,
            stream=item.stream,
            filename=item.filename,
            title=_("Stellungnahme %(unit)s (Anlage)") % {"unit": request.org_unit.name},
            kind=DocumentKind.STATEMENT,
        )
    request.save()
    audit_record(
        actor=actor,
        action="building.statement",
        obj=application,
        changes={
            "statement": [None, request.org_unit.code],
            "document": [None, request.document_id],
        },
    )
    return request
