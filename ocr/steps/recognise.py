"""Per scanned page: fix orientation → deskew → OCR → rows in reading order.

Runs in a worker thread; everything here releases the GIL for the heavy parts (Pillow,
numpy, tesseract), so two threads keep two cores busy.
"""

from dataclasses import dataclass

from PIL import Image

from ..engines.base import OcrEngine, OcrOutput
from . import geometry
from .layout import text_from_words

# Upright pages score about -0.08 … -0.37, upside-down ones 0.08 … 0.22 on the corpus.
_UPSIDE_DOWN_DOUBT = -0.03


@dataclass(frozen=True)
class ScannedPage:
    """Outcome of one scanned page. `rotation` is the clockwise quarter turn applied, `skew`
    the counter-clockwise tilt removed afterwards; together they map the OCR word boxes
    (in `size`, the processed image) back onto the original page."""

    text: str
    confidence: float | None
    rotation: int
    skew: float
    size: tuple[int, int]
    ocr: OcrOutput


def _osd(engine: OcrEngine, image: Image.Image) -> int:
    found = engine.detect_orientation(image)
    return found.rotate if found else 0


def read_scanned_page(engine: OcrEngine, image: Image.Image, timeout_s: float) -> ScannedPage:
    """OCR one page image (8-bit grey).

    Orientation costs OSD only where a cheap measure raises doubt: a page whose text lines
    run vertically (projection profile) or whose lines carry their ink high (upside down,
    see `geometry.upside_down_score`) is checked by tesseract's OSD and turned.
    """
    if geometry.is_blank(image):
        empty = OcrOutput(text="", confidence=None, words=())
        return ScannedPage("", None, 0, 0.0, image.size, empty)
    rotation = _osd(engine, image) if geometry.is_sideways(image) else 0
    upright = geometry.turn(image, rotation)
    angle = geometry.skew_angle(upright)
    straight = geometry.deskew(upright, angle)
    doubt = rotation == 0 and geometry.upside_down_score(straight) > _UPSIDE_DOWN_DOUBT
    if doubt and _osd(engine, straight) == 180:
        # A half turn about the centre commutes with the deskew rotation.
        rotation, straight = 180, geometry.turn(straight, 180)
    out = engine.recognise(straight, timeout_s=timeout_s)
    return ScannedPage(
        text=text_from_words(out.words),
        confidence=out.confidence,
        rotation=rotation,
        skew=angle if straight.size == upright.size and abs(angle) >= geometry.MIN_SKEW else 0.0,
        size=straight.size,
        ocr=out,
    )
