import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.factories import OrgUnitFactory, efile_create


@pytest.mark.django_db
def test_aktenzeichen_has_plan_code_year_and_four_digit_number(plan_item):
    unit = OrgUnitFactory()
    efile = efile_create(org_unit=unit, plan_item=plan_item)
    year = timezone.localdate().year
    assert efile.reference == f"610.20-{year}-0001"
    assert re.fullmatch(r"\d+(\.\d+)*-\d{4}-\d{4,}", efile.reference)


@pytest.mark.django_db
def test_running_number_counts_per_plan_item_and_restarts_each_year(plan_item, tmp_blobs):
    unit = OrgUnitFactory()
    tz = timezone.get_current_timezone()
    first = efile_create(
        org_unit=unit, plan_item=plan_item, opened_at=dt.datetime(2025, 12, 31, 23, 30, tzinfo=tz)
    )
    second = efile_create(
        org_unit=unit, plan_item=plan_item, opened_at=dt.datetime(2025, 12, 31, 23, 59, tzinfo=tz)
    )
    new_year = efile_create(
        org_unit=unit, plan_item=plan_item, opened_at=dt.datetime(2026, 1, 1, 0, 1, tzinfo=tz)
    )
    assert [first.reference, second.reference, new_year.reference] == [
        "610.20-2025-0001",
        "610.20-2025-0002",
        "610.20-2026-0001",
    ]
