"""Tests of the e-invoice core; `CORPUS` is the shared read-only test corpus beside the repo."""

import csv
from functools import cache
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "einvoice"

needs_corpus = pytest.mark.skipif(
    not (CORPUS / "MANIFEST.tsv").is_file(), reason="e-invoice corpus not available"
)


@cache
def manifest() -> tuple[dict, ...]:
    """Rows of the corpus MANIFEST.tsv (empty when the corpus is missing)."""
    path = CORPUS / "MANIFEST.tsv"
    if not path.is_file():
        return ()
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle, delimiter="\t"))


def corpus_rows(**where) -> list:
    """Manifest rows matching all `column=value` filters, as pytest params with the path as id."""
    return [
        pytest.param(row, id=row["path"])
        for row in manifest()
        if all(row[key] == value for key, value in where.items())
    ]
