"""E-invoice validation speed: Aktenfluss's full validation vs factur-x's `xml_check_xsd`.

    python benchmarks/einvoice_validation.py [DIR] [--rounds 3]

DIR (default ../shared/corpus/einvoice) holds the corpus (MANIFEST.tsv). Every file is validated
once to warm caches (compiled schemas, code lists), then `--rounds` times, timing each call of
`invoicing.validation.run.validate` on the file's bytes (detection, safe parsing, PDF
extraction, model, all rule layers). In the same run factur-x's own `xml_check_xsd` (XML Schema
only, no business rules) is timed on the CII XML files, for scale. Prints a table per syntax,
then as its LAST line one JSON object: `invoices`, `median_ms`, `p95_ms`,
`facturx_xsd_median_ms`, `facturx_xsd_p95_ms`. Target: median at most 5 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import logging
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from invoicing.validation.run import validate  # noqa: E402

DEFAULT_DIR = REPO.parent / "shared" / "corpus" / "einvoice"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return (time.perf_counter() - start) * 1000


def breakdown(files: list[tuple[str, bytes]]) -> dict[str, float]:
    """Mean ms per invoice of each stage: detection, model, and the rules of each layer."""
    from invoicing.parsing import parse_invoice
    from invoicing.syntax import detect
    from invoicing.validation import run
    from invoicing.validation.context import ValidationContext
    from invoicing.validation.scenarios import scenario_for

    spent: dict[str, float] = defaultdict(float)
    for _syntax, data in files:
        start = time.perf_counter()
        detection = detect(data)
        spent["detect (incl. PDF extraction)"] += time.perf_counter() - start
        if detection.problem is not None:
            continue
        start = time.perf_counter()
        invoice = parse_invoice(detection.root, detection.syntax)
        spent["invoice model"] += time.perf_counter() - start
        scenario = scenario_for(
            detection.profile,
            detection.syntax,
            detection.customization_id,
            credit_note=detection.is_credit_note,
        )
        context = ValidationContext(
            syntax=detection.syntax,
            profile=detection.profile,
            root=detection.root,
            invoice=invoice,
            customization_id=detection.customization_id,
            overrides=dict(scenario.overrides),
        )
        for layer in scenario.layers:
            start = time.perf_counter()
            run.run_layer(layer, context, [])
            spent[f"rules {layer.name}"] += time.perf_counter() - start
    return {name: seconds * 1000 / len(files) for name, seconds in spent.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)

    with (args.directory / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    files = [(row["syntax"], (args.directory / row["path"]).read_bytes()) for row in rows]

    from facturx import xml_check_xsd

    def facturx_xsd(data: bytes) -> None:
        # invalid files raise; only the time counts here
        with contextlib.suppress(Exception):
            xml_check_xsd(data, flavor="factur-x")

    cii_files = [data for syntax, data in files if syntax == "cii"]
    for _syntax, data in files:  # warm-up: schemas, code lists, imports
        validate(data)
    for data in cii_files:
        facturx_xsd(data)

    ours: dict[str, list[float]] = defaultdict(list)
    theirs: list[float] = []
    for _ in range(args.rounds):
        for syntax, data in files:
            ours[syntax].append(timed(validate, data))
        for data in cii_files:
            theirs.append(timed(facturx_xsd, data))

    all_ours = [value for values in ours.values() for value in values]
    print(f"{'what':<34} {'calls':>6} {'median ms':>10} {'p95 ms':>8}")
    for syntax in sorted(ours):
        values = ours[syntax]
        print(
            f"{'Aktenfluss validate (' + syntax + ')':<34} {len(values):>6} "
            f"{statistics.median(values):>10.2f} {percentile(values, 0.95):>8.2f}"
        )
    print(
        f"{'Aktenfluss validate (all)':<34} {len(all_ours):>6} "
        f"{statistics.median(all_ours):>10.2f} {percentile(all_ours, 0.95):>8.2f}"
    )
    if theirs:
        print(
            f"{'factur-x xml_check_xsd (cii)':<34} {len(theirs):>6} "
            f"{statistics.median(theirs):>10.2f} {percentile(theirs, 0.95):>8.2f}"
        )
    print(f"\n{'stage (mean per invoice)':<34} {'ms':>6}")
    for name, ms in breakdown(files).items():
        print(f"{name:<34} {ms:>6.2f}")
    print(
        json.dumps(
            {
                "invoices": len(files),
                "median_ms": round(statistics.median(all_ours), 3),
                "p95_ms": round(percentile(all_ours, 0.95), 3),
                "facturx_xsd_median_ms": round(statistics.median(theirs), 3) if theirs else None,
                "facturx_xsd_p95_ms": round(percentile(theirs, 0.95), 3) if theirs else None,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
