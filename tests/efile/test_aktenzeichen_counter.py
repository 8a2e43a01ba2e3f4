"""The running number of the Aktenzeichen: one counter per plan item and year, no gaps,
no duplicates even when many e-files are opened at the same moment."""

import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from efile import services
from efile.models import AktenzeichenCounter, EFile
from tests.factories import FilingPlanItemFactory, OrgUnitFactory, efile_create

THREADS = 8
EFILES_PER_THREAD = 10


def _open_concurrently(*, plan_item, org_unit) -> tuple[list[str], list[BaseException]]:
    """Open THREADS × EFILES_PER_THREAD e-files from parallel threads, each with its own
    database connection; returns the references handed out and any exception raised."""
    references: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def work(thread_no: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(EFILES_PER_THREAD):
                efile = services.efile_open(
                    actor=None,
                    plan_item=plan_item,
                    org_unit=org_unit,
                    title=f"Parallel {thread_no}-{i}",
                )
                with lock:
                    references.append(efile.reference)
        except BaseException as exc:  # reported to the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker thread hung"
    return references, errors


def _require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs a PostgreSQL server (DATABASE_URL=postgres://...)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_efile_open_hands_out_every_number_exactly_once_without_gaps():
    _require_postgresql()
    plan_item = FilingPlanItemFactory(code="610.20", title="Baugenehmigungen")
    unit = OrgUnitFactory(code="bauamt", name="Bauamt")

    references, errors = _open_concurrently(plan_item=plan_item, org_unit=unit)

    assert errors == []
    total = THREADS * EFILES_PER_THREAD
    year = timezone.localdate().year
    assert len(references) == total
    assert len(set(references)) == total
    assert sorted(references) == [f"610.20-{year}-{n:04d}" for n in range(1, total + 1)]
    assert sorted(EFile.objects.values_list("number", flat=True)) == list(range(1, total + 1))
    counter = AktenzeichenCounter.objects.get(plan_item=plan_item, year=year)
    assert counter.last_number == total


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_efile_open_keeps_audit_chain_intact():
    _require_postgresql()
    plan_item = FilingPlanItemFactory(code="610.20", title="Baugenehmigungen")
    unit = OrgUnitFactory(code="bauamt", name="Bauamt")

    _references, errors = _open_concurrently(plan_item=plan_item, org_unit=unit)

    assert errors == []
    out = io.StringIO()
    # Raises CommandError if two writers appended onto the same previous hash.
    call_command("audit_verify", stdout=out)
    assert f"{THREADS * EFILES_PER_THREAD} events verified" in out.getvalue()


@pytest.mark.django_db
def test_each_plan_item_has_its_own_running_number(plan_item):
    unit = OrgUnitFactory()
    other_item = FilingPlanItemFactory(code="200.20", title="Lieferanten und Kreditoren")
    year = timezone.localdate().year

    first = efile_create(org_unit=unit, plan_item=plan_item)
    other_first = efile_create(org_unit=unit, plan_item=other_item)
    second = efile_create(org_unit=unit, plan_item=plan_item)
    other_second = efile_create(org_unit=unit, plan_item=other_item)

    assert [first.reference, second.reference] == [
        f"610.20-{year}-0001",
        f"610.20-{year}-0002",
    ]
    assert [other_first.reference, other_second.reference] == [
        f"200.20-{year}-0001",
        f"200.20-{year}-0002",
    ]


@pytest.mark.django_db
def test_refused_efile_open_does_not_use_up_a_number(plan_item):
    unit = OrgUnitFactory()
    year = timezone.localdate().year
    efile_create(org_unit=unit, plan_item=plan_item)

    with pytest.raises(ValidationError, match="Betreff"):
        efile_create(org_unit=unit, plan_item=plan_item, title="   ")
    after = efile_create(org_unit=unit, plan_item=plan_item)

    assert after.reference == f"610.20-{year}-0002"
