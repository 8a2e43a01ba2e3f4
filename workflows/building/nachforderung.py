"""Answering a Nachforderung (applicant uploads), extending its deadline, or rejecting the
application as incomplete once the deadline has passed."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from efile.audit import audit_record
from efile.models import Document, DocumentKind
from efile.services import document_receive

from ..models import BuildingApplication, BuildingStatus, Nachforderung, NachforderungStatus
from .access import applications_for_applicant, is_department_member, require_work_on
from .checklist import check_deadline, lock_application
from .letters import file_actor
from .states import transition
from .submission import ATTACHMENT_TYPES, SubmissionInvalid, check_files


def open_nachforderung(application: BuildingApplication) -> Nachforderung | None:
    return application.nachforderungen.filter(status=NachforderungStatus.OPEN).last()


@transaction.atomic
def nachforderung_answer(*, actor, application: BuildingApplication, files: list) -> list[Document]:
    """File the documents an applicant hands in for the open Nachforderung; the application
    goes back to the formal check. The applicant's own account, or the department (paper)."""
    own = applications_for_applicant(actor).filter(pk=application.pk).exists()
    if not own and not is_department_member(actor, application):
        raise Http404(_("Bauantrag nicht gefunden."))
    if not own:
        require_work_on(actor, application)
    application = lock_application(application)
    nachforderung = open_nachforderung(application)
    if application.status != BuildingStatus.INCOMPLETE or nachforderung is None:
        raise ValidationError(
            _("Zu diesem Antrag sind keine Unterlagen nachgefordert."), code="no_nachforderung"
        )
    errors: dict[str, list[str]] = {}
    if not files:
        errors["files"] = [_("Bitte laden Sie mindestens eine Datei hoch.")]
    checked = check_files(
        files or [],
        field="files",
        allowed=ATTACHMENT_TYPES,
        type_message=_(
            "Die Datei „%(name)s“ hat kein zulässiges Format (PDF, PNG, JPEG oder TIFF)."
        ),
        errors=errors,
        seen=set(),
    )
    if errors:
        raise SubmissionInvalid(errors)
    uploader = file_actor(actor, application)
    documents = [
        document_receive(
            actor=uploader,
            efile=application.efile,
            stream=item.stream,
            filename=item.filename,
            title=_("Nachgereicht: %(name)s") % {"name": item.filename.rsplit(".", 1)[0]},
            kind=DocumentKind.OTHER,
            sender=application.applicant,
        )
        for item in checked
    ]
    nachforderung.status = NachforderungStatus.ANSWERED
    nachforderung.answered_at = timezone.now()
    nachforderung.save(update_fields=["status", "answered_at"])
    transition(
        actor=actor,
        application=application,
        name="documents_received",
        nachforderung=nachforderung.pk,
        documents=[document.pk for document in documents],
    )
    return documents


@transaction.atomic
def nachforderung_extend(
    *, actor, application: BuildingApplication, deadline: dt.date
) -> Nachforderung:
    require_work_on(actor, application)
    application = lock_application(application)
    nachforderung = open_nachforderung(application)
    if nachforderung is None:
        raise ValidationError(_("Es gibt keine offene Nachforderung."), code="no_nachforderung")
    check_deadline(deadline)
    before = nachforderung.deadline
    nachforderung.deadline = deadline
    nachforderung.reminded_at = None
    nachforderung.save(update_fields=["deadline", "reminded_at"])
    audit_record(
        actor=actor,
        action="building.extend_deadline",
        obj=application,
        changes={"deadline": [before.isoformat(), deadline.isoformat()]},
    )
    return nachforderung


@transaction.atomic
def application_reject_incomplete(*, actor, application: BuildingApplication, reasons: str = ""):
    """Past the deadline without the documents: the clerk rejects the application as
    incomplete; the notice saying so is issued by the flow."""
    require_work_on(actor, application)
    application = lock_application(application)
    nachforderung = open_nachforderung(application)
    if application.status != BuildingStatus.INCOMPLETE or nachforderung is None:
        raise ValidationError(
            _("Nur Anträge mit offener Nachforderung können zurückgewiesen werden."),
            code="not_incomplete",
        )
    if nachforderung.deadline >= timezone.localdate():
        raise PermissionDenied(
            _("Die Frist läuft noch bis %(deadline)s.")
            % {"deadline": f"{nachforderung.deadline:%d.%m.%Y}"}
        )
    nachforderung.status = NachforderungStatus.REJECTED
    nachforderung.save(update_fields=["status"])
    application.decision = ""
    application.reasons = reasons.strip() or _(
        "Die mit Schreiben vom %(date)s nachgeforderten Unterlagen (%(missing)s) sind bis zum "
        "Ablauf der Frist am %(deadline)s nicht eingegangen. Ohne sie kann der Antrag nicht "
        "geprüft werden."
    ) % {
        "date": f"{timezone.localtime(nachforderung.created_at):%d.%m.%Y}",
        "missing": ", ".join(nachforderung.missing),
        "deadline": f"{nachforderung.deadline:%d.%m.%Y}",
    }
    application.signed_by = actor  # decided by the clerk; no draft, so no second signature
    transition(actor=actor, application=application, name="reject_incomplete")
    return application


OVERDUE_CHECK, OVERDUE_EXTEND, OVERDUE_REJECT = "check", "extend", "reject"


def overdue_decide(
    *,
    actor,
    application: BuildingApplication,
    action: str,
    deadline: dt.date | None = None,
    reasons: str = "",
) -> None:
    """The clerk's decision once a Nachforderung's deadline has passed: check the documents
    that came in late (only if some did), extend the deadline, or reject as incomplete."""
    require_work_on(actor, application)
    late = application.status == BuildingStatus.RECEIVED
    if action == OVERDUE_CHECK:
        if not late:
            raise ValidationError(
                _("Es sind keine nachgereichten Unterlagen eingegangen."), code="no_late_documents"
            )
    elif late:
        raise ValidationError(
            _("Die Unterlagen sind inzwischen eingegangen; bitte prüfen Sie sie."),
            code="late_documents",
        )
    elif action == OVERDUE_EXTEND:
        if not deadline:
            raise ValidationError(_("Bitte geben Sie die neue Frist an."), code="deadline_missing")
        nachforderung_extend(actor=actor, application=application, deadline=deadline)
    elif action == OVERDUE_REJECT:
        application_reject_incomplete(actor=actor, application=application, reasons=reasons)
    else:
        raise ValidationError(_("Unbekannte Entscheidung."), code="unknown_action")
