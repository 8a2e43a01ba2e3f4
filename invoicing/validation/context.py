"""What every rule gets to look at: the parsed XML tree, the invoice model and the profile."""

import functools
import re
from dataclasses import dataclass, field

from lxml import etree

from invoicing.validation.findings import Severity
from invoicing.xmlindex import document_index

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


_DESCENDANT = re.compile(r"//(\w+):([A-Za-z_][\w.-]*)(?:\[@([A-Za-z_][\w.-]*)\])?")


@functools.lru_cache(maxsize=4096)
def descendant_steps(expression: str) -> tuple[tuple[str, str | None], ...] | None:
    """For `//p:A | //p:B[@attr] | ...`: ((Clark tag, attribute name or None), ...); None for
    any other expression."""
    steps = []
    for part in expression.split("|"):
        match = _DESCENDANT.fullmatch(part.strip())
        if match is None or match[1] not in NAMESPACES:
            return None
        steps.append((f"{{{NAMESPACES[match[1]]}}}{match[2]}", match[3]))
    return tuple(steps)


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
    def names(self) -> frozenset[str]:
        """Every element tag (Clark notation) and attribute name (`@` + Clark notation) that
        occurs in the document; rules with `requires` use it to skip documents in which they
        cannot find anything."""
        found: set[str] = set()
        add = found.add
        for tag, node in self.elements:
            add(tag)
            for key in node.keys():  # noqa: SIM118 - iterating an element yields children
                add("@" + key)
        return frozenset(found)

    def severity_for(self, rule) -> Severity:
        return self.overrides.get(rule.id, rule.severity)

    def xpath(self, expression: str, node=None) -> list:
        """`expression` evaluated at `node` (default: the root); computed once per document,
        lists are handed out as copies."""
        key = ("xpath", expression, node)
        found = self.memo.get(key)
        if found is None:
            found = self._from_index(expression) if node is None else None
            if found is None:
                found = compiled(expression)(self.root if node is None else node)
            self.memo[key] = found
        return list(found) if isinstance(found, list) else found

    def _from_index(self, expression: str) -> list | None:
        """The result of `//p:Name`, `//p:Name[@attribute]` or a union of such, taken from the
        document index instead of a walk over the tree; None for other expressions."""
        steps = descendant_steps(expression)
        if steps is None or self.root is None or self.root.getparent() is not None:
            return None
        index = document_index(self.root)
        found = []
        for tag, attribute in steps:
            nodes = index.by_tag.get(tag, ())
            if attribute is not None:
                nodes = [node for node in nodes if node.get(attribute) is not None]
            found.extend(nodes)
        if len(steps) > 1:  # a union is in document order, without duplicates
            found = sorted(set(found), key=index.position.__getitem__)
        return found

    def path_of(self, node) -> str:
        return node.getroottree().getpath(node)
