"""PDF access through pdfium: open with guards, read a page's text layer, render a page.

pdfium is not thread-safe, so every call into it holds `PDFIUM_LOCK`; only the OCR that
follows runs in parallel.
"""

import math
import threading
from dataclasses import dataclass

import pypdfium2
from PIL import Image

from ..errors import RejectedInput

PDFIUM_LOCK = threading.RLock()

# Tesseract's LSTM reads text lines scaled to a fixed height, so 200 dpi reads 10-12 pt
# letters about as well as 300 dpi (scanned corpus: CER 2.47 % vs 2.45 % at 240 dpi, word
# miss 7.2 % vs 7.4 %) while layout analysis and binarisation get half the pixels:
# 58.6 instead of 49.5 pages/min on 2 cores (benchmarks/ocr_throughput.py).
OCR_DPI = 200
MIN_DPI = 100  # below this a page is not worth reading; it is refused as absurdly large
_MIN_USABLE_CHARS = 20


@dataclass(frozen=True)
class PdfPageText:
    text: str
    usable: bool


def open_pdf(data: bytes) -> pypdfium2.PdfDocument:
    """Open a PDF (pdfium repairs broken xref tables on its own). Encrypted → RejectedInput."""
    with PDFIUM_LOCK:
        try:
            return pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError as exc:
            if "password" in str(exc).lower():
                raise RejectedInput("encrypted") from exc
            raise RejectedInput("corrupt") from exc


def close_pdf(pdf: pypdfium2.PdfDocument) -> None:
    with PDFIUM_LOCK:
        pdf.close()


def page_count(pdf: pypdfium2.PdfDocument) -> int:
    with PDFIUM_LOCK:
        return len(pdf)


def is_usable_text(text: str) -> bool:
    """A text layer is usable when it has enough letters and digits and is not mostly junk
    (unmapped glyphs come out as U+FFFD or control characters)."""
    alnum = sum(ch.isalnum() for ch in text)
    junk = sum(ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f") for ch in text)
    visible = sum(not ch.isspace() for ch in text)
    return alnum >= _MIN_USABLE_CHARS and junk <= 0.05 * visible and alnum >= 0.5 * visible


def page_text(pdf: pypdfium2.PdfDocument, index: int) -> PdfPageText:
    """Text layer of one page, `\\n` line ends, and whether it can stand in for OCR."""
    with PDFIUM_LOCK:
        page = pdf[index]
        try:
            textpage = page.get_textpage()
            try:
                raw = textpage.get_text_range()
            finally:
                textpage.close()
        finally:
            page.close()
    text = raw.replace("\r\n", "\n").replace("\r", "\n").rstrip()
    return PdfPageText(text=text, usable=is_usable_text(text))


def render_scale(width_pt: float, height_pt: float, max_pixels: int) -> float:
    """pdfium scale (pixels per point) for ~300 dpi, lowered for pages too big to hold.
    A page that would still exceed `max_pixels` at MIN_DPI is refused."""
    scale = OCR_DPI / 72
    pixels = width_pt * height_pt * scale * scale
    if not math.isfinite(pixels) or width_pt <= 0 or height_pt <= 0:
        raise RejectedInput("page_too_large")
    if pixels > max_pixels:
        scale *= math.sqrt(max_pixels / pixels)
    if scale < MIN_DPI / 72:
        raise RejectedInput("page_too_large")
    return scale


def check_page_sizes(pdf: pypdfium2.PdfDocument, max_pixels: int) -> None:
    """Refuse before rendering anything when a page is absurdly large."""
    with PDFIUM_LOCK:
        for index in range(len(pdf)):
            width, height = pdf.get_page_size(index)
            render_scale(width, height, max_pixels)


def render_page(pdf: pypdfium2.PdfDocument, index: int, max_pixels: int) -> Image.Image:
    """Render one page in memory as 8-bit grey at ~300 dpi (no image file in between)."""
    with PDFIUM_LOCK:
        page = pdf[index]
        try:
            width, height = page.get_size()
            scale = render_scale(width, height, max_pixels)
            bitmap = page.render(scale=scale, grayscale=True)
            image = bitmap.to_pil()
            image = image.convert("L") if image.mode != "L" else image.copy()
            bitmap.close()
            return image
        finally:
            page.close()
