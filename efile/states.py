"""The life cycle of an e-file as a `viewflow.fsm` state machine.

Status changes happen only here; the success hook saves the file and writes the audit event.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import fsm

from .audit import audit_record
from .models import DisposalAction, EFile, EFileStatus


def _retention_expired(lifecycle: "EFileLifecycle") -> fsm.State.CONDITION:
    efile = lifecycle.efile
    if efile.closed_at is None:
        return fsm.State.CONDITION(False, _("Die Akte ist nicht geschlossen."))
    expires = timezone.localtime(efile.closed_at).year + efile.plan_item.retention_years
    return fsm.State.CONDITION(
        timezone.localdate().year > expires,
        _("Die Aufbewahrungsfrist läuft bis Ende %(year)s.") % {"year": expires},
    )


def _may_archive(lifecycle: "EFileLifecycle") -> fsm.State.CONDITION:
    action = lifecycle.efile.plan_item.disposal_action
    return fsm.State.CONDITION(
        action in (DisposalAction.ARCHIVE, DisposalAction.EVALUATE),
        _("Laut Aktenplan ist diese Akte zu vernichten, nicht zu archivieren."),
    )


def _may_destroy(lifecycle: "EFileLifecycle") -> fsm.State.CONDITION:
    action = lifecycle.efile.plan_item.disposal_action
    return fsm.State.CONDITION(
        action in (DisposalAction.DESTROY, DisposalAction.EVALUATE),
        _("Laut Aktenplan ist diese Akte dem Archiv anzubieten, nicht zu vernichten."),
    )


class EFileLifecycle:
    status = fsm.State(EFileStatus, default=EFileStatus.OPEN)

    def __init__(self, efile: EFile, *, actor) -> None:
        self.efile = efile
        self.actor = actor

    @status.getter()
    def _get_status(self) -> str:
        return self.efile.status

    @status.setter()
    def _set_status(self, value: str) -> None:
        self.efile.status = value

    @status.on_success()
    def _on_success(self, descriptor, source, target, **kwargs) -> None:
        self.efile.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=self.actor,
            action=f"efile.{descriptor._func.__name__}",
            obj=self.efile,
            changes={"status": [str(source), str(target)]}
            | ({"reason": kwargs["reason"]} if kwargs.get("reason") else {}),
        )

    @status.transition(source=EFileStatus.OPEN, target=EFileStatus.CLOSED, label=_("Schließen"))
    def close(self, *, reason: str = "") -> None:
        self.efile.closed_at = timezone.now()

    @status.transition(source=EFileStatus.CLOSED, target=EFileStatus.OPEN, label=_("Wieder öffnen"))
    def reopen(self, *, reason: str = "") -> None:
        self.efile.closed_at = None

    @status.transition(
        source=EFileStatus.CLOSED,
        target=EFileStatus.ARCHIVED,
        label=_("Archivieren"),
        conditions=[_retention_expired, _may_archive],
    )
    def archive(self, *, reason: str = "") -> None:
        """Hand the file to the archive; its content stays readable for the registry."""

    @status.transition(
        source=EFileStatus.CLOSED,
        target=EFileStatus.DESTROYED,
        label=_("Vernichten"),
        conditions=[_retention_expired, _may_destroy],
    )
    def destroy(self, *, reason: str = "") -> None:
        """Mark the file as destroyed; the audit trail keeps the proof of disposal."""
