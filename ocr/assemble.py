"""Cut and join PDFs page by page (splitting and merging received documents before filing).

Pages are copied as they are (pypdf), so a text layer the pages carry stays with them.
"""

import io
import re
from collections.abc import Iterable, Sequence

from pypdf import PdfReader, PdfWriter

_RANGE = re.compile(r"^\s*(\d+)\s*(?:[-–]\s*(\d+))?\s*$")


class PageRangeError(ValueError):
    """A page selection a clerk typed that cannot be used; `message_de` says why."""

    def __init__(self, message_de: str) -> None:
        super().__init__(message_de)
        self.message_de = message_de


def parse_ranges(text: str, page_count: int) -> list[list[int]]:
    """`"1-2, 3, 4-6"` → `[[1, 2], [3], [4, 5, 6]]`: one part per comma-separated range.

    Every page must belong to exactly one part, so nothing of the original gets lost.
    """
    parts: list[list[int]] = []
    for chunk in (text or "").split(","):
        if not chunk.strip():
            continue
        match = _RANGE.match(chunk)
        if not match:
            raise PageRangeError(
                f"„{chunk.strip()}“ ist keine Seitenangabe (Beispiel: 1-2, 3, 4-6)."
            )
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if not 1 <= first <= last <= page_count:
            raise PageRangeError(
                f"„{chunk.strip()}“ liegt nicht zwischen Seite 1 und {page_count}."
            )
        parts.append(list(range(first, last + 1)))
    used = [page for part in parts for page in part]
    if len(parts) < 2:
        raise PageRangeError("Zum Aufteilen braucht es mindestens zwei Teile (Beispiel: 1-2, 3).")
    if len(used) != len(set(used)):
        raise PageRangeError("Eine Seite darf nur einem Teil angehören.")
    missing = sorted(set(range(1, page_count + 1)) - set(used))
    if missing:
        raise PageRangeError(
            "Diese Seiten fehlen in der Aufteilung: " + ", ".join(map(str, missing)) + "."
        )
    return parts


def _written(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pdf_pages(data: bytes, pages: Sequence[int]) -> bytes:
    """A new PDF of the given 1-based pages of `data`, in that order."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for number in pages:
        writer.add_page(reader.pages[number - 1])
    return _written(writer)


def pdf_concat(documents: Iterable[bytes]) -> bytes:
    """One PDF of all pages of `documents`, one after another."""
    writer = PdfWriter()
    for data in documents:
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    return _written(writer)
