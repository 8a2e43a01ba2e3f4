"""Text and XML files: decode to str, nothing else. XML is never parsed here, so no entity
is ever resolved; a document type declaration (DTD) is refused outright, because e-invoices
never need one and it is the vehicle of entity bombs and external entities (XXE)."""

import codecs
import re

from ..errors import RejectedInput

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DTD = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)

MESSAGE_DTD = (
    "Die XML-Datei enthält eine DTD bzw. Entity-Deklarationen. Solche Dateien werden aus "
    "Sicherheitsgründen nicht verarbeitet. Bitte beim Absender eine XML-Datei ohne DOCTYPE "
    "anfordern."
)
WARN_LATIN1 = "Die Textdatei ist nicht UTF-8-kodiert; sie wurde als Windows-1252 gelesen."


def _bad_encoding(detail: str) -> RejectedInput:
    return RejectedInput(
        "bad_encoding",
        "Die Datei hat eine ungültige Zeichenkodierung "
        f"({detail}). Bitte beim Absender eine korrekt UTF-8-kodierte Datei anfordern.",
    )


def _decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _bad_encoding(f"kein gültiges UTF-8 ab Byte {exc.start}") from exc


def decode_xml(data: bytes) -> str:
    """XML text by BOM, then declaration, else UTF-8 (XML 1.0 appendix F). UTF-16 without
    BOM is not well-formed XML and is refused instead of being guessed."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise _bad_encoding(f"ungültig für {encoding} ab Byte {exc.start}") from exc
            break
    else:
        if b"\x00" in data[:64]:
            raise _bad_encoding("UTF-16 ohne Byte-Order-Mark")
        declared = _DECLARED.match(data.lstrip())
        name = declared.group(1).decode("ascii").lower() if declared else "utf-8"
        try:
            codecs.lookup(name)
        except LookupError as exc:
            raise _bad_encoding(f"unbekannte Kodierung {name}") from exc
        if name.replace("_", "-") in ("utf-8", "utf8"):
            text = _decode_utf8(data)
        else:
            try:
                text = data.decode(name)
            except UnicodeDecodeError as exc:
                raise _bad_encoding(f"ungültig für {name} ab Byte {exc.start}") from exc
    if _DTD.search(text):
        raise RejectedInput("unsupported_type", MESSAGE_DTD)
    return text


def decode_text(data: bytes, warn: list[str]) -> str:
    """Plain text: BOM, else UTF-8, else Windows-1252 with a warning."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        warn.append(WARN_LATIN1)
        return data.decode("cp1252", errors="replace")
