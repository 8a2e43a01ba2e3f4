"""The formal check (Vollständigkeitsprüfung, XBau 0201) against the checklist of the
project kind; what is missing becomes a Nachforderung with letter and deadline."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    BuildingApplication,
    BuildingStatus,
    ChecklistItem,
    Nachforderung,
)
from .access import require_work_on
from .letters import letter_file, nachforderung_letter
from .notify import notify_applicant
from .states import transition


def checklist_for(project_kind: str) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(project_kind=project_kind, active=True))


def lock_application(application: BuildingApplication) -> BuildingApplication:
    return (
        BuildingApplication.objects.select_for_update(of=("self",))
        .select_related("efile", "org_unit", "applicant")
        .get(pk=application.pk)
    )


def default_deadline(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def check_deadline(deadline: dt.date) -> dt.date:
    if deadline <= timezone.localdate():
        raise ValidationError(_("Die Frist muss in der Zukunft liegen."), code="deadline_in_past")
    return deadline


@transaction.atomic
def completeness_check(
    *,
    actor,
    application: BuildingApplication,
    present: set[int],
    other_missing: str = "",
    note: str = "",
    deadline: dt.date | None = None,
) -> Nachforderung | None:
    """Record the formal check. `present` are the ids of the checklist items found in the
    application; every other item (and each line of `other_missing`) is requested from the
    applicant in a Nachforderung. Returns it, or None when the application is complete."""
    require_work_on(actor, application)
    application = lock_application(application)
    if application.status != BuildingStatus.RECEIVED:
        raise ValidationError(
            _("Der Antrag ist nicht in der formellen Prüfung."), code="not_in_check"
        )
    items = checklist_for(application.project_kind)
    unknown = set(present) - {item.pk for item in items}
    if unknown:
        raise ValidationError(_("Unbekannter Prüfpunkt."), code="unknown_item")
    application.checklist = [
        {"id": item.pk, "label": item.label, "present": item.pk in present} for item in items
    ]
    missing = [item.label for item in items if item.pk not in present]
    missing += [line.strip() for line in other_missing.splitlines() if line.strip()]
    if not missing:
        transition(actor=actor, application=application, name="accept_as_complete")
        return None
    authority = application.org_unit.building_authority
    deadline = check_deadline(deadline or default_deadline(authority.nachforderung_days))
    nachforderung = Nachforderung.objects.create(
        application=application,
        missing=missing,
        note=note.strip(),
        deadline=deadline,
        created_by=actor,
    )
    transition(
        actor=actor,
        application=application,
        name="request_documents",
        missing=missing,
        deadline=deadline.isoformat(),
    )
    nachforderung.letter = letter_file(
        actor=actor,
        application=application,
        letter=nachforderung_letter(nachforderung),
        filename=f"Nachforderung-{application.efile.reference}-{nachforderung.pk}.pdf",
        title=_("Nachforderung vom %(date)s") % {"date": f"{timezone.localdate():%d.%m.%Y}"},
    )
    nachforderung.save(update_fields=["letter"])
    notify_applicant(
        application=application,
        subject=_("Unterlagen nachgefordert"),
        body=_(
            "zu Ihrem Bauantrag fehlen noch Unterlagen:\n%(missing)s\n\nBitte reichen Sie sie "
            "bis zum %(deadline)s online nach."
        )
        % {
            "missing": "\n".join(f"– {label}" for label in missing),
            "deadline": f"{deadline:%d.%m.%Y}",
        },
    )
    return nachforderung
