"""Document-level steps, run in order by `ocr.pipeline`. Each takes the mutable `Work`, checks
or adds one thing, and raises RejectedInput to stop. A step may set `work.finished` when the
document needs no page reading (text, XML, e-mail)."""

import os
from dataclasses import dataclass, field
from typing import Any

from ..errors import RejectedInput, message_de
from ..sniff import sniff
from . import images, pdf, pdf_inspect, textfiles

PAGED_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/tiff", "image/gif")

_EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "image/tiff": {".tif", ".tiff"},
    "image/gif": {".gif"},
    "application/xml": {".xml"},
    "text/plain": {".txt", ".text", ".csv"},
    "message/rfc822": {".eml"},
}


@dataclass
class Work:
    data: bytes
    filename: str
    limits: Any  # ocr.pipeline.Limits
    mime_type: str = ""
    label: str = ""
    warnings: list[str] = field(default_factory=list)
    pdf: Any = None  # pypdfium2.PdfDocument
    image: Any = None  # PIL.Image.Image, opened lazily
    page_total: int = 0
    finished_text: str | None = None  # set for documents that have no pages


def refuse_empty(work: Work) -> None:
    if not work.data.strip(b"\x00 \t\r\n"):
        raise RejectedInput("empty")


def refuse_oversized(work: Work) -> None:
    if len(work.data) > work.limits.max_bytes:
        raise RejectedInput("too_large")


def sniff_type(work: Work) -> None:
    sniffed = sniff(work.data[:1024])
    work.mime_type, work.label = sniffed.mime_type, sniffed.label


def note_name_mismatch(work: Work) -> None:
    extension = os.path.splitext(work.filename)[1].lower()
    expected = _EXTENSIONS.get(work.mime_type, set())
    if extension and expected and extension not in expected:
        work.warnings.append(
            f"Die Dateiendung {extension} passt nicht zum Inhalt ({work.label}); "
            "gelesen wurde der tatsächliche Inhalt."
        )


def refuse_unsupported(work: Work) -> None:
    if work.mime_type == "application/zip":
        raise RejectedInput("unsupported_type", message_de("archive"))
    if work.mime_type not in (*PAGED_TYPES, "application/xml", "text/plain", "message/rfc822"):
        raise RejectedInput("unsupported_type")


def read_unpaged(work: Work) -> None:
    """Text, XML and e-mail: decoded text only, no OCR."""
    if work.mime_type == "application/xml":
        work.finished_text = textfiles.decode_xml(work.data)
    elif work.mime_type == "text/plain":
        work.finished_text = textfiles.decode_text(work.data, work.warnings)
    elif work.mime_type == "message/rfc822":
        from ..email import mail_parts

        mail = mail_parts(work.data)
        if mail.attachments:
            work.warnings.append(
                f"Die E-Mail hat {len(mail.attachments)} Anhänge; sie werden als eigene "
                "Dokumente gelesen."
            )
        work.finished_text = mail.body_text


def open_pages(work: Work) -> None:
    """Open the PDF or image and count its pages (no page is decoded yet)."""
    if work.mime_type == "application/pdf":
        work.pdf = pdf.open_pdf(work.data)
        work.page_total = pdf.page_count(work.pdf)
    else:
        work.image = images.open_image(work.data, work.limits.max_pixels_per_page)
        work.page_total = images.frame_count(work.image)
        images.check_frame(work.image, work.limits.max_pixels_per_page)
    if work.page_total == 0:
        raise RejectedInput("corrupt")


def limit_pages(work: Work) -> None:
    if work.page_total > work.limits.max_pages:
        raise RejectedInput(
            "too_many_pages",
            f"Das Dokument hat {work.page_total} Seiten, erlaubt sind höchstens "
            f"{work.limits.max_pages}. Bitte in kleinere Dokumente aufteilen und erneut "
            "hochladen.",
        )


def limit_page_size(work: Work) -> None:
    if work.pdf is not None:
        pdf.check_page_sizes(work.pdf, work.limits.max_pixels_per_page)


def inspect_pdf(work: Work) -> None:
    if work.pdf is not None:
        work.warnings.extend(pdf_inspect.inspect(work.data))


DOCUMENT_STEPS = (
    refuse_empty,
    refuse_oversized,
    sniff_type,
    note_name_mismatch,
    refuse_unsupported,
    read_unpaged,
    open_pages,
    limit_pages,
    limit_page_size,
    inspect_pdf,
)
