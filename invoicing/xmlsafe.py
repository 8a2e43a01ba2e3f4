"""Parse untrusted XML bytes safely: no entities, no DTD loading, no network, size limit.

`parse_xml(data)` returns the lxml root element or raises `UnsafeXmlError` with a `code`
(stable, machine readable) and a German (`message_de`) and English (`message_en`) text.
Any DOCTYPE that declares entities (billion laughs, external entities/XXE) is refused before
parsing; oversized input is refused without parsing it.
"""

from __future__ import annotations

import re

from lxml import etree

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_ENCODING_DECL = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")


class UnsafeXmlError(ValueError):
    """The bytes are not a safe, well-formed XML document."""

    def __init__(self, code: str, message_de: str, message_en: str):
        super().__init__(message_en)
        self.code = code
        self.message_de = message_de
        self.message_en = message_en


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
        remove_pis=False,
    )


def _ascii_view(data: bytes) -> bytes:
    """The document as bytes in which markup is findable (UTF-16 turned into UTF-8)."""
    for bom, encoding in _BOMS[1:]:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding).encode("utf-8")
            except UnicodeDecodeError as exc:
                raise UnsafeXmlError(
                    "encoding",
                    f"Die Datei ist als UTF-16 gekennzeichnet, enthält aber ungültige Zeichen "
                    f"(Byte {exc.start}).",
                    f"The file is marked as UTF-16 but contains invalid characters "
                    f"(byte {exc.start}).",
                ) from None
    return data


def _check_encoding(view: bytes, original: bytes) -> None:
    """Refuse broken UTF-8 with a clear message (lxml's message is hard to read)."""
    if original.startswith((b"\xff\xfe", b"\xfe\xff")):
        return
    declared = _ENCODING_DECL.match(view.lstrip(b"\xef\xbb\xbf"))
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    if encoding not in ("utf-8", "utf8"):
        return
    try:
        view.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = view.count(b"\n", 0, exc.start) + 1
        raise UnsafeXmlError(
            "encoding",
            f"Die Datei ist kein gültiges UTF-8: ungültige Zeichenfolge in Zeile {line} "
            f"(Byte {exc.start}). Bitte beim Absender eine korrekt codierte Rechnung anfordern.",
            f"The file is not valid UTF-8: invalid byte sequence on line {line} "
            f"(byte {exc.start}).",
        ) from None


def parse_xml(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES):
    """Return the root element of `data`, or raise `UnsafeXmlError`."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError("parse_xml expects bytes")
    data = bytes(data)
    if len(data) > max_bytes:
        raise UnsafeXmlError(
            "too-large",
            f"Die Datei ist mit {len(data) / 1_048_576:.1f} MB zu groß; erlaubt sind höchstens "
            f"{max_bytes / 1_048_576:.0f} MB. Sie wurde nicht geöffnet.",
            f"The file is too large ({len(data) / 1_048_576:.1f} MB, at most "
            f"{max_bytes / 1_048_576:.0f} MB allowed); it was not parsed.",
        )
    if not data.strip():
        raise UnsafeXmlError(
            "empty",
            "Die Datei ist leer.",
            "The file is empty.",
        )
    view = _ascii_view(data)
    if _DOCTYPE.search(view) and _ENTITY.search(view):
        raise UnsafeXmlError(
            "entities",
            "Die Datei enthält Entity-Deklarationen in einer DOCTYPE-Angabe. Solche Dateien "
            "werden aus Sicherheitsgründen nicht verarbeitet (Schutz vor XML-Bomben und "
            "dem Nachladen externer Inhalte).",
            "The file declares entities in a DOCTYPE; refused for security reasons "
            "(entity expansion / external entities).",
        )
    _check_encoding(view, data)
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None) or (exc.position[0] if exc.position else "?")
        raise UnsafeXmlError(
            "not-wellformed",
            f"Die Datei ist kein wohlgeformtes XML (Zeile {line}): {exc.msg}",
            f"The file is not well-formed XML (line {line}): {exc.msg}",
        ) from None
    except (LookupError, ValueError) as exc:
        raise UnsafeXmlError(
            "not-wellformed",
            f"Die Datei kann nicht als XML gelesen werden: {exc}",
            f"The file cannot be read as XML: {exc}",
        ) from None
    if root is None:
        raise UnsafeXmlError(
            "not-wellformed", "Die Datei enthält kein XML-Element.", "No XML element found."
        )
    if _has_entity_refs(root):
        raise UnsafeXmlError(
            "entities",
            "Die Datei enthält Entity-Deklarationen oder -Verweise. Solche Dateien werden aus "
            "Sicherheitsgründen nicht verarbeitet.",
            "The file contains entity declarations or references; refused for security reasons.",
        )
    return root


def _has_entity_refs(root) -> bool:
    return next(root.iter(etree.Entity), None) is not None
