"""Build the syntax-independent `invoicing.model.Invoice` from a UBL or CII XML tree.

`parse_invoice(root, syntax)` dispatches to `ubl.parse` / `cii.parse`. Both use the small
helpers here: `Reader` looks up child elements by prefixed paths (``"cac:Party/cbc:Name"``)
and collects the values of one model group together with their source paths.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from invoicing.model import SourcePaths
from invoicing.validation.context import NAMESPACES
from invoicing.xmlindex import active_children, indexed_children


def parse_invoice(root, syntax: str):
    """Return the `Invoice` for `root` (syntax "ubl" or "cii")."""
    if syntax == "ubl":
        from invoicing.parsing import ubl as module
    elif syntax == "cii":
        from invoicing.parsing import cii as module
    else:
        raise ValueError(f"unknown syntax {syntax!r}")
    with indexed_children(root):  # `find` / `findall` answer from one walk over the tree
        return module.parse(root)


@lru_cache(maxsize=1024)
def clark(path: str) -> tuple[str, ...]:
    """``"cac:Party/cbc:Name"`` -> the steps in Clark notation (``{ns}Party``, ``{ns}Name``)."""
    steps = []
    for step in path.split("/"):
        if ":" in step and not step.startswith("{"):
            prefix, local = step.split(":", 1)
            steps.append(f"{{{NAMESPACES[prefix]}}}{local}")
        else:
            steps.append(step)
    return tuple(steps)


def find(el, path: str):
    """First element at the child path `path` below `el` (None when absent or `el` is None)."""
    children = active_children()
    for tag in clark(path):
        if el is None:
            return None
        below = None if children is None else children.get(el)
        if below is None:
            el = next(el.iterchildren(tag), None)
        else:
            found = below.get(tag)
            el = found[0] if found else None
    return el


def findall(el, path: str) -> list:
    """All elements at the child path `path` below `el`, in document order."""
    if el is None:
        return []
    children = active_children()
    current = [el]
    for tag in clark(path):
        found = []
        for parent in current:
            below = None if children is None else children.get(parent)
            found.extend(parent.iterchildren(tag) if below is None else below.get(tag, ()))
        current = found
    return current


def text_of(el) -> str | None:
    """The element's own text; a comment or processing instruction inside does not cut it."""
    if el is None:
        return None
    text = el.text or ""
    if len(el):
        text += "".join(child.tail or "" for child in el if not isinstance(child.tag, str))
    return text.strip()


def decimal_of(el) -> Decimal | None:
    raw = text_of(el)
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


_DATE_102 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def date_of(el, fmt: str | None = None) -> datetime.date | None:
    """ISO date (UBL) or format 102 ``YYYYMMDD`` (CII); other formats give None."""
    raw = text_of(el)
    if not raw:
        return None
    match = _DATE_102.match(raw) if fmt in (None, "102") else None
    if match is None:
        match = _DATE_ISO.match(raw)
    if match is None:
        return None
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def base64_of(el) -> bytes | None:
    raw = text_of(el)
    if not raw:
        return None
    try:
        return base64.b64decode("".join(raw.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


class Reader:
    """Collects keyword arguments and source elements (`paths`, see `SourcePaths`) for one
    model dataclass."""

    def __init__(self, tree, element=None):
        self.tree = tree
        self.values: dict = {}
        self._elements: dict[str, object] = {}
        self.paths = SourcePaths(tree, self._elements)
        if element is not None:
            self._elements["."] = element

    def _put(self, name: str, el, value) -> None:
        if el is None:
            return
        self._elements[name] = el
        if value is not None:
            self.values[name] = value

    def text(self, name: str, el) -> None:
        self._put(name, el, text_of(el))

    def decimal(self, name: str, el) -> None:
        self._put(name, el, decimal_of(el))

    def date(self, name: str, el, fmt: str | None = None) -> None:
        self._put(name, el, date_of(el, fmt))

    def value(self, name: str, el, value) -> None:
        """Set a value built by the caller (a nested dataclass, tuple, identifier...)."""
        if el is not None:
            self._elements[name] = el
        if value is not None and value != ():
            self.values[name] = value

    def build(self, cls):
        return cls(paths=self.paths, **self.values)


def element_paths(tree, element) -> SourcePaths:
    """The `paths` of a model object that records only its own element (key ".")."""
    return SourcePaths(tree, {".": element})
