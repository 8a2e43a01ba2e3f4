"""Aktenzeichen allocation under concurrency: our single-statement upsert against the usual
`select_for_update` on a counter row (the reference), side by side in one run.

Runs on a throw-away test database of whatever DATABASE_URL points at (SQLite by default;
threads make sense on PostgreSQL). Prints a table, then one JSON object as the last line:

    {"threads": 8, "per_thread": 50, "upsert_per_s": ..., "select_for_update_per_s": ...,
     "upsert_duplicates": 0, "select_for_update_duplicates": 0}

    DATABASE_URL=postgres://... python benchmarks/aktenzeichen_allocation.py --threads 8
"""

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backoffice.settings.test")

import django

django.setup()

from django.db import connection, connections, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from efile.models import AktenzeichenCounter, FilingPlanItem  # noqa: E402
from efile.services.efiles import _next_running_number  # noqa: E402


def reference_next_number(*, plan_item: FilingPlanItem, year: int) -> int:
    """The common pattern: create the counter row if missing, lock it, increment it."""
    AktenzeichenCounter.objects.get_or_create(
        plan_item=plan_item, year=year, defaults={"last_number": 0}
    )
    counter = AktenzeichenCounter.objects.select_for_update().get(plan_item=plan_item, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def run(allocate, *, plan_item, threads: int, per_thread: int) -> tuple[float, int, int]:
    numbers: list[int] = []
    lock = threading.Lock()
    errors = []

    def worker():
        try:
            for _ in range(per_thread):
                with transaction.atomic():
                    number = allocate(plan_item=plan_item, year=2026)
                with lock:
                    numbers.append(number)
        except Exception as exc:  # counted and reported, the run goes on
            errors.append(exc)
        finally:
            connections.close_all()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    duplicates = len(numbers) - len(set(numbers))
    for message in sorted({f"{type(exc).__name__}: {exc}" for exc in errors}):
        print(f"  error: {message}", file=sys.stderr)
    return len(numbers) / elapsed, duplicates, len(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--per-thread", type=int, default=50)
    args = parser.parse_args()

    setup_test_environment()
    if connection.vendor == "sqlite":
        # An in-memory database is not shared between threads the way a file is.
        connection.settings_dict["TEST"]["NAME"] = str(
            Path(os.environ["AKTENFLUSS_DATA_DIR"]) / "benchmark.sqlite3"
        )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        ours = FilingPlanItem.objects.create(code="901.10", title="Benchmark upsert")
        reference = FilingPlanItem.objects.create(code="901.20", title="Benchmark reference")
        connections.close_all()
        rows = []
        results = {}
        for label, allocate, plan_item in (
            ("upsert (Aktenfluss)", _next_running_number, ours),
            ("select_for_update (reference)", reference_next_number, reference),
        ):
            rate, duplicates, errors = run(
                allocate, plan_item=plan_item, threads=args.threads, per_thread=args.per_thread
            )
            rows.append((label, rate, duplicates, errors))
            results[label] = (rate, duplicates, errors)
        print(f"database: {connection.vendor}, {args.threads} threads × {args.per_thread}")
        print(f"{'method':<32} {'numbers/s':>10} {'duplicates':>11} {'errors':>7}")
        for label, rate, duplicates, errors in rows:
            print(f"{label:<32} {rate:>10.1f} {duplicates:>11} {errors:>7}")
        upsert, reference_result = results.values()
        print(
            json.dumps(
                {
                    "database": connection.vendor,
                    "threads": args.threads,
                    "per_thread": args.per_thread,
                    "upsert_per_s": round(upsert[0], 1),
                    "select_for_update_per_s": round(reference_result[0], 1),
                    "upsert_duplicates": upsert[1],
                    "select_for_update_duplicates": reference_result[1],
                    "upsert_errors": upsert[2],
                    "select_for_update_errors": reference_result[2],
                }
            )
        )
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
