"""Deadline reminders: applicants before their Nachforderung runs out, Fachstellen before
their statement is due. Each reminder is sent once (and again after an extension)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from efile.audit import audit_record

from ..models import (
    BuildingStatus,
    Nachforderung,
    NachforderungStatus,
    StatementRequest,
    StatementStatus,
)
from .notify import mail_after_commit, notify_applicant
from .statements import _members_with_statement_role


def nachforderung_reminders_send() -> int:
    today = timezone.localdate()
    sent = 0
    candidates = Nachforderung.objects.filter(
        status=NachforderungStatus.OPEN,
        reminded_at__isnull=True,
        application__status=BuildingStatus.INCOMPLETE,
        deadline__gte=today,
    ).select_related("application__org_unit__building_authority", "application__efile")
    for nachforderung in candidates:
        application = nachforderung.application
        days = application.org_unit.building_authority.reminder_days
        if nachforderung.deadline > today + dt.timedelta(days=days):
            continue
        with transaction.atomic():
            updated = Nachforderung.objects.filter(
                pk=nachforderung.pk, reminded_at__isnull=True
            ).update(reminded_at=timezone.now())
            if not updated:
                continue
            notify_applicant(
                application=application,
                subject=_("Erinnerung: Frist für nachgeforderte Unterlagen"),
                body=_(
                    "die Frist für die nachgeforderten Unterlagen zu Ihrem Bauantrag läuft am "
                    "%(deadline)s ab. Es fehlen noch:\n%(missing)s"
                )
                % {
                    "deadline": f"{nachforderung.deadline:%d.%m.%Y}",
                    "missing": "\n".join(f"– {label}" for label in nachforderung.missing),
                },
            )
            audit_record(
                actor=None,
                action="building.remind_applicant",
                obj=application,
                changes={"deadline": [None, nachforderung.deadline.isoformat()]},
            )
        sent += 1
    return sent


def statement_reminders_send() -> int:
    today = timezone.localdate()
    sent = 0
    candidates = StatementRequest.objects.filter(
        status=StatementStatus.REQUESTED,
        reminded_at__isnull=True,
        application__status=BuildingStatus.PARTICIPATION,
    ).select_related("application__org_unit__building_authority", "application__efile", "org_unit")
    for request in candidates:
        application = request.application
        days = application.org_unit.building_authority.reminder_days
        if request.deadline > today + dt.timedelta(days=days):
            continue
        with transaction.atomic():
            updated = StatementRequest.objects.filter(
                pk=request.pk, reminded_at__isnull=True
            ).update(reminded_at=timezone.now())
            if not updated:
                continue
            overdue = request.deadline < today
            mail_after_commit(
                recipients=_members_with_statement_role(request.org_unit),
                subject=(
                    _("Stellungnahme überfällig – %(reference)s")
                    if overdue
                    else _("Erinnerung: Stellungnahme fällig – %(reference)s")
                )
                % {"reference": application.efile.reference},
                body=_(
                    "Die Stellungnahme der Fachstelle %(unit)s zum Bauantrag %(reference)s ist "
                    "am %(deadline)s fällig."
                )
                % {
                    "unit": request.org_unit.name,
                    "reference": application.efile.reference,
                    "deadline": f"{request.deadline:%d.%m.%Y}",
                },
            )
            audit_record(
                actor=None,
                action="building.remind_statement",
                obj=application,
                changes={"statement": [None, request.org_unit.code]},
            )
        sent += 1
    return sent
