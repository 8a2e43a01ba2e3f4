"""OCR quality on the scanned corpus: accuracy, rotation, searchable PDF (a fixed subset, so
the run stays short; benchmarks/ocr_throughput.py covers every page)."""

from functools import cache

import pypdfium2
import pytest

from ocr.pipeline import ReadResult, read_document

from .corpus import DOCUMENTS, cer_module, ground_truth, manifest, needs_corpus, page_rotations

pytestmark = [needs_corpus, pytest.mark.ocr_corpus]

# Upright prose: serif and sans, 200 and 300 dpi, bilevel and JPEG grey, skewed and straight.
PROSE_SUBSET = (
    "sca-0015-einsprache.tif",
    "sca-0019-einsprache.pdf",
    "sca-0025-einsprache.pdf",
    "sca-0026-baugesuch.pdf",
)
ROTATED = ("sca-0008-rechnung.png", "sca-0012-einsprache.tif")


@cache
def _read(name: str) -> ReadResult:
    return read_document((DOCUMENTS / "scanned" / name).read_bytes(), filename=name)


def _corpus_cer(pairs) -> float:
    cer = cer_module()
    edits = chars = 0
    for truth, hypothesis in pairs:
        distance, length = cer.edits(truth, hypothesis)
        edits, chars = edits + distance, chars + length
    return edits / chars


def test_upright_prose_cer_at_most_two_percent():
    pairs = []
    for name in PROSE_SUBSET:
        result = _read(name)
        truth = ground_truth("scanned", name)
        assert result.page_count == len(truth)
        pairs += zip(truth, [p.text for p in result.pages], strict=True)
    assert _corpus_cer(pairs) <= 0.02


def test_ocr_pages_carry_confidence():
    result = _read(PROSE_SUBSET[0])
    assert {p.source for p in result.pages} == {"ocr"}
    assert result.mean_confidence is not None and result.mean_confidence > 80


@pytest.mark.parametrize("name", ROTATED)
def test_rotated_pages_are_turned_upright_and_read(name):
    row = next(r for r in manifest("scanned") if r["file"] == name)
    result = _read(name)
    scanned_turn = page_rotations(row)
    assert any(scanned_turn)
    # MANIFEST `rot=` is the clockwise turn that brings the scanned page upright again.
    assert [p.rotation for p in result.pages] == scanned_turn
    truth = ground_truth("scanned", name)
    for page, page_truth, turn in zip(result.pages, truth, scanned_turn, strict=True):
        if turn:
            assert _corpus_cer([(page_truth, page.text)]) <= 0.05, page.number


@pytest.mark.parametrize("name", [PROSE_SUBSET[2], ROTATED[0]])
def test_searchable_pdf_carries_the_text_over_the_untouched_pages(name):
    result = _read(name)
    derivative = pypdfium2.PdfDocument(result.searchable_pdf)
    assert len(derivative) == result.page_count
    pairs = []
    for index, page in enumerate(result.pages):
        extracted = derivative[index].get_textpage().get_text_range()
        pairs.append((page.text, extracted))
        if name.endswith(".pdf"):
            original = pypdfium2.PdfDocument((DOCUMENTS / "scanned" / name).read_bytes())
            assert derivative[index].get_size() == original[index].get_size()
    # The layer holds the OCR words; spacing may differ, characters may not.
    assert _corpus_cer(pairs) <= 0.01
    truth = ground_truth("scanned", name)
    assert _corpus_cer(zip(truth, [p for _, p in pairs], strict=True)) <= 0.05
