"""Invisible text (render mode 3) placed over a page image where OCR found each word.

Word boxes come in pixels of the processed image (turned upright, then deskewed); `PageGeometry`
maps them back onto the original page, so the text lies over the word it was read from even
on pages scanned sideways.
"""

import math
from dataclasses import dataclass

from ..engines.base import Word

FONT_NAME = "/AkOcrText"
_AVG_CHAR_WIDTH = 0.5  # em; Helvetica averages about this, enough to size the word boxes


@dataclass(frozen=True)
class PageGeometry:
    """How processed-image pixels relate to the page: `original_px` is the rendered page size
    in pixels, `rotation` the clockwise quarter turn applied, `skew` the counter-clockwise tilt
    removed, `processed_px` the size of the image OCR saw; `box` is the page's
    (left, bottom, width, height) in PDF points."""

    original_px: tuple[int, int]
    rotation: int
    skew: float
    processed_px: tuple[int, int]
    box: tuple[float, float, float, float]

    def to_pdf(self, x: float, y: float) -> tuple[float, float]:
        # Undo the deskew: rotate back about the image centre.
        cx, cy = self.processed_px[0] / 2, self.processed_px[1] / 2
        theta = math.radians(self.skew)
        dx, dy = x - cx, y - cy
        x, y = (
            cx + dx * math.cos(theta) + dy * math.sin(theta),
            cy - dx * math.sin(theta) + (dy * math.cos(theta)),
        )
        # Undo the quarter turn.
        width, height = self.original_px
        if self.rotation == 90:
            x, y = y, height - x
        elif self.rotation == 180:
            x, y = width - x, height - y
        elif self.rotation == 270:
            x, y = width - y, x
        left, bottom, page_w, page_h = self.box
        return left + x * page_w / width, bottom + page_h - y * page_h / height


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def content_stream(words: tuple[Word, ...], geometry: PageGeometry) -> bytes:
    """PDF content operators drawing every word invisibly at its place."""
    ops = [b"q BT 3 Tr"]
    for word in words:
        left, top, right, bottom = word.box
        x0, y0 = geometry.to_pdf(left, bottom)
        x1, y1 = geometry.to_pdf(right, bottom)
        xt, yt = geometry.to_pdf(left, top)
        length = math.hypot(x1 - x0, y1 - y0)
        size = max(1.0, math.hypot(xt - x0, yt - y0))
        if length <= 0:
            continue
        cos, sin = (x1 - x0) / length, (y1 - y0) / length
        natural = size * _AVG_CHAR_WIDTH * max(1, len(word.text))
        scale = max(10.0, min(1000.0, 100 * length / natural))
        ops.append(
            f"{FONT_NAME} {size:.2f} Tf {scale:.1f} Tz "
            f"{cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {x0:.2f} {y0:.2f} Tm ".encode()
            + _pdf_string(word.text + " ")
            + b" Tj"
        )
    ops.append(b"ET Q")
    return b"\n".join(ops)
