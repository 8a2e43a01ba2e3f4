"""The e-file life cycle: open → closed → archived/destroyed, each step checked and audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from efile import services
from efile.models import AuditEvent, DisposalAction, EFile, EFileStatus
from efile.roles import Role
from efile.states import EFileLifecycle
from tests.factories import FilingPlanItemFactory, UserFactory, efile_create

pytestmark = pytest.mark.django_db


def _plan_item(action: DisposalAction, retention_years: int = 10):
    return FilingPlanItemFactory(
        code={"archive": "610.20", "destroy": "200.20", "evaluate": "370.10"}[action],
        disposal_action=action,
        retention_years=retention_years,
    )


def _closed_efile(org_unit, action=DisposalAction.ARCHIVE, *, closed_years_ago: int = 11):
    """A closed e-file whose closing date lies `closed_years_ago` calendar years back."""
    efile = efile_create(org_unit=org_unit, plan_item=_plan_item(action))
    services.efile_close(actor=None, efile=efile)
    closed_at = timezone.now().replace(year=timezone.now().year - closed_years_ago, month=6, day=1)
    EFile.objects.filter(pk=efile.pk).update(closed_at=closed_at)
    efile.refresh_from_db()
    return efile


def _transition(efile, transition, actor=None, reason=""):
    return services.efile_transition(actor=actor, efile=efile, transition=transition, reason=reason)


def _last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


# --- close and reopen -----------------------------------------------------------------------


def test_closing_sets_status_and_closed_at(bauamt, plan_item, clerk):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    before = timezone.now()

    _transition(efile, "close", actor=clerk)

    efile.refresh_from_db()
    assert efile.status == EFileStatus.CLOSED
    assert before <= efile.closed_at <= timezone.now()
    assert _last_event().action == "efile.close"


def test_reopening_clears_closed_at(bauamt, plan_item, clerk):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    _transition(efile, "close", actor=clerk)

    _transition(efile, "reopen", actor=clerk, reason="Nachtrag eingegangen")

    efile.refresh_from_db()
    assert efile.status == EFileStatus.OPEN
    assert efile.closed_at is None
    event = _last_event()
    assert event.action == "efile.reopen"
    assert event.changes == {"status": ["closed", "open"], "reason": "Nachtrag eingegangen"}


def test_closing_a_closed_efile_is_refused(bauamt, plan_item):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    _transition(efile, "close")
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        _transition(efile, "close")

    assert excinfo.value.code == "transition_not_allowed"
    assert "nicht möglich" in excinfo.value.messages[0]
    assert AuditEvent.objects.count() == events


def test_reopening_an_open_efile_is_refused(bauamt, plan_item):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)

    with pytest.raises(ValidationError):
        _transition(efile, "reopen")


def test_clerk_of_another_department_cannot_close(bauamt, umwelt, plan_item):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    outsider = UserFactory(username="umwelt-clerk", role=Role.CLERK, org_units=[umwelt])

    with pytest.raises(PermissionDenied):
        _transition(efile, "close", actor=outsider)

    efile.refresh_from_db()
    assert efile.status == EFileStatus.OPEN


def test_registry_may_close_files_of_every_department(bauamt, plan_item, registry_user):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)

    _transition(efile, "close", actor=registry_user)

    efile.refresh_from_db()
    assert efile.status == EFileStatus.CLOSED
    assert _last_event().actor == registry_user


def test_unknown_transition_is_a_programming_error(bauamt, plan_item):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)

    with pytest.raises(ValueError, match="Unknown e-file transition"):
        _transition(efile, "delete")


# --- archive and destroy --------------------------------------------------------------------


def test_registry_archives_closed_efile_after_retention(bauamt, registry_user):
    efile = _closed_efile(bauamt, DisposalAction.ARCHIVE)

    _transition(efile, "archive", actor=registry_user, reason="Übergabe an Stadtarchiv")

    efile.refresh_from_db()
    assert efile.status == EFileStatus.ARCHIVED
    event = _last_event()
    assert event.action == "efile.archive"
    assert event.actor == registry_user
    assert event.changes == {
        "status": ["closed", "archived"],
        "reason": "Übergabe an Stadtarchiv",
    }


def test_registry_destroys_closed_efile_after_retention(bauamt, registry_user):
    efile = _closed_efile(bauamt, DisposalAction.DESTROY)

    _transition(efile, "destroy", actor=registry_user)

    efile.refresh_from_db()
    assert efile.status == EFileStatus.DESTROYED
    assert _last_event().action == "efile.destroy"
    assert _last_event().changes == {"status": ["closed", "destroyed"]}


@pytest.mark.parametrize(
    ("transition", "target"),
    [("archive", EFileStatus.ARCHIVED), ("destroy", EFileStatus.DESTROYED)],
)
def test_evaluate_position_may_be_archived_or_destroyed(bauamt, transition, target):
    efile = _closed_efile(bauamt, DisposalAction.EVALUATE)

    _transition(efile, transition)

    efile.refresh_from_db()
    assert efile.status == target


def test_archiving_a_destroy_position_is_refused_in_german(bauamt, registry_user):
    efile = _closed_efile(bauamt, DisposalAction.DESTROY)

    with pytest.raises(ValidationError) as excinfo:
        _transition(efile, "archive", actor=registry_user)

    assert excinfo.value.code == "transition_not_allowed"
    assert "zu vernichten, nicht zu archivieren" in excinfo.value.messages[0]
    efile.refresh_from_db()
    assert efile.status == EFileStatus.CLOSED


def test_destroying_an_archive_position_is_refused_in_german(bauamt, registry_user):
    efile = _closed_efile(bauamt, DisposalAction.ARCHIVE)

    with pytest.raises(ValidationError) as excinfo:
        _transition(efile, "destroy", actor=registry_user)

    assert "dem Archiv anzubieten" in excinfo.value.messages[0]
    efile.refresh_from_db()
    assert efile.status == EFileStatus.CLOSED


@pytest.mark.parametrize("transition", ["archive", "destroy"])
def test_disposal_of_an_open_efile_is_refused(bauamt, transition):
    efile = efile_create(org_unit=bauamt, plan_item=_plan_item(DisposalAction.EVALUATE))

    with pytest.raises(ValidationError) as excinfo:
        _transition(efile, transition)

    assert "Offen" in excinfo.value.messages[0]


def test_disposal_before_retention_ends_is_refused_naming_the_year(bauamt):
    """Retention of 10 years for a file closed in year Y runs to the end of Y + 10."""
    efile = _closed_efile(bauamt, DisposalAction.ARCHIVE, closed_years_ago=10)
    expires = timezone.localdate().year

    with pytest.raises(ValidationError) as excinfo:
        _transition(efile, "archive")

    assert f"Aufbewahrungsfrist läuft bis Ende {expires}" in excinfo.value.messages[0]
    efile.refresh_from_db()
    assert efile.status == EFileStatus.CLOSED


def test_disposal_of_recently_closed_efile_is_refused(bauamt):
    efile = efile_create(org_unit=bauamt, plan_item=_plan_item(DisposalAction.DESTROY))
    _transition(efile, "close")

    with pytest.raises(ValidationError, match="Aufbewahrungsfrist"):
        _transition(efile, "destroy")


@pytest.mark.parametrize("role", [Role.CLERK, Role.ADMINISTRATOR, Role.ACCOUNTING])
def test_only_registry_may_archive(bauamt, role):
    efile = _closed_efile(bauamt, DisposalAction.ARCHIVE)
    user = UserFactory(username=f"user-{role.name.lower()}", role=role, org_units=[bauamt])

    with pytest.raises(PermissionDenied) as excinfo:
        _transition(efile, "archive", actor=user)

    assert "Registratur" in str(excinfo.value)
    efile.refresh_from_db()
    assert efile.status == EFileStatus.CLOSED


def test_archived_efile_cannot_be_reopened(bauamt):
    efile = _closed_efile(bauamt, DisposalAction.ARCHIVE)
    _transition(efile, "archive")

    with pytest.raises(ValidationError):
        _transition(efile, "reopen")


def test_lifecycle_offers_only_transitions_allowed_from_current_status(bauamt, plan_item):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    lifecycle = EFileLifecycle(efile, actor=None)

    assert lifecycle.close.can_proceed()
    assert not lifecycle.reopen.can_proceed()
    assert not lifecycle.archive.can_proceed()
    assert not lifecycle.destroy.can_proceed()


def test_closed_at_is_kept_when_a_later_transition_fails(bauamt):
    efile = _closed_efile(bauamt, DisposalAction.ARCHIVE)
    closed_at = efile.closed_at

    with pytest.raises(ValidationError):
        _transition(efile, "destroy")

    efile.refresh_from_db()
    assert efile.closed_at == closed_at
    assert isinstance(closed_at, dt.datetime)


def test_retention_counts_from_the_local_calendar_year_of_closing(bauamt):
    """Closed at 00:30 on 1 January local time (still 31 December in UTC): the file was
    closed in the new year, so its retention runs one year longer."""
    efile = _closed_efile(bauamt, DisposalAction.ARCHIVE)
    year = timezone.localdate().year - 10
    local_new_year = dt.datetime(year, 1, 1, 0, 30, tzinfo=timezone.get_current_timezone())
    EFile.objects.filter(pk=efile.pk).update(closed_at=local_new_year)
    efile.refresh_from_db()

    with pytest.raises(ValidationError) as excinfo:
        _transition(efile, "archive")

    assert f"Aufbewahrungsfrist läuft bis Ende {year + 10}" in excinfo.value.messages[0]
