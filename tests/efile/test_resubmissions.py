"""Wiedervorlagen: who sees which ones when, and who may mark them done."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from efile import selectors, services
from efile.models import AuditEvent, Resubmission
from efile.roles import Role
from tests.factories import ResubmissionFactory, UserFactory, efile_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def efile(bauamt, plan_item):
    return efile_create(org_unit=bauamt, plan_item=plan_item, title="Neubau Parzelle 1234")


@pytest.fixture
def colleague(bauamt):
    return UserFactory(username="kollegin", role=Role.CLERK, org_units=[bauamt])


@pytest.fixture
def outsider(umwelt):
    return UserFactory(username="umwelt-clerk", role=Role.CLERK, org_units=[umwelt])


def _due(user) -> list[Resubmission]:
    return list(selectors.resubmissions_due(user=user))


def test_personal_resubmission_due_today_is_shown(efile, clerk, today):
    resubmission = services.resubmission_create(
        actor=clerk, efile=efile, due_on=today, note="Antwort prüfen"
    )

    assert resubmission.user == clerk
    assert _due(clerk) == [resubmission]


def test_overdue_resubmissions_come_first(efile, clerk, today):
    due_today = ResubmissionFactory(efile=efile, due_on=today, user=clerk)
    overdue = ResubmissionFactory(efile=efile, due_on=today - dt.timedelta(days=3), user=clerk)

    assert _due(clerk) == [overdue, due_today]


def test_future_resubmission_is_not_due_yet(efile, clerk, today):
    ResubmissionFactory(efile=efile, due_on=today + dt.timedelta(days=1), user=clerk)

    assert _due(clerk) == []
    tomorrow = today + dt.timedelta(days=1)
    assert len(selectors.resubmissions_due(user=clerk, on=tomorrow)) == 1


def test_done_resubmission_is_not_shown(efile, clerk, today):
    ResubmissionFactory(efile=efile, due_on=today, user=clerk, done_at=timezone.now())

    assert _due(clerk) == []


def test_department_resubmission_is_shown_to_every_member(efile, clerk, colleague, bauamt, today):
    resubmission = ResubmissionFactory(efile=efile, due_on=today, org_unit=bauamt)

    assert _due(clerk) == [resubmission]
    assert _due(colleague) == [resubmission]


def test_personal_resubmission_is_not_shown_to_colleagues(efile, clerk, colleague, today):
    ResubmissionFactory(efile=efile, due_on=today, user=clerk)

    assert _due(colleague) == []


def test_resubmissions_of_other_departments_are_not_shown(
    efile, clerk, outsider, umwelt, plan_item, today
):
    own = ResubmissionFactory(efile=efile, due_on=today, org_unit=efile.org_unit)
    other_file = efile_create(org_unit=umwelt, plan_item=plan_item, title="Lärmbeschwerde")
    other = ResubmissionFactory(efile=other_file, due_on=today, org_unit=umwelt)

    assert _due(clerk) == [own]
    assert _due(outsider) == [other]


def test_resubmission_for_a_user_who_lost_access_to_the_file_is_not_shown(
    efile, bauamt, clerk, today
):
    ResubmissionFactory(efile=efile, due_on=today, user=clerk)
    bauamt.members.remove(clerk)
    clerk = type(clerk).objects.get(pk=clerk.pk)  # drop the cached memberships

    assert _due(clerk) == []


def test_completing_sets_done_at_and_audits(efile, clerk, today):
    resubmission = services.resubmission_create(
        actor=clerk, efile=efile, due_on=today, note="Antwort prüfen"
    )
    before = timezone.now()

    services.resubmission_complete(actor=clerk, resubmission=resubmission)

    resubmission.refresh_from_db()
    assert before <= resubmission.done_at <= timezone.now()
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "resubmission.complete"
    assert event.actor == clerk
    assert event.changes == {"resubmission": [today.isoformat(), "erledigt"]}
    assert _due(clerk) == []


def test_completing_twice_keeps_first_done_at_and_writes_one_event(efile, clerk, today):
    resubmission = ResubmissionFactory(efile=efile, due_on=today, user=clerk)
    services.resubmission_complete(actor=clerk, resubmission=resubmission)
    done_at = resubmission.done_at
    events = AuditEvent.objects.count()

    services.resubmission_complete(actor=clerk, resubmission=resubmission)

    resubmission.refresh_from_db()
    assert resubmission.done_at == done_at
    assert AuditEvent.objects.count() == events


def test_colleague_may_complete_a_department_resubmission(efile, colleague, bauamt, today):
    resubmission = ResubmissionFactory(efile=efile, due_on=today, org_unit=bauamt)

    services.resubmission_complete(actor=colleague, resubmission=resubmission)

    resubmission.refresh_from_db()
    assert resubmission.done_at is not None


def test_colleague_may_not_complete_a_personal_resubmission(efile, clerk, colleague, today):
    resubmission = ResubmissionFactory(efile=efile, due_on=today, user=clerk)

    with pytest.raises(PermissionDenied):
        services.resubmission_complete(actor=colleague, resubmission=resubmission)

    resubmission.refresh_from_db()
    assert resubmission.done_at is None


def test_user_of_another_department_cannot_complete(efile, outsider, bauamt, today):
    resubmission = ResubmissionFactory(efile=efile, due_on=today, org_unit=bauamt)

    with pytest.raises(PermissionDenied):
        services.resubmission_complete(actor=outsider, resubmission=resubmission)

    resubmission.refresh_from_db()
    assert resubmission.done_at is None


def test_resubmission_date_in_the_past_is_refused(efile, clerk, today):
    with pytest.raises(ValidationError) as excinfo:
        services.resubmission_create(
            actor=clerk, efile=efile, due_on=today - dt.timedelta(days=1), note="zu spät"
        )

    assert excinfo.value.code == "due_in_past"
    assert "Vergangenheit" in excinfo.value.messages[0]
    assert not Resubmission.objects.exists()


def test_resubmission_for_department_is_audited(efile, clerk, bauamt, today):
    due_on = today + dt.timedelta(days=14)

    resubmission = services.resubmission_create(
        actor=clerk, efile=efile, due_on=due_on, note=" Stellungnahme anfordern ", org_unit=bauamt
    )

    assert resubmission.user is None
    assert resubmission.org_unit == bauamt
    assert resubmission.note == "Stellungnahme anfordern"
    event = AuditEvent.objects.order_by("-id").first()
    assert event.action == "resubmission.create"
    assert event.changes == {
        "resubmission": [None, f"{due_on.isoformat()}: Stellungnahme anfordern"]
    }


def test_resubmission_on_another_departments_file_is_refused(efile, outsider, today):
    with pytest.raises(PermissionDenied):
        services.resubmission_create(actor=outsider, efile=efile, due_on=today, note="x")

    assert not Resubmission.objects.exists()
