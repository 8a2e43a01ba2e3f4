"""read_document end to end on small inputs: routing, limits, result shape."""

import io
import time

import pypdfium2
import pytest
from PIL import Image

from ocr.pipeline import Limits, ReadResult, RejectedInput, read_document

from .corpus import DOCUMENTS, manifest, needs_corpus


def _refusal(data: bytes, **kwargs) -> RejectedInput:
    with pytest.raises(RejectedInput) as caught:
        read_document(data, **kwargs)
    assert caught.value.message_de.endswith(".") or caught.value.message_de.endswith(")")
    return caught.value


def test_empty_file_refused():
    assert _refusal(b"").code == "empty"


def test_oversized_file_refused_before_anything_else():
    assert _refusal(b"%PDF-1.4" + b"x" * 100, limits=Limits(max_bytes=50)).code == "too_large"


def test_zip_refused_as_unsupported_with_archive_message():
    refusal = _refusal(b"PK\x03\x04" + b"\x00" * 100)
    assert refusal.code == "unsupported_type"
    assert "ZIP" in refusal.message_de


def test_unknown_binary_refused():
    assert _refusal(b"\x00\x01\x02\x03" * 100).code == "unsupported_type"


def test_xml_returned_as_text_without_pages():
    result = read_document('<?xml version="1.0"?><a>Grüße</a>'.encode("utf-16"))
    assert (result.mime_type, result.page_count, result.searchable_pdf) == (
        "application/xml",
        0,
        None,
    )
    assert "Grüße" in result.text


def test_mail_gives_body_text():
    data = b"From: a@example.org\nSubject: Hallo\nContent-Type: text/plain\n\nGuten Tag\n"
    result = read_document(data, filename="x.eml")
    assert result.mime_type == "message/rfc822" and result.text == "Guten Tag"


def test_result_is_frozen():
    result = read_document(b"Hallo Welt\n")
    assert isinstance(result, ReadResult)
    with pytest.raises(AttributeError):
        result.text = "x"


def test_blank_image_page_needs_no_ocr():
    buffer = io.BytesIO()
    Image.new("L", (1000, 1400), 255).save(buffer, format="PNG")
    result = read_document(buffer.getvalue(), filename="leer.png")
    assert result.page_count == 1
    assert result.pages[0].text == "" and result.pages[0].source == "ocr"


@needs_corpus
def test_too_many_pages_refused_with_count():
    data = (DOCUMENTS / "digital" / "dig-0003-rechnung.pdf").read_bytes()
    refusal = _refusal(data, limits=Limits(max_pages=1))
    assert refusal.code == "too_many_pages" and "höchstens 1" in refusal.message_de


@needs_corpus
@pytest.mark.parametrize("row", manifest("digital"), ids=lambda row: row["file"])
def test_born_digital_pdf_gives_its_exact_text_layer(row):
    path = DOCUMENTS / "digital" / row["file"]
    result = read_document(path.read_bytes(), filename=row["file"])
    truth = (DOCUMENTS / "digital" / f"{row['file']}.gt.txt").read_text(encoding="utf-8")
    assert result.text == truth.rstrip("\n")
    assert result.page_count == int(row["pages"])
    assert {p.source for p in result.pages} == {"text_layer"}
    assert result.searchable_pdf is None  # already searchable, nothing to add


@needs_corpus
def test_born_digital_reading_is_fast():
    files = [(DOCUMENTS / "digital" / row["file"]).read_bytes() for row in manifest("digital")]
    start = time.perf_counter()
    pages = sum(read_document(data).page_count for data in files)
    assert pages / (time.perf_counter() - start) >= 50  # ~200 pages/s measured; CI is slower


@needs_corpus
@pytest.mark.ocr_corpus
def test_mixed_pdf_keeps_digital_pages_and_ocrs_scanned_ones():
    row = manifest("mixed")[0]
    data = (DOCUMENTS / "mixed" / row["file"]).read_bytes()
    result = read_document(data, filename=row["file"])
    plan = row["scan"].split(";")[0].removeprefix("pages=")
    assert [p.source for p in result.pages] == [
        "text_layer" if kind == "D" else "ocr" for kind in plan
    ]
    derivative = pypdfium2.PdfDocument(result.searchable_pdf)
    original = pypdfium2.PdfDocument(data)
    assert len(derivative) == len(original)
    for index, kind in enumerate(plan):
        if kind == "D":
            text = derivative[index].get_textpage().get_text_range()
            assert text == original[index].get_textpage().get_text_range()
