"""Count pages of a document without rendering it."""

import pypdfium2

from .steps.pdf import PDFIUM_LOCK


def pdf_page_count(data: bytes) -> int | None:
    """Pages of a PDF, or None if it cannot be opened (damaged, encrypted)."""
    with PDFIUM_LOCK:
        try:
            pdf = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError:
            return None
        try:
            return len(pdf)
        finally:
            pdf.close()
