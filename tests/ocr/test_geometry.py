"""Orientation and skew measurement on a real scanned page of the corpus."""

from functools import cache

import pytest
from PIL import Image

from ocr.steps import geometry

from .corpus import DOCUMENTS, needs_corpus

pytestmark = needs_corpus


@cache
def _upright_page() -> Image.Image:
    """sca-0015 page 1: upright, scanned with 1.05° counter-clockwise skew."""
    image = Image.open(DOCUMENTS / "scanned" / "sca-0015-einsprache.tif")
    return image.convert("L")


def test_skew_angle_measured_within_a_quarter_degree():
    assert geometry.skew_angle(_upright_page()) == pytest.approx(1.05, abs=0.25)


def test_deskew_straightens_the_page():
    page = _upright_page()
    straight = geometry.deskew(page, geometry.skew_angle(page))
    assert straight.size == page.size
    assert abs(geometry.skew_angle(straight)) <= 0.2


def test_tiny_skew_is_left_alone():
    page = _upright_page()
    assert geometry.deskew(page, 0.05) is page


@pytest.mark.parametrize("turn", [90, 270])
def test_sideways_page_detected(turn):
    assert geometry.is_sideways(geometry.turn(_upright_page(), turn))


def test_upright_page_not_sideways():
    assert not geometry.is_sideways(_upright_page())


def test_upside_down_page_scores_above_upright():
    straight = geometry.deskew(_upright_page(), geometry.skew_angle(_upright_page()))
    assert geometry.upside_down_score(straight) < -0.05
    assert geometry.upside_down_score(geometry.turn(straight, 180)) > 0.05


def test_quarter_turns_are_lossless_and_compose():
    page = _upright_page()
    assert geometry.turn(geometry.turn(page, 90), 270).tobytes() == page.tobytes()
    assert geometry.turn(page, 90).size == (page.height, page.width)


def test_blank_page_detected():
    assert geometry.is_blank(Image.new("L", (2480, 3508), 250))
    assert not geometry.is_blank(_upright_page())


def test_a_page_with_one_short_line_is_not_taken_for_blank():
    import pypdfium2

    from backoffice.demo.minipdf import text_pdf
    from ocr.steps import pdf

    document = pypdfium2.PdfDocument(text_pdf(["Antrag Seite eins"]))
    page = document[0].render(scale=pdf.OCR_DPI / 72, grayscale=True).to_pil().convert("L")
    document.close()
    assert not geometry.is_blank(page)
