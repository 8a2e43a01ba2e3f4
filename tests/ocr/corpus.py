"""Access to the shared document corpus beside the repository (read-only test data)."""

import csv
import importlib.util
from functools import cache
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DOCUMENTS = SHARED / "corpus" / "documents"

needs_corpus = pytest.mark.skipif(
    not DOCUMENTS.is_dir(), reason="../shared/corpus/documents not present"
)


def manifest(folder: str) -> list[dict[str, str]]:
    path = DOCUMENTS / folder / "MANIFEST.tsv"
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def ground_truth(folder: str, name: str) -> list[str]:
    """Ground-truth text per page."""
    text = (DOCUMENTS / folder / f"{name}.gt.txt").read_text(encoding="utf-8")
    return text.rstrip("\n").split("\f")


@cache
def cer_module():
    """../shared/tools/cer.py, the corpus' own scorer."""
    spec = importlib.util.spec_from_file_location("shared_cer", SHARED / "tools" / "cer.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def page_rotations(row: dict[str, str]) -> list[int]:
    """Per page quarter turn the scan was made with, from the MANIFEST `scan` column."""
    return [
        int(part.split("rot=")[1].split(",")[0])
        for part in row["scan"].split(";")
        if "rot=" in part
    ]
