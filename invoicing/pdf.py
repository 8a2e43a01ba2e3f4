"""Embedded files of a PDF (Factur-X / ZUGFeRD / XRechnung hybrid invoices), read with pypdf.

Only the PDF's embedded-file name tree is read; the PDF is not rendered and PDF/A
conformance is not checked (the verdict covers the embedded invoice XML).
"""

from __future__ import annotations

import io

#: Names of the embedded invoice XML in Factur-X / ZUGFeRD / XRechnung PDFs, in order of
#: preference (compared case-insensitively).
INVOICE_NAMES = ("factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml")


def looks_like_pdf(data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def embedded_files(data: bytes) -> dict[str, bytes]:
    """Name -> content of every embedded file (first version of each name).

    Raises whatever pypdf raises for damaged or encrypted files.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    found: dict[str, bytes] = {}
    for name, contents in reader.attachments.items():
        if contents:
            found.setdefault(name, contents[0])
    return found


def invoice_attachment(files: dict[str, bytes]) -> tuple[str, bytes] | None:
    """The embedded invoice XML among `files` as (name, content), or None."""
    by_lower = {name.lower(): name for name in files}
    for wanted in INVOICE_NAMES:
        if wanted in by_lower:
            name = by_lower[wanted]
            return name, files[name]
    return None
