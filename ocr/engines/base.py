"""What the pipeline needs from an OCR engine, independent of the library behind it."""

from dataclasses import dataclass
from typing import Protocol

from PIL import Image


@dataclass(frozen=True)
class Word:
    """One recognised word; box in pixels of the image given to the engine (left, top, right,
    bottom), line_id groups words of one text line in reading order."""

    text: str
    box: tuple[int, int, int, int]
    line_id: int
    confidence: float


@dataclass(frozen=True)
class OcrOutput:
    text: str
    confidence: float | None  # mean word confidence 0..100, None when no words
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Orientation:
    """Clockwise quarter turn (0, 90, 180, 270) that makes the page upright."""

    rotate: int
    confidence: float


class OcrEngine(Protocol):
    def recognise(self, image: Image.Image, *, timeout_s: float) -> OcrOutput:
        """Text of an upright 8-bit grey page image; safe to call from several threads."""
        ...

    def detect_orientation(self, image: Image.Image) -> Orientation | None:
        """Quarter turn that makes the page upright, or None when undecidable."""
        ...
