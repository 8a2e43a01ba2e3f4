"""Read a document: bytes in, frozen `ReadResult` out. Pure Python, no Django.

The work is an explicit, ordered list of small steps (`steps.document.DOCUMENT_STEPS`), then
the pages (`steps.pages`: text layer or render → orientation → deskew → OCR, two pages at a
time), then the searchable PDF derivative (`steps.searchable`).

Decisions (measured on ../shared/corpus/documents, 2 cores):
- OCR runs in threads on tesserocr (tesseract 5.5 bundled in the wheel, Debian's traineddata),
  one API object per thread; tesseract releases the GIL, so two threads use two cores without
  a process per page. OMP_THREAD_LIMIT=1 is set before tesseract loads.
- psm 4 (one column of variable-size text) plus our own row assembly (`steps.layout`):
  CER 2.4 % over all scanned pages vs 3.6 % with psm 3; rows read tables row by row.
- Orientation: projection profile finds sideways pages, the ascender/descender asymmetry of
  text lines finds upside-down ones; tesseract OSD decides only for those (OSD on every page
  would cost ~0.45 s each).
- Deskew by projection profile (±3°, 0.1° steps): needed for the row assembly.
- PDFs with JavaScript, /Launch or similar actions are read (text still matters) with a
  warning; the searchable copy is written without document and page actions.
- Encrypted PDFs needing a password, corrupt files, image bombs, absurd page sizes, ZIP
  archives and XML with a DTD are refused with RejectedInput.
"""

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from .engines.base import OcrEngine
from .errors import RejectedInput
from .steps import pdf as pdf_step
from .steps import searchable
from .steps.document import DOCUMENT_STEPS, Work
from .steps.pages import PageOutcome, read_pages
from .steps.pdf_inspect import WARN_ACTIVE

__all__ = ["Limits", "PageResult", "ReadResult", "RejectedInput", "read_document"]

logger = logging.getLogger(__name__)

WARN_NO_DERIVATIVE = "Die durchsuchbare PDF-Kopie konnte nicht erzeugt werden."


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 200 * 1024 * 1024
    max_pages: int = 500
    max_pixels_per_page: int = 60_000_000
    page_timeout_s: float = 120.0


@dataclass(frozen=True)
class PageResult:
    number: int
    text: str
    confidence: float | None
    source: str  # "text_layer" | "ocr"
    rotation: int  # degrees turned clockwise to make the page upright


@dataclass(frozen=True)
class ReadResult:
    mime_type: str
    page_count: int
    pages: tuple[PageResult, ...]
    text: str  # pages joined by "\f"
    mean_confidence: float | None
    searchable_pdf: bytes | None  # None when nothing was OCR'd and the original is safe as is
    warnings: tuple[str, ...]


_pool_lock = threading.Lock()
_pool: tuple[int, ThreadPoolExecutor] | None = None
_engine: OcrEngine | None = None


def ocr_workers() -> int:
    """Pages OCR'd at once: one per core (AKTENFLUSS_OCR_WORKERS overrides)."""
    configured = os.environ.get("AKTENFLUSS_OCR_WORKERS", "")
    return max(1, int(configured) if configured.isdigit() else (os.cpu_count() or 1))


def _executor() -> ThreadPoolExecutor:
    """One pool per process, kept so each thread keeps its loaded tesseract models."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(ocr_workers(), thread_name_prefix="ocr"))
        return _pool[1]


def default_engine() -> OcrEngine:
    """Tesseract with AKTENFLUSS_OCR_LANGUAGES (default "deu": on the scanned corpus it reads
    German mail better than "deu+eng" (CER 1.3 % vs 1.4 %) and 12 % faster)."""
    global _engine
    if _engine is None:
        from .engines.tesseract import TesseractEngine

        _engine = TesseractEngine(os.environ.get("AKTENFLUSS_OCR_LANGUAGES") or "deu")
    return _engine


def _derivative(work: Work, outcomes: list[PageOutcome], image_pdfs: list[bytes]) -> bytes | None:
    layers = {
        o.number - 1: searchable.OcrLayer(
            words=o.scanned.ocr.words,
            original_px=o.original_px,
            rotation=o.scanned.rotation,
            skew=o.scanned.skew,
            processed_px=o.scanned.size,
        )
        for o in outcomes
        if o.scanned is not None
    }
    if not layers and WARN_ACTIVE not in work.warnings:
        return None
    try:
        return searchable.build(
            pdf_data=work.data if work.pdf is not None else None,
            image_pages=image_pdfs,
            layers=layers,
        )
    except Exception:  # the text is read; a failed copy must not lose it
        logger.exception("Searchable PDF for %r failed", work.filename)
        work.warnings.append(WARN_NO_DERIVATIVE)
        return None


def _result(work: Work, outcomes: list[PageOutcome], derivative: bytes | None) -> ReadResult:
    pages = tuple(
        PageResult(o.number, o.text, o.confidence, o.source, o.rotation) for o in outcomes
    )
    confidences = [p.confidence for p in pages if p.confidence is not None]
    return ReadResult(
        mime_type=work.mime_type,
        page_count=len(pages),
        pages=pages,
        text="\f".join(p.text for p in pages),
        mean_confidence=sum(confidences) / len(confidences) if confidences else None,
        searchable_pdf=derivative,
        warnings=tuple(dict.fromkeys(work.warnings)),
    )


def read_document(
    data: bytes,
    *,
    filename: str = "",
    limits: Limits = Limits(),
    engine: OcrEngine | None = None,
) -> ReadResult:
    """Read any supported document. Raises RejectedInput (code + German message) for input
    that cannot or must not be read; never alters `data`."""
    work = Work(data=data, filename=filename, limits=limits)
    try:
        for step in DOCUMENT_STEPS:
            step(work)
            if work.finished_text is not None:
                return ReadResult(
                    mime_type=work.mime_type,
                    page_count=0,
                    pages=(),
                    text=work.finished_text,
                    mean_confidence=None,
                    searchable_pdf=None,
                    warnings=tuple(work.warnings),
                )
        image_pdfs: list[bytes] = []
        outcomes = read_pages(
            work, engine or default_engine(), _executor(), ocr_workers(), image_pdfs
        )
        return _result(work, outcomes, _derivative(work, outcomes, image_pdfs))
    finally:
        if work.pdf is not None:
            pdf_step.close_pdf(work.pdf)
        if work.image is not None:
            work.image.close()
