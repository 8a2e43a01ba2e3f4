"""E-invoice conformance: Aktenfluss's validator against the official verdicts of the corpus.

    python benchmarks/einvoice_conformance.py [DIR] [--gaps]

DIR (default ../shared/corpus/einvoice) holds the files and MANIFEST.tsv (see its README).
For every file the validator's verdict is compared with `official_verdict`, the official error
ids (`fired_errors`) with the ids we report at error level (`XSD` is satisfied by any finding of
the layers WELLFORMED or SCHEMA, `FX-NOT-USED` by a Factur-X "not used" finding), and every
error we report whose id the official run did not report counts as a false error.
Prints agreement per source and syntax, the disagreeing files, and as its LAST line one JSON
object: `files`, `verdict_agreement`, `rule_recall`, `false_errors` (plus details).
`--gaps` prints instead the `KNOWN_GAPS` list of tests/invoicing/test_conformance.py,
`--write-gaps` rewrites it there.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from invoicing.validation.findings import Layer  # noqa: E402
from invoicing.validation.run import NOT_CHECKED, validate  # noqa: E402

DEFAULT_DIR = REPO.parent / "shared" / "corpus" / "einvoice"


def read_manifest(directory: Path) -> list[dict]:
    with (directory / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def ids(text: str) -> set[str]:
    return {part.strip() for part in (text or "").split(",") if part.strip()}


def _is_not_used(finding) -> bool:
    return finding.rule == "FX-NOT-USED" or (
        finding.layer == Layer.FACTURX and "NOT-USED" in finding.rule.upper()
    )


def covers(official_id: str, findings) -> bool:
    """Whether our rejecting `findings` report the official error id."""
    rejecting = [f for f in findings if f.severity.rejects and f.rule != NOT_CHECKED]
    if official_id == "XSD":
        return any(f.layer in (Layer.WELLFORMED, Layer.SCHEMA) for f in rejecting)
    if official_id == "FX-NOT-USED":
        return any(_is_not_used(f) for f in rejecting)
    return any(f.rule == official_id for f in rejecting)


def false_error_ids(official: set[str], findings) -> list[str]:
    """Ids of our rejecting findings that the official run did not report (one per id)."""
    extra = set()
    for f in findings:
        if not f.severity.rejects or f.rule == NOT_CHECKED or f.rule in official:
            continue
        if "XSD" in official and f.layer in (Layer.WELLFORMED, Layer.SCHEMA):
            continue
        if "FX-NOT-USED" in official and _is_not_used(f):
            continue
        extra.add(f.rule)
    return sorted(extra)


@dataclass
class FileScore:
    path: str
    source: str
    syntax: str
    profile: str
    official_valid: bool
    our_valid: bool | None
    official_errors: set[str]
    missed: list[str] = field(default_factory=list)
    false_errors: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return self.our_valid is self.official_valid

    @property
    def ok(self) -> bool:
        """Full match: verdict, every official id, and no additional error id."""
        return self.agrees and not self.missed and not self.false_errors

    @property
    def passes(self) -> bool:
        """What the conformance test demands: verdict, every official error id, and no error
        at all on officially valid files (additional ids on invalid files are tolerated)."""
        return (
            self.agrees and not self.missed and (not self.official_valid or not self.false_errors)
        )

    def reason(self) -> str:
        parts = []
        if not self.agrees:
            parts.append(
                f"verdict {self.our_valid} vs official "
                f"{'valid' if self.official_valid else 'invalid'}"
            )
        if self.missed:
            parts.append("missed " + ",".join(self.missed))
        if self.false_errors:
            parts.append("false " + ",".join(self.false_errors))
        return "; ".join(parts)


def score(directory: Path, row: dict) -> FileScore:
    result = validate((directory / row["path"]).read_bytes(), filename=row["path"])
    official = ids(row["fired_errors"])
    return FileScore(
        path=row["path"],
        source=row["path"].split("/", 1)[0],
        syntax=row["syntax"],
        profile=row["profile"],
        official_valid=row["official_verdict"] == "valid",
        our_valid=result.valid,
        official_errors=official,
        missed=sorted(i for i in official if not covers(i, result.findings)),
        false_errors=false_error_ids(official, result.findings),
    )


def run(directory: Path) -> list[FileScore]:
    return [score(directory, row) for row in read_manifest(directory)]


def summary(scores: list[FileScore]) -> dict:
    official_ids = sum(len(s.official_errors) for s in scores)
    found_ids = sum(len(s.official_errors) - len(s.missed) for s in scores)
    return {
        "files": len(scores),
        "verdict_agreement": round(sum(s.agrees for s in scores) / max(len(scores), 1), 4),
        "rule_recall": round(found_ids / max(official_ids, 1), 4),
        "false_errors": sum(len(s.false_errors) for s in scores),
        "false_accepts": sum(1 for s in scores if not s.official_valid and s.our_valid is True),
        "false_rejects": sum(1 for s in scores if s.official_valid and s.our_valid is False),
        "not_checked": sum(1 for s in scores if s.our_valid is None),
        "files_fully_matched": sum(s.ok for s in scores),
    }


def gaps_block(scores: list[FileScore]) -> str:
    """The `KNOWN_GAPS = known_gaps(...)` statement of tests/invoicing/test_conformance.py."""
    lines = ['KNOWN_GAPS = known_gaps("""']
    for s in scores:
        if not s.passes:
            reason = s.reason()
            lines.append(s.path)
            lines.append(f"    {reason if len(reason) <= 92 else reason[:91] + '…'}")
    lines.append('""")')
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--gaps", action="store_true", help="print KNOWN_GAPS for the test")
    parser.add_argument(
        "--write-gaps", action="store_true", help="rewrite KNOWN_GAPS in the conformance test"
    )
    args = parser.parse_args(argv)
    logging.disable(logging.CRITICAL)  # rule failures show up as NOT-CHECKED in the figures
    scores = run(args.directory)
    if args.gaps or args.write_gaps:
        block = gaps_block(scores)
        if args.write_gaps:
            test = REPO / "tests" / "invoicing" / "test_conformance.py"
            text = test.read_text(encoding="utf-8")
            start = text.index('KNOWN_GAPS = known_gaps("""')
            end = text.index('""")', start) + len('""")')
            test.write_text(text[:start] + block + text[end:], encoding="utf-8")
            print(f"{test}: {sum(not s.passes for s in scores)} known gaps")
        else:
            print(block)
        return 0

    groups: dict[tuple[str, str], list[FileScore]] = defaultdict(list)
    for s in scores:
        groups[(s.source, s.syntax)].append(s)
    print(f"{'source':<44} {'syntax':<6} {'files':>5} {'verdict':>8} {'recall':>7} {'false':>6}")
    for (source, syntax), group in sorted(groups.items()):
        figures = summary(group)
        has_ids = any(s.official_errors for s in group)
        recall = f"{figures['rule_recall']:>7.1%}" if has_ids else f"{'-':>7}"
        print(
            f"{source:<44} {syntax:<6} {figures['files']:>5} "
            f"{figures['verdict_agreement']:>8.1%} {recall} {figures['false_errors']:>6}"
        )
    disagreeing = [s for s in scores if not s.ok]
    if disagreeing:
        print(f"\n{len(disagreeing)} files disagree:")
        for s in disagreeing:
            print(f"  {s.path}: {s.reason()}")
    print(json.dumps(summary(scores)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
