"""Page reading: text layer where usable, otherwise render and OCR in the worker pool.

The main thread walks the pages in order (pdfium and Pillow decoding stay single-threaded),
while at most `workers + 1` rendered pages wait for or are in OCR, which bounds memory.
"""

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from PIL import Image

from ..engines.base import OcrEngine
from . import images, pdf
from .document import Work
from .recognise import ScannedPage, read_scanned_page


@dataclass(frozen=True)
class PageOutcome:
    number: int
    text: str
    confidence: float | None
    source: str
    rotation: int
    scanned: ScannedPage | None = None
    original_px: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class _PageInput:
    number: int
    text: str | None  # usable text layer, or None when the page must be OCR'd
    image: Image.Image | None


def _inputs(work: Work, image_pdfs: list[bytes]) -> Iterator[_PageInput]:
    max_pixels = work.limits.max_pixels_per_page
    if work.pdf is not None:
        for index in range(work.page_total):
            layer = pdf.page_text(work.pdf, index)
            if layer.usable:
                yield _PageInput(index + 1, layer.text, None)
            else:
                yield _PageInput(index + 1, None, pdf.render_page(work.pdf, index, max_pixels))
        return
    from .searchable import image_page_pdf

    dpi = images.resolution(work.image)
    for number, (grey, frame) in enumerate(images.frames(work.image, max_pixels, work.warnings)):
        image_pdfs.append(image_page_pdf(frame, dpi))
        if images.stated_resolution(work.image) is not None:
            grey = images.at_most(grey, dpi, pdf.OCR_DPI)
        yield _PageInput(number + 1, None, grey)


def _timed_out(number: int) -> str:
    return f"Seite {number}: Die Texterkennung wurde wegen Zeitüberschreitung abgebrochen."


def _finish(work: Work, page: _PageInput, future: Future, timeout_s: float) -> PageOutcome:
    try:
        scanned = future.result(timeout=timeout_s)
    except (FutureTimeout, TimeoutError):
        work.warnings.append(_timed_out(page.number))
        return PageOutcome(page.number, "", None, "ocr", 0)
    return PageOutcome(
        number=page.number,
        text=scanned.text,
        confidence=scanned.confidence,
        source="ocr",
        rotation=scanned.rotation,
        scanned=scanned,
        original_px=page.image.size,
    )


def read_pages(
    work: Work, engine: OcrEngine, executor: Executor, workers: int, image_pdfs: list[bytes]
) -> list[PageOutcome]:
    """Every page in order; OCR'd pages run `workers` at a time."""
    timeout_s = work.limits.page_timeout_s
    outcomes: dict[int, PageOutcome] = {}
    pending: deque[tuple[_PageInput, Future]] = deque()
    for page in _inputs(work, image_pdfs):
        if page.text is not None:
            outcomes[page.number] = PageOutcome(page.number, page.text, None, "text_layer", 0)
            continue
        pending.append((page, executor.submit(read_scanned_page, engine, page.image, timeout_s)))
        while len(pending) > workers:
            done, future = pending.popleft()
            outcomes[done.number] = _finish(work, done, future, 2 * timeout_s)
    while pending:
        done, future = pending.popleft()
        outcomes[done.number] = _finish(work, done, future, 2 * timeout_s)
    return [outcomes[number] for number in sorted(outcomes)]
