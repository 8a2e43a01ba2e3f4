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
        self._compiled = {
            context: etree.XPath(xpath1(context), namespaces=NAMESPACES)
            for entries in self.contexts.values()
            for _, context in entries
        }
        self._cache: tuple[object, dict] | None = None

    def nodes(self, root, mode: str, context: str) -> list:
        cached = self._cache
        if cached is None or cached[0] is not root:
            cached = (root, self._assign(root))
            self._cache = cached
        return cached[1].get((mode, context), [])

    def _assign(self, root) -> dict:
        assigned: dict[tuple[str, str], list] = {}
        for mode, entries in self.contexts.items():
            taken: set = set()
            for _, context in entries:
                found = []
                for node in self._compiled[context](root):
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
        rule(
            rule_id,
            layer=Layer.SYNTAX_BINDING,
            severity=LEVELS.get(first.level, Severity.ERROR),
            field=field_of(rule_id) if field_of else None,
            de=de,
            en=en,
            syntaxes=(syntax,),
            applies=applies_cen,
        )(_checker(index, group))


def _checker(index: ContextIndex, group: list[Row]):
    compiled = [
        (row.mode, row.context, row.forbidden, etree.XPath(row.forbidden, namespaces=NAMESPACES))
        for row in group
    ]

    def check(ctx):
        for mode, context, text, forbidden in compiled:
            for node in index.nodes(ctx.root, mode, context):
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
