"""Table-driven syntax binding rules: "this element/attribute must not be used here".

The tables in `invoicing/validation/data/` (see `build_syntax_tables.py` there) list, per rule
id, the Schematron context, the level and the forbidden child path. Within one Schematron
pattern a node is checked only by the highest-priority rule whose context matches it; the
`mode` and `priority` columns reproduce that, so an element is reported by the same rule as
the official artefact reports it.
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from invoicing.validation.context import NAMESPACES, indexed_path
from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import Violation, rule
from invoicing.xmlindex import IndexedPath, document_index

DATA = Path(__file__).resolve().parent.parent / "data"

# The CEN syntax binding rules run wherever the CEN EN 16931 Schematron runs (not for the
# Factur-X MINIMUM / BASIC WL / BASIC / EXTENDED profiles, which have their own Schematron).
CEN_PROFILES = frozenset({"xrechnung", "en16931", "peppol", "other"})

LEVELS = {"fatal": Severity.ERROR, "error": Severity.ERROR, "warning": Severity.WARNING}


def applies_cen(ctx) -> bool:
    return ctx.profile in CEN_PROFILES


@dataclass(frozen=True)
class Row:
    id: str
    level: str
    mode: str
    priority: int
    context: str
    forbidden: str


def load_rows(name: str) -> list[Row]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [
            Row(
                id=line["id"],
                level=line["level"],
                mode=line["mode"],
                priority=int(line["priority"]),
                context=line["context"],
                forbidden=line["forbidden"],
            )
            for line in csv.DictReader(handle, delimiter="\t")
        ]


_ENDS_WITH = re.compile(r"ends-with\(\s*name\(\)\s*,\s*'([^']+)'\s*\)")
_SOME_IN_LIST = re.compile(
    r"some \$(\w+) in tokenize\('([^']*)',\s*'\\s'\)\s+satisfies\s+(.+?)\s*=\s*\$\1"
)


def xpath1(expression: str) -> str:
    """Rewrite the XPath 2 constructs the contexts use for lxml (XPath 1).

    `ends-with(name(), 'X')` becomes a `substring` comparison; `some $c in tokenize('A B',
    '\\s') satisfies EXPR = $c` becomes `EXPR = 'A' or EXPR = 'B'`.
    """

    def ends_with(match: re.Match) -> str:
        suffix = match.group(1)
        return f"substring(name(), string-length(name()) - {len(suffix) - 1}) = '{suffix}'"

    def some_in_list(match: re.Match) -> str:
        value = match.group(3)
        return " or ".join(f"{value} = '{code}'" for code in match.group(2).split())

    return _SOME_IN_LIST.sub(some_in_list, _ENDS_WITH.sub(ends_with, expression))


_STEP = re.compile(r"(@?)(?:([A-Za-z_][\w.-]*):)?([A-Za-z_][\w.-]*|\*)|\.\.?")


def required_names(expression: str) -> tuple[frozenset[str], ...] | None:
    """What a document must contain for `expression` (a location path) to select anything.

    One set per branch of a top-level union: the element tags (Clark notation) and
    `@`attribute names of the path's named steps. Predicates and parenthesised unions are
    left out (they only narrow the selection). None when the expression is not such a plain
    path (then nothing can be skipped).
    """
    branches: list[str] = [""]
    depth = 0
    for char in expression:
        if char in "([":
            if char == "(" and depth == 0 and branches[-1] and branches[-1][-1] not in "/|":
                return None  # a function call
            depth += 1
        elif char in ")]":
            depth -= 1
        elif depth == 0:
            if char == "|":
                branches.append("")
            else:
                branches[-1] += char
    result = []
    for branch in branches:
        names = set()
        for step in branch.strip().split("/"):
            if not step:
                continue  # leading "/", "//", or a removed parenthesised union
            match = _STEP.fullmatch(step)
            if match is None:
                return None
            attribute, prefix, local = match.groups()
            if local is None or local == "*":
                continue
            if prefix is not None and prefix not in NAMESPACES:
                return None
            name = f"{{{NAMESPACES[prefix]}}}{local}" if prefix else local
            names.add(f"@{name}" if attribute else name)
        if not names:
            return None
        result.append(frozenset(names))
    return tuple(result)


_NAME_ENDS_WITH = re.compile(
    r"//(?:(\w+):)?\*\[ends-with\(name\(\), '(\w+)'\)(?: and not \(self::(\w+):(\w+)\))?\]"
)


class _Document:
    """The document index of a root and the names in the document (`DocumentIndex.names`)."""

    def __init__(self, root):
        self.index = document_index(root.getroottree().getroot())  # shared with the context
        self.names = self.index.names


class _NameEndsWith:
    """`//ram:*[ends-with(name(), 'X')]` (optionally `and not (self::ram:Y)`) or
    `//*[ends-with(name(), 'X')]`, decided on the Clark tags of all elements (`{namespace}local`
    ends with X exactly when the qualified name does) instead of by an XPath walk."""

    def __init__(self, match: re.Match):
        prefix, self.suffix, not_prefix, not_local = match.groups()
        self.namespace = f"{{{NAMESPACES[prefix]}}}" if prefix else ""
        self.excluded = f"{{{NAMESPACES[not_prefix]}}}{not_local}" if not_prefix else None

    def __call__(self, root, document: _Document) -> list:
        found = document.index.ending_with(self.suffix, self.namespace)
        if self.excluded is None:
            return found
        return [node for node in found if node.tag != self.excluded]


class _Guarded:
    """A context that is not evaluated when the document lacks the names its path needs
    (`required_names`)."""

    def __init__(self, context: str):
        self.requires = required_names(context)

    def possible(self, document: _Document) -> bool:
        requires = self.requires
        if requires is None:
            return True
        if len(requires) == 1:
            return requires[0] <= document.names
        return any(need <= document.names for need in requires)


class _IndexedContext(_Guarded):
    """A path the document index answers (`IndexedPath`, e.g. `/p:A/p:B[p:C = 'x']`)."""

    def __init__(self, context: str, path: IndexedPath):
        super().__init__(context)
        self.path = path

    def __call__(self, root, document: _Document) -> list:
        if not self.possible(document):
            return []
        found = document.index.select(self.path, root)
        return found if found is not None else []


class _ContextXPath(_Guarded):
    """Any other context: compiled XPath."""

    def __init__(self, context: str):
        super().__init__(context)
        self.xpath = etree.XPath(xpath1(context), namespaces=NAMESPACES)

    def __call__(self, root, document: _Document) -> list:
        if not self.possible(document):
            return []
        return [node for node in self.xpath(root) if isinstance(node, etree._Element)]


def _selector(context: str):
    """How to find the nodes of a context: a function of the root and its `_Document`."""
    match = _NAME_ENDS_WITH.fullmatch(context)
    if match is not None:
        return _NameEndsWith(match)
    path = indexed_path(context)
    if path is not None:
        return _IndexedContext(context, path)
    return _ContextXPath(context)


class ContextIndex:
    """For one document: which Schematron context each node belongs to, per pattern (mode)."""

    def __init__(self, rows: list[Row]):
        self.contexts: dict[str, list[tuple[int, str]]] = {}
        for row in rows:
            entries = self.contexts.setdefault(row.mode, [])
            if (row.priority, row.context) not in entries:
                entries.append((row.priority, row.context))
        for entries in self.contexts.values():
            entries.sort(reverse=True)
        every = {context for entries in self.contexts.values() for _, context in entries}
        self._compiled = {context: _selector(context) for context in every}
        self._cache: tuple[object, dict] | None = None

    def nodes(self, root, mode: str, context: str) -> list:
        cached = self._cache
        if cached is None or cached[0] is not root:
            cached = (root, self._assign(root))
            self._cache = cached
        return cached[1].get((mode, context), [])

    def _assign(self, root) -> dict:
        assigned: dict[tuple[str, str], list] = {}
        document = _Document(root)
        for mode, entries in self.contexts.items():
            taken: set = set()
            for _, context in entries:
                # a selector's nodes are distinct elements; earlier (higher) contexts win
                found = [
                    node for node in self._compiled[context](root, document) if node not in taken
                ]
                taken.update(found)
                assigned.setdefault((mode, context), found)
        return assigned


def _short(node) -> str:
    qname = etree.QName(node)
    prefix = {namespace: prefix for prefix, namespace in NAMESPACES.items()}.get(qname.namespace)
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


def describe(hit, forbidden: str) -> dict:
    """Message values naming what was found: an element (with its path) or an attribute."""
    if getattr(hit, "is_attribute", False):
        return _describe_attribute(hit.attrname, hit.getparent())
    name = forbidden.replace("(", "").replace(")", "").lstrip("/")
    return {"subject": f"Das Element {name}", "subject_en": f"The element {name}"}


def _describe_attribute(name: str, owner) -> dict:
    return {
        "subject": f"Das Attribut {name} am Element {_short(owner)}",
        "subject_en": f"The attribute {name} of {_short(owner)}",
    }


def register_table(rows: list[Row], *, syntax: str, field_of=None) -> None:
    """Register one rule per row (rows with the same id share one rule)."""
    index = ContextIndex(rows)
    by_id: dict[str, list[Row]] = {}
    for row in rows:
        by_id.setdefault(row.id, []).append(row)
    for rule_id, group in by_id.items():
        first = group[0]
        if LEVELS.get(first.level, Severity.ERROR).rejects:
            de = "{subject} ist in einer Rechnung nach EN 16931 an dieser Stelle nicht erlaubt."
            en = "{subject_en} is not allowed here in an EN 16931 invoice."
        else:
            de = (
                "{subject} ist in der EN-16931-Syntax nicht vorgesehen und sollte nicht "
                "verwendet werden; der Inhalt wird nicht ausgewertet."
            )
            en = "{subject_en} is not part of the EN 16931 syntax binding and should not be used."
        requires: list[frozenset[str]] | None = []
        for row in group:
            needed = required_names(row.forbidden)
            if needed is None:
                requires = None
                break
            requires.extend(needed)
        rule(
            rule_id,
            layer=Layer.SYNTAX_BINDING,
            severity=LEVELS.get(first.level, Severity.ERROR),
            field=field_of(rule_id) if field_of else None,
            de=de,
            en=en,
            syntaxes=(syntax,),
            applies=applies_cen,
            requires=requires,
        )(_checker(index, group))


_ATTRIBUTE = re.compile(r"(?:(.+)/)?@([A-Za-z_][\w.-]*)")


def _first_hit(forbidden: str):
    """A function (ctx, context node) -> (path, message values) of the first node the path
    `forbidden` selects there, None when it selects nothing: from the document index for an
    element path or an attribute of one, else by XPath."""
    if indexed_path(forbidden) is not None:

        def element(ctx, node):
            hits = ctx.select(forbidden, node)
            return (ctx.path_of(hits[0]), describe(hits[0], forbidden)) if hits else None

        return element
    attribute = _ATTRIBUTE.fullmatch(forbidden)
    if attribute is not None:
        owner, name = attribute.groups()
        if owner is None:
            return _attribute_hit(name, lambda ctx, node: node)
        owners = f"{owner}[@{name}]"  # the attribute's first hit is on the first such element
        if indexed_path(owners) is not None:
            return _attribute_hit(
                name, lambda ctx, node: next(iter(ctx.select(owners, node)), None)
            )
    xpath = etree.XPath(forbidden, namespaces=NAMESPACES)

    def other(ctx, node):
        hits = xpath(node)
        return (_path_of(ctx, hits[0], node), describe(hits[0], forbidden)) if hits else None

    return other


def _attribute_hit(name: str, owner_of):
    """`_first_hit` for the attribute `name` of the element `owner_of(ctx, node)`."""

    def attribute_hit(ctx, node):
        owner = owner_of(ctx, node)
        if owner is None or owner.get(name) is None:
            return None
        return f"{ctx.path_of(owner)}/@{name}", _describe_attribute(name, owner)

    return attribute_hit


def _checker(index: ContextIndex, group: list[Row]):
    compiled = [(row.mode, row.context, _first_hit(row.forbidden)) for row in group]

    def check(ctx):
        for mode, context, first_hit in compiled:
            for node in index.nodes(ctx.root, mode, context):
                hit = first_hit(ctx, node)
                if hit is not None:
                    path, values = hit
                    yield Violation(path=path, values=values)

    return check


def _path_of(ctx, hit, context_node) -> str:
    if isinstance(hit, etree._Element):
        return ctx.path_of(hit)
    if getattr(hit, "is_attribute", False):
        return f"{ctx.path_of(hit.getparent())}/@{hit.attrname}"
    return ctx.path_of(context_node)
