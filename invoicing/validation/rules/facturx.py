"""Factur-X / ZUGFeRD 2 profile rules (Layer.FACTURX) for the MINIMUM, BASIC WL, BASIC and
EXTENDED profiles.

The official Factur-X 1.09 profile Schematron describes, per profile, which element paths a
profile knows. From it we keep three tables (see `data/build_facturx_tables.py`):

* elements and attributes "marked as not used in the given context" — reported as
  `FX-NOT-USED`, one finding per element or attribute, the message names it;
* code list assertions `FX-SCH-A-*` (a code or scheme attribute must be in the profile's list);
* cardinality assertions `FX-SCH-A-*` of the form `count(path) = / <= / >= n`.

Within one Schematron pattern a node is checked by the highest-priority rule whose context
matches it; the tables keep pattern (mode) and priority so that this holds here too.

The Factur-X EN16931 profile is not checked here: an EN16931 Factur-X invoice carries the plain
`urn:cen.eu:en16931:2017` identifier and is validated like any EN 16931 invoice (XSD + CEN
Schematron), as the official corpus verdicts are.
"""

import csv
from collections import defaultdict
from functools import cache

from lxml import etree

from invoicing.validation.context import NAMESPACES, compiled
from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import Violation, rule
from invoicing.validation.rules.syntax_tables import DATA, ContextIndex, Row

FACTURX_PROFILES = frozenset({"minimum", "basicwl", "basic", "extended"})
PROFILE_NAMES = {
    "minimum": "MINIMUM",
    "basicwl": "BASIC WL",
    "basic": "BASIC",
    "en16931": "EN 16931",
    "extended": "EXTENDED",
}
GUIDELINE = (
    "string(/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext"
    "/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID)"
)


def is_facturx(ctx) -> bool:
    """A Factur-X / ZUGFeRD 2 CII invoice of one of the profiles checked here."""
    if ctx.syntax != "cii" or ctx.profile not in FACTURX_PROFILES:
        return False
    found = ctx.memo.get("is_facturx")
    if found is None:
        guideline = str(ctx.xpath(GUIDELINE)).lower()
        found = ctx.memo["is_facturx"] = "factur-x.eu" in guideline or "zugferd.de" in guideline
    return found


