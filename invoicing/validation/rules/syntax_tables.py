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

from invoicing.validation.context import NAMESPACES
from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import Violation, rule
from invoicing.xmlindex import document_index

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
    """One walk over a document's elements: (tag, element) in document order, the elements
    by their absolute path of tags, and the set of tags."""

    def __init__(self, root):
        index = document_index(root.getroottree().getroot())  # shared with the context
        self.elements: list[tuple[str, object]] = index.elements
        self.by_path: dict[tuple[str, ...], list] = index.by_path
        self.tags = frozenset(tag for tag, _ in self.elements)


class _NameEndsWith:
    """`//ram:*[ends-with(name(), 'X')]` (optionally `and not (self::ram:Y)`) or
    `//*[ends-with(name(), 'X')]`, decided on the Clark tags of all elements (`{namespace}local`
    ends with X exactly when the qualified name does) instead of by an XPath walk."""

    def __init__(self, match: re.Match):
        prefix, self.suffix, not_prefix, not_local = match.groups()
        self.namespace = f"{{{NAMESPACES[prefix]}}}" if prefix else ""
        self.excluded = f"{{{NAMESPACES[not_prefix]}}}{not_local}" if not_prefix else None

    def __call__(self, root, document: _Document) -> list:
        suffix, namespace, excluded = self.suffix, self.namespace, self.excluded
        return [
            node
            for tag, node in document.elements
            if tag.endswith(suffix) and tag.startswith(namespace) and tag != excluded
        ]


class _AbsolutePath:
    """`/p:A/p:B/...` without predicates: the elements with exactly that path of tags."""

    def __init__(self, context: str):
        steps = [step.split(":") for step in context.split("/")[1:]]
        self.path = tuple(f"{{{NAMESPACES[prefix]}}}{local}" for prefix, local in steps)

    def __call__(self, root, document: _Document) -> list:
        return document.by_path.get(self.path, [])


class _ContextXPath:
    """Any other context: compiled XPath, not evaluated when the document lacks the element
    names the path needs (`required_names`)."""

    def __init__(self, context: str):
        self.xpath = etree.XPath(xpath1(context), namespaces=NAMESPACES)
        requires = required_names(context)
        if requires is not None and any(name.startswith("@") for need in requires for name in need):
            requires = None  # the document's tags are known here, its attributes are not
        self.requires = requires

    def __call__(self, root, document: _Document) -> list:
        if self.requires is not None and not any(need <= document.tags for need in self.requires):
            return []
        return self.xpath(root)


class _PlainXPath:
    """A context as compiled XPath, always evaluated (for indexes of a few contexts)."""

    def __init__(self, context: str):
        self.xpath = etree.XPath(xpath1(context), namespaces=NAMESPACES)

    def __call__(self, root, document: _Document | None) -> list:
        return self.xpath(root)


# Up to this many contexts XPath is cheaper than one walk over the document (`_Document`).
_FEW_CONTEXTS = 4
_ABSOLUTE_PATH = re.compile(r"(/([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*)+")


def _selector(context: str):
    """How to find the nodes of a context: a function of the root and its `_Document`."""
    match = _NAME_ENDS_WITH.fullmatch(context)
    if match is not None:
        return _NameEndsWith(match)
    if _ABSOLUTE_PATH.fullmatch(context) and all(
        step.split(":")[0] in NAMESPACES for step in context.split("/")[1:]
    ):
        return _AbsolutePath(context)
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
        if len(every) <= _FEW_CONTEXTS:
            # a few contexts are cheaper as XPath than a walk over the whole document
            self._compiled = {context: _PlainXPath(context) for context in every}
        else:
            self._compiled = {context: _selector(context) for context in every}
        self._walks = not all(isinstance(select, _PlainXPath) for select in self._compiled.values())
        self._cache: tuple[object, dict] | None = None

    def nodes(self, root, mode: str, context: str) -> list:
        cached = self._cache
        if cached is None or cached[0] is not root:
            cached = (root, self._assign(root))
            self._cache = cached
        return cached[1].get((mode, context), [])

    def _assign(self, root) -> dict:
        assigned: dict[tuple[str, str], list] = {}
        document = _Document(root) if self._walks else None
        for mode, entries in self.contexts.items():
            taken: set = set()
            for _, context in entries:
                found = []
                for node in self._compiled[context](root, document):
                    if isinstance(node, etree._Element) and node not in taken:
                        taken.add(node)
                        found.append(node)
                assigned.setdefault((mode, context), found)
        return assigned


def _short(node) -> str:
    qname = etree.QName(node)
    prefix = {namespace: prefix for prefix, namespace in NAMESPACES.items()}.get(qname.namespace)
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


def describe(hit, forbidden: str) -> dict:
    """Message values naming what was found: an element (with its path) or an attribute."""
    if getattr(hit, "is_attribute", False):
        owner = _short(hit.getparent())
        return {
            "subject": f"Das Attribut {hit.attrname} am Element {owner}",
            "subject_en": f"The attribute {hit.attrname} of {owner}",
        }
    name = forbidden.replace("(", "").replace(")", "").lstrip("/")
    return {"subject": f"Das Element {name}", "subject_en": f"The element {name}"}


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


_ONE_STEP = re.compile(r"(@?)(?:(\w+):)?([A-Za-z_][\w.-]*)")


def _present(forbidden: str):
    """For a one-step path (`p:Child` or `@attribute`): a cheap test whether a node has such
    a child or attribute, i.e. whether the XPath would select anything. None otherwise."""
    match = _ONE_STEP.fullmatch(forbidden)
    if match is None:
        return None
    attribute, prefix, local = match.groups()
    if attribute:
        if prefix is not None:
            return None
        return lambda node: node.get(local) is not None
    if prefix is None or prefix not in NAMESPACES:
        return None
    tag = f"{{{NAMESPACES[prefix]}}}{local}"
    return lambda node: node.find(tag) is not None


def _checker(index: ContextIndex, group: list[Row]):
    compiled = [
        (
            row.mode,
            row.context,
            row.forbidden,
            etree.XPath(row.forbidden, namespaces=NAMESPACES),
            _present(row.forbidden),
        )
        for row in group
    ]

    def check(ctx):
        for mode, context, text, forbidden, present in compiled:
            for node in index.nodes(ctx.root, mode, context):
                if present is not None and not present(node):
                    continue  # the XPath would select nothing here
                hits = forbidden(node)
                if hits:
                    yield Violation(
                        path=_path_of(ctx, hits[0], node), values=describe(hits[0], text)
                    )

    return check


def _path_of(ctx, hit, context_node) -> str:
    if isinstance(hit, etree._Element):
        return ctx.path_of(hit)
    if getattr(hit, "is_attribute", False):
        return f"{ctx.path_of(hit.getparent())}/@{hit.attrname}"
    return ctx.path_of(context_node)
