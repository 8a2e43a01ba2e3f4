import io

import pytest
from PIL import Image
from pypdf import PdfReader

from backoffice.demo.minipdf import text_pdf
from ocr.assemble import PageRangeError, parse_ranges, pdf_concat, pdf_pages
from ocr.preview import page_preview


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("1, 2-3", [[1], [2, 3]]),
        ("1–2,3", [[1, 2], [3]]),
        (" 3 , 1-2 ", [[3], [1, 2]]),
    ],
)
def test_page_ranges_become_parts(text, parts):
    assert parse_ranges(text, 3) == parts


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1-3", "mindestens zwei Teile"),
        ("1, 2", "fehlen in der Aufteilung: 3."),
        ("1-2, 2-3", "nur einem Teil"),
        ("1, 2-4", "nicht zwischen Seite 1 und 3"),
        ("eins, zwei", "keine Seitenangabe"),
        ("3-1, 2", "nicht zwischen Seite 1 und 3"),
    ],
)
def test_unusable_page_ranges_are_refused_in_german(text, message):
    with pytest.raises(PageRangeError) as refused:
        parse_ranges(text, 3)
    assert message in refused.value.message_de


def _texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_pages_are_cut_and_joined_with_their_text():
    joined = pdf_concat([text_pdf(["Erster Brief"]), text_pdf(["Zweiter Brief"])])
    assert [t.strip() for t in _texts(joined)] == ["Erster Brief", "Zweiter Brief"]
    assert [t.strip() for t in _texts(pdf_pages(joined, [2]))] == ["Zweiter Brief"]


def test_page_preview_renders_pdf_pages_and_image_frames():
    png = page_preview(text_pdf(["Vorschau"]), pdf=True, number=1, width=400)
    assert Image.open(io.BytesIO(png)).width == 400
    frames = io.BytesIO()
    first, second = Image.new("L", (1200, 1600), 255), Image.new("L", (1200, 1600), 0)
    first.save(frames, "TIFF", save_all=True, append_images=[second])
    dark = Image.open(io.BytesIO(page_preview(frames.getvalue(), pdf=False, number=2)))
    assert dark.width == 900 and dark.getpixel((10, 10)) == 0
    with pytest.raises(IndexError):
        page_preview(frames.getvalue(), pdf=False, number=3)
