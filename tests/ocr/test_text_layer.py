import pytest

from ocr.engines.base import Word
from ocr.steps.text_layer import PageGeometry, content_stream


def _geometry(rotation=0, skew=0.0):
    original = (2480, 3508)
    processed = original[::-1] if rotation in (90, 270) else original
    return PageGeometry(original, rotation, skew, processed, (0.0, 0.0, 595.2, 841.92))


def test_upright_pixels_map_to_points_with_flipped_y():
    x, y = _geometry().to_pdf(0, 0)
    assert (x, y) == pytest.approx((0.0, 841.92))
    x, y = _geometry().to_pdf(2480, 3508)
    assert (x, y) == pytest.approx((595.2, 0.0))


@pytest.mark.parametrize(
    ("rotation", "corner"),
    [(90, (0.0, 0.0)), (180, (595.2, 0.0)), (270, (595.2, 841.92))],
)
def test_top_left_of_turned_image_lands_on_the_right_corner(rotation, corner):
    # The top-left pixel of the upright image came from this corner of the scan.
    assert _geometry(rotation).to_pdf(0, 0) == pytest.approx(corner)


def test_deskew_is_undone_about_the_centre():
    centre = _geometry(skew=1.5).to_pdf(1240, 1754)
    assert centre == pytest.approx((297.6, 420.96))


def test_content_stream_is_invisible_text_in_winansi():
    words = (
        Word("Grüsse", (100, 100, 300, 140), 0, 95.0),
        Word("(x)", (320, 100, 400, 140), 0, 90),
    )
    stream = content_stream(words, _geometry())
    assert b"3 Tr" in stream
    assert "(Grüsse ) Tj".encode("cp1252") in stream
    assert b"(\\(x\\) ) Tj" in stream
