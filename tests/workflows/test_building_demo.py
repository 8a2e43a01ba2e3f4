"""The demo data holds building applications in every main step, made through the flow."""

import io

import pytest
from django.core.management import call_command

from workflows.building_application import open_tasks
from workflows.models import BuildingApplication, BuildingStatus

pytestmark = pytest.mark.django_db


def test_demo_building_applications_are_in_their_steps_and_stable(settings):
    settings.DEBUG = True
    call_command("demo_data", stdout=io.StringIO())
    statuses = dict(BuildingApplication.objects.values_list("site_address", "status"))
    assert sorted(statuses.values()) == sorted(
        [
            BuildingStatus.RECEIVED,
            BuildingStatus.INCOMPLETE,
            BuildingStatus.PARTICIPATION,
            BuildingStatus.APPROVED,
        ]
    )
    approved = BuildingApplication.objects.get(status=BuildingStatus.APPROVED)
    assert approved.notice is not None and not approved.efile.is_open
    participation = BuildingApplication.objects.get(status=BuildingStatus.PARTICIPATION)
    assert [t.flow_task.name for t in open_tasks(participation)] == ["give_statement"] * 2

    call_command("demo_data", stdout=io.StringIO())
    assert BuildingApplication.objects.count() == 4
