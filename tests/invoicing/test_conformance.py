"""Conformance with the official verdicts of the corpus (see its README and MANIFEST.tsv).

For every corpus file: our verdict equals `official_verdict`, every official error id
(`fired_errors`) is reported at error level, and an officially valid file gets no error.
Files that do not agree yet are listed in `KNOWN_GAPS` (path -> reason) and marked
`xfail(strict=True)`: when a rule fixes one of them the test fails until the entry is removed.
Regenerate the list with `python benchmarks/einvoice_conformance.py --gaps`.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.invoicing import CORPUS, manifest, needs_corpus

_BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "einvoice_conformance.py"
_spec = importlib.util.spec_from_file_location("einvoice_conformance", _BENCHMARK)
conformance = importlib.util.module_from_spec(_spec)
sys.modules.setdefault(_spec.name, conformance)
_spec.loader.exec_module(conformance)


def known_gaps(text: str) -> dict[str, str]:
    """`path` lines, each followed by an indented reason line (long paths fit no other way)."""
    gaps: dict[str, str] = {}
    path = None
    for line in text.splitlines():
        if line.startswith("    ") and path:
            gaps[path] = line.strip()
        elif line.strip():
            path = line.strip()
            gaps[path] = ""
    return gaps


KNOWN_GAPS = known_gaps("""
""")


def _params() -> list:
    params = []
    for row in manifest():
        marks = []
        if row["path"] in KNOWN_GAPS:
            marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[row["path"]]))
        params.append(pytest.param(row, id=row["path"], marks=marks))
    return params


@needs_corpus
@pytest.mark.parametrize("row", _params())
def test_agrees_with_the_official_validation(row):
    score = conformance.score(CORPUS, row)
    assert score.agrees, score.reason()
    assert not score.missed, score.reason()
    if score.official_valid:
        assert not score.false_errors, score.reason()


@needs_corpus
def test_known_gaps_name_corpus_files():
    paths = {row["path"] for row in manifest()}
    assert set(KNOWN_GAPS) <= paths
