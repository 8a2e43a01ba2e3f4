"""The status of a building application as a `viewflow.fsm` state machine.

The status changes only here; the success hook saves the application and writes the audit
event (`building.<transition>`), so the audit trail is also the application's history.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import fsm

from efile.audit import audit_record

from ..models import BuildingApplication, BuildingStatus

S = BuildingStatus

ACTION_LABELS = {
    "building.submit": _("Bauantrag eingegangen"),
    "building.request_documents": _("Unterlagen nachgefordert"),
    "building.accept_as_complete": _("Als vollständig festgestellt"),
    "building.documents_received": _("Nachgeforderte Unterlagen eingegangen"),
    "building.extend_deadline": _("Frist der Nachforderung verlängert"),
    "building.reject_incomplete": _("Als unvollständig zurückgewiesen"),
    "building.start_participation": _("Fachstellen beteiligt"),
    "building.statement": _("Stellungnahme abgegeben"),
    "building.open_decision": _("Entscheidung in Vorbereitung"),
    "building.submit_draft": _("Entwurf zur Zeichnung vorgelegt"),
    "building.sign_off": _("Gezeichnet"),
    "building.approve": _("Genehmigt"),
    "building.refuse": _("Abgelehnt"),
    "building.remind_applicant": _("Antragsteller an Frist erinnert"),
    "building.remind_statement": _("Fachstelle an Frist erinnert"),
}


class BuildingLifecycle:
    status = fsm.State(BuildingStatus, default=BuildingStatus.RECEIVED)

    def __init__(self, application: BuildingApplication, *, actor) -> None:
        self.application = application
        self.actor = actor

    @status.getter()
    def _get_status(self) -> str:
        return self.application.status

    @status.setter()
    def _set_status(self, value: str) -> None:
        self.application.status = value

    @status.on_success()
    def _on_success(self, descriptor, source, target, **kwargs) -> None:
        self.application.save()
        changes: dict[str, Any] = {"status": [str(source), str(target)]}
        changes.update(kwargs.get("changes") or {})
        audit_record(
            actor=self.actor,
            action=f"building.{descriptor._func.__name__}",
            obj=self.application,
            changes=changes,
        )

    @status.transition(source=S.RECEIVED, target=S.INCOMPLETE, label=_("Unterlagen nachfordern"))
    def request_documents(self, *, changes: dict | None = None) -> None:
        self.application.checked_at = timezone.now()

    @status.transition(source=S.RECEIVED, target=S.COMPLETE, label=_("Vollständig"))
    def accept_as_complete(self, *, changes: dict | None = None) -> None:
        self.application.checked_at = timezone.now()

    @status.transition(
        source=S.INCOMPLETE, target=S.RECEIVED, label=_("Nachgereichte Unterlagen eingegangen")
    )
    def documents_received(self, *, changes: dict | None = None) -> None:
        """The applicant answered a Nachforderung; the formal check starts again."""

    @status.transition(
        source=S.INCOMPLETE, target=S.REJECTED, label=_("Als unvollständig zurückweisen")
    )
    def reject_incomplete(self, *, changes: dict | None = None) -> None:
        self.application.decided_at = timezone.now()

    @status.transition(source=S.COMPLETE, target=S.PARTICIPATION, label=_("Fachstellen beteiligen"))
    def start_participation(self, *, changes: dict | None = None) -> None:
        """Statements were requested from the Fachstellen."""

    @status.transition(
        source=[S.COMPLETE, S.PARTICIPATION, S.SIGN_OFF],
        target=S.DECISION,
        label=_("Entscheidung vorbereiten"),
    )
    def open_decision(self, *, changes: dict | None = None) -> None:
        self.application.signed_by = None

    @status.transition(source=S.DECISION, target=S.SIGN_OFF, label=_("Zur Zeichnung vorlegen"))
    def submit_draft(self, *, changes: dict | None = None) -> None:
        self.application.drafted_at = timezone.now()

    @status.transition(source=S.SIGN_OFF, target=S.APPROVED, label=_("Genehmigen"))
    def approve(self, *, changes: dict | None = None) -> None:
        self.application.decided_at = timezone.now()

    @status.transition(source=S.SIGN_OFF, target=S.REFUSED, label=_("Ablehnen"))
    def refuse(self, *, changes: dict | None = None) -> None:
        self.application.decided_at = timezone.now()


def transition(*, actor, application: BuildingApplication, name: str, **changes) -> None:
    """Run transition `name`; `changes` are recorded in its audit event."""
    lifecycle = BuildingLifecycle(application, actor=actor)
    getattr(lifecycle, name)(changes=changes)
