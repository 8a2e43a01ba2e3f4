"""Tell a file's real type from its first bytes, never from its name."""

from dataclasses import dataclass

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"PK\x03\x04", "application/zip"),
)


@dataclass(frozen=True)
class Sniffed:
    mime_type: str
    label: str


_LABELS = {
    "application/pdf": "PDF",
    "image/png": "PNG-Bild",
    "image/jpeg": "JPEG-Bild",
    "image/tiff": "TIFF-Bild",
    "image/gif": "GIF-Bild",
    "application/zip": "ZIP-Archiv",
    "application/xml": "XML",
    "text/html": "HTML-Seite",
    "message/rfc822": "E-Mail",
    "text/plain": "Text",
    "application/octet-stream": "Unbekannter Dateityp",
}


def sniff(head: bytes) -> Sniffed:
    """Classify by magic bytes; `head` needs only the first kilobyte of the file."""
    # A PDF may carry up to 1024 bytes of junk before its header (PDF 1.7, 7.5.2).
    if b"%PDF-" in head[:1024]:
        return Sniffed("application/pdf", _LABELS["application/pdf"])
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return Sniffed(mime, _LABELS[mime])
    text = _as_ascii_view(head).lstrip()
    if text[:15].lower().startswith((b"<!doctype html", b"<html")):
        return Sniffed("text/html", _LABELS["text/html"])
    if text.startswith(b"<?xml") or text.startswith(b"<"):
        return Sniffed("application/xml", _LABELS["application/xml"])
    lowered = text[:200].lower()
    if any(
        lowered.startswith(h) for h in (b"received:", b"from:", b"return-path:", b"mime-version:")
    ):
        return Sniffed("message/rfc822", _LABELS["message/rfc822"])
    if head and _looks_like_text(head):
        return Sniffed("text/plain", _LABELS["text/plain"])
    return Sniffed("application/octet-stream", _LABELS["application/octet-stream"])


def _as_ascii_view(head: bytes) -> bytes:
    """The head without a BOM and, for UTF-16 (with or without BOM), without its zero bytes,
    so that markup and header checks see ASCII either way."""
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head[2:]
    if len(head) >= 8 and (head[1:8:2] == b"\x00" * 4 or head[0:8:2] == b"\x00" * 4):
        return head.replace(b"\x00", b"")
    return head


def _looks_like_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(head) - 3:
            return _looks_like_legacy_text(head)
    return b"\x00" not in head


def _looks_like_legacy_text(head: bytes) -> bool:
    """Latin-1 / Windows-1252 text: no zero bytes, hardly any other control characters."""
    controls = sum(b < 32 and b not in (9, 10, 12, 13) for b in head)
    return b"\x00" not in head and controls <= len(head) // 100
