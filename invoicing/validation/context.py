"""What every rule gets to look at: the parsed XML tree, the invoice model and the profile."""

import functools
from dataclasses import dataclass, field

from lxml import etree

from invoicing.validation.findings import Severity
from invoicing.xmlindex import DocumentIndex, IndexedPath, document_index

NAMESPACES = {
    # UBL 2.1
    "ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    # UN/CEFACT CII D16B
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}

_COMPILED: dict[str, etree.XPath] = {}


def compiled(expression: str) -> etree.XPath:
    """The expression compiled once with `NAMESPACES` (`node.xpath(...)` compiles every call).

    lxml serialises concurrent calls of one XPath object, so sharing them is thread-safe."""
    found = _COMPILED.get(expression)
    if found is None:
        found = _COMPILED[expression] = etree.XPath(expression, namespaces=NAMESPACES)
    return found


@functools.lru_cache(maxsize=4096)
def indexed_path(expression: str) -> IndexedPath | None:
    """The expression as a path the document index answers (see `IndexedPath.parse`)."""
    return IndexedPath.parse(expression, NAMESPACES)


@dataclass
class ValidationContext:
    """Input of every rule.

    `syntax` is `ubl` or `cii`; `profile` one of `xrechnung`, `en16931`, `peppol`, `extended`,
    `basic`, `basicwl`, `minimum`, `other` (from BT-24); `root` the lxml root element;
    `invoice` the parsed `invoicing.model.Invoice`, or None when parsing could not build it;
    `overrides` maps rule ids to the severity the active scenario gives them.
    """

    syntax: str
    profile: str
    root: object
    invoice: object | None = None
    customization_id: str = ""
    overrides: dict[str, Severity] = field(default_factory=dict)
    # per-document results shared between rules (XPath results, derived node lists); the tree
    # must not change while the context is in use
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @functools.cached_property
    def elements(self) -> list[tuple[str, object]]:
        """(tag in Clark notation, element) of `root` and all its descendant elements, in
        document order (`root.iter(etree.Element)`), collected once per document."""
        if self.root is None:
            return []
        return document_index(self.root).elements

    @functools.cached_property
    def children(self) -> dict[object, dict[str, list]]:
        """For every element of `elements`, its child elements by tag (document order)."""
        if self.root is None:
            return {}
        return document_index(self.root).children

    @functools.cached_property
    def names(self) -> frozenset[str]:
        """Every element tag (Clark notation) and attribute name (`@` + Clark notation) that
        occurs in the document; rules with `requires` use it to skip documents in which they
        cannot find anything."""
        if self.root is None:
            return frozenset()
        return document_index(self.root).names

    def severity_for(self, rule) -> Severity:
        return self.overrides.get(rule.id, rule.severity)

    @functools.cached_property
    def index(self) -> DocumentIndex | None:
        """The index of the document, None when `root` is not the root of its document (then
        absolute paths are not relative to it)."""
        if self.root is None or self.root.getparent() is not None:
            return None
        return document_index(self.root)

    def select(self, expression: str, node=None):
        """`expression` evaluated at `node` (default: the root), not cached: from the document
        index when it is a plain element path (`IndexedPath`), else by XPath."""
        at = self.root if node is None else node
        index = self.index
        if index is not None:
            path = indexed_path(expression)
            if path is not None:
                found = index.select(path, at)
                if found is not None:
                    return found
        return compiled(expression)(at)

    def xpath(self, expression: str, node=None) -> list:
        """`expression` evaluated at `node` (default: the root, see `select`); computed once
        per document, lists are handed out as copies."""
        key = ("xpath", expression, node)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self.select(expression, node)
        return list(found) if isinstance(found, list) else found

    def path_of(self, node) -> str:
        return node.getroottree().getpath(node)
