"""Setting and completing Wiedervorlagen."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..audit import audit_record
from ..models import (
    EFile,
    OrgUnit,
    Resubmission,
)
from ..permissions import Action, efile_require, is_member


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
