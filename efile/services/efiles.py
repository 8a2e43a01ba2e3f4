"""Opening, changing and the life cycle of e-files."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.fsm import TransitionNotAllowed

from ..audit import audit_record, diff, snapshot
from ..models import (
    EFile,
    FilingPlanItem,
    OrgUnit,
)
from ..permissions import Action, efile_require, is_member
from ..states import EFileLifecycle
from .common import EFILE_FIELDS, is_system


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
        not is_system(actor)
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
        created_by=None if is_system(actor) else actor,
    )
    audit_record(
        actor=actor,
        action="efile.create",
        obj=efile,
        changes=diff({}, snapshot(efile, EFILE_FIELDS)),
    )
    return efile


@transaction.atomic
def efile_update(*, actor, efile: EFile, title: str) -> EFile:
    if not is_system(actor):
        efile_require(actor, Action.UPLOAD, efile)
    before = snapshot(efile, EFILE_FIELDS)
    efile.title = title.strip()
    if not efile.title:
        raise ValidationError(_("Bitte geben Sie einen Betreff an."), code="title_required")
    efile.save(update_fields=["title"])
    changes = diff(before, snapshot(efile, EFILE_FIELDS))
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
    if not is_system(actor):
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
