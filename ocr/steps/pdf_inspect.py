"""Look inside a PDF's object tree (pypdf) for what a clerk must know about: active content,
usage restrictions, damage that was repaired. Nothing here is executed or changed."""

import io
import logging
from collections.abc import Iterator

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

_ACTIVE = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/GoToR", "/GoToE"}

WARN_ACTIVE = (
    "Das PDF enthält aktive Inhalte (JavaScript oder Startaktionen). Sie wurden nicht "
    "ausgeführt; die durchsuchbare Kopie enthält sie nicht."
)
WARN_RESTRICTED = "Das PDF ist mit Nutzungsbeschränkungen (Besitzerpasswort) versehen."
WARN_REPAIRED = "Das PDF war beschädigt und wurde beim Lesen repariert."
WARN_UNINSPECTED = "Der Aufbau des PDF konnte nicht vollständig geprüft werden."


def open_reader(data: bytes, *, strict: bool = False) -> PdfReader | None:
    """pypdf reader, decrypted with the empty user password when needed; None if unreadable."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=strict)
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        return reader
    except Exception:  # hostile input makes pypdf raise anything
        return None


def _actions(obj: object, depth: int = 0) -> Iterator[str]:
    """Action types (/S) in an action dictionary and its /Next chain."""
    if depth > 8 or not isinstance(obj, DictionaryObject):
        return
    if "/S" in obj:
        yield str(obj["/S"])
    nxt = obj.get("/Next")
    if nxt is not None:
        nxt = nxt.get_object()
        for item in nxt if isinstance(nxt, list) else [nxt]:
            yield from _actions(item.get_object(), depth + 1)


def _aa_actions(holder: DictionaryObject) -> Iterator[str]:
    aa = holder.get("/AA")
    if aa is not None:
        for action in aa.get_object().values():
            yield from _actions(action.get_object())


def has_active_content(reader: PdfReader) -> bool:
    """Document JavaScript, /OpenAction or additional actions that run code or launch
    programs, in the catalog, on pages or in annotations."""
    root = reader.trailer["/Root"].get_object()
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names.get_object():
        return True
    found: list[str] = []
    open_action = root.get("/OpenAction")
    if open_action is not None:
        found += _actions(open_action.get_object())
    found += _aa_actions(root)
    for page in reader.pages:
        found += _aa_actions(page)
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            found += _actions(annot.get("/A") and annot["/A"].get_object())
            found += _aa_actions(annot)
        if _ACTIVE & set(found):
            return True
    return bool(_ACTIVE & set(found))


def inspect(data: bytes) -> tuple[str, ...]:
    """Warnings for a PDF that pdfium could open."""
    reader = open_reader(data)
    if reader is None:
        return (WARN_UNINSPECTED,)
    warnings = []
    try:
        if reader.is_encrypted:
            warnings.append(WARN_RESTRICTED)
        if has_active_content(reader):
            warnings.append(WARN_ACTIVE)
    except Exception:  # hostile input makes pypdf raise anything
        warnings.append(WARN_UNINSPECTED)
    if open_reader(data, strict=True) is None:
        warnings.append(WARN_REPAIRED)
    return tuple(warnings)