def _read(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@cache
def structure_index(profile: str) -> ContextIndex:
    rows = [
        Row("", "", line["mode"], int(line["priority"]), line["context"], "")
        for line in _read("facturx_structure.tsv")
        if line["profile"] == profile
    ]
    return ContextIndex(rows)


@cache
def not_used_marks(profile: str) -> list[tuple[str, str, str]]:
    """(mode, context, mark): mark `.` is the element itself, `@name` an attribute."""
    return [
        (line["mode"], line["context"], line["not_used"])
        for line in _read("facturx_structure.tsv")
        if line["profile"] == profile and line["not_used"]
    ]


@cache
def codelists(profile: str) -> dict[str, frozenset[str]]:
    lists: dict[str, set[str]] = defaultdict(set)
    for line in _read("facturx_codelists.tsv"):
        if line["profile"] == profile:
            lists[line["list"]].add(line["code"])
    return {number: frozenset(codes) for number, codes in lists.items()}


def _short(node) -> str:
    qname = etree.QName(node)
    prefix = {namespace: prefix for prefix, namespace in NAMESPACES.items()}.get(qname.namespace)
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


@rule(
    "FX-NOT-USED",
    layer=Layer.FACTURX,
    severity=Severity.ERROR,
    de="{subject} ist im Factur-X-Profil {profile} nicht vorgesehen und darf dort nicht "
    "verwendet werden.",
    en="{subject_en} is marked as not used in the Factur-X profile {profile}.",
    syntaxes=("cii",),
    applies=is_facturx,
)
def not_used_in_profile(ctx):
    index = structure_index(ctx.profile)
    profile = PROFILE_NAMES[ctx.profile]
    for mode, context, mark in not_used_marks(ctx.profile):
        for node in index.nodes(ctx.root, mode, context):
            if mark == ".":
                yield Violation(
                    path=ctx.path_of(node),
                    values={
                        "subject": f"Das Element {_short(node)}",
                        "subject_en": f"The element {_short(node)}",
                        "profile": profile,
                    },
                )
            elif mark.startswith("@") and node.get(mark[1:]) is not None:
                yield Violation(
                    path=f"{ctx.path_of(node)}/{mark}",
                    values={
                        "subject": f"Das Attribut {mark[1:]} am Element {_short(node)}",
                        "subject_en": f"The attribute {mark[1:]} of {_short(node)}",
                        "profile": profile,
                    },
                )


def _value(node, expression: str) -> str:
    if expression == ".":
        return "".join(node.itertext())  # the XPath string value
    if expression.startswith("@"):
        return node.get(expression[1:]) or ""
    return str(compiled(f"string({expression})")(node))


def _register_code_rule(rule_id: str, rows: list[dict]) -> None:
    by_profile: dict[str, list[dict]] = defaultdict(list)
    for line in rows:
        by_profile[line["profile"]].append(line)

    def check(ctx):
        index = structure_index(ctx.profile)
        lists = codelists(ctx.profile)
        for line in by_profile.get(ctx.profile, []):
            allowed = lists.get(line["list"], frozenset())
            for node in index.nodes(ctx.root, line["mode"], line["context"]):
                value = _value(node, line["value"])
                if value and value not in allowed:
                    where = _short(node)
                    if line["value"].startswith("@"):
                        where = f"{where}/{line['value']}"
                    yield Violation(
                        path=ctx.path_of(node),
                        values={
                            "value": value,
                            "where": where,
                            "profile": PROFILE_NAMES[ctx.profile],
                        },
                    )

    rule(
        rule_id,
        layer=Layer.FACTURX,
        severity=Severity.ERROR,
        de="Der Wert „{value}“ in {where} ist im Factur-X-Profil {profile} kein zulässiger Code.",
        en="Value '{value}' of {where} is not allowed in the Factur-X profile {profile}.",
        syntaxes=("cii",),
        applies=is_facturx,
    )(check)


_OPERATORS = {
    "=": (lambda count, number: count == number, "genau {number}-mal", "exactly {number} times"),
    "<=": (lambda count, number: count <= number, "höchstens {number}-mal", "at most {number}"),
    ">=": (lambda count, number: count >= number, "mindestens {number}-mal", "at least {number}"),
}


def _register_count_rule(rule_id: str, rows: list[dict]) -> None:
    by_profile: dict[str, list[dict]] = defaultdict(list)
    for line in rows:
        by_profile[line["profile"]].append(line)

    def check(ctx):
        index = structure_index(ctx.profile)
        for line in by_profile.get(ctx.profile, []):
            test = _OPERATORS[line["operator"]][0]
            number = int(line["number"])
            for node in index.nodes(ctx.root, line["mode"], line["context"]):
                count = _count(ctx, node, line["path"])
                if not test(count, number):
                    yield Violation(
                        path=ctx.path_of(node),
                        values=_count_values(line, node, count, number, ctx.profile),
                    )

    rule(
        rule_id,
        layer=Layer.FACTURX,
        severity=Severity.ERROR,
        de="{problem} (Factur-X-Profil {profile}).",
        en="{problem_en} (Factur-X profile {profile}).",
        syntaxes=("cii",),
        applies=is_facturx,
    )(check)


def _count(ctx, node, path: str) -> int:
    """How many nodes `path` selects at `node` (a lone `@attribute`: 0 or 1)."""
    if path.startswith("@") and "/" not in path:
        return int(node.get(path[1:]) is not None)
    return len(ctx.select(path, node))


def _count_values(line: dict, node, count: int, number: int, profile: str) -> dict:
    where = _short(node)
    path = line["path"]
    if path.startswith("@") and line["operator"] == ">=" and number == 1:
        problem = f"Am Element {where} fehlt das Pflicht-Attribut {path[1:]}"
        problem_en = f"The attribute {path[1:]} of {where} is missing"
    else:
        _, wording_de, wording_en = _OPERATORS[line["operator"]]
        problem = (
            f"Im Element {where} muss {path} {wording_de.format(number=number)} vorkommen, "
            f"kommt aber {count}-mal vor"
        )
        problem_en = (
            f"In {where}, {path} must occur {wording_en.format(number=number)} (found {count})"
        )
    return {"problem": problem, "problem_en": problem_en, "profile": PROFILE_NAMES[profile]}


def _register_tables() -> None:
    for name, register in (
        ("facturx_codes.tsv", _register_code_rule),
        ("facturx_counts.tsv", _register_count_rule),
    ):
        grouped: dict[str, list[dict]] = defaultdict(list)
        for line in _read(name):
            if line["profile"] in FACTURX_PROFILES:
                grouped[line["id"]].append(line)
        for rule_id, rows in grouped.items():
            register(rule_id, rows)


_register_tables()
