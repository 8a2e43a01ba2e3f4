"""Command line: `python -m invoicing validate PATH... [--json]` (no Django settings needed).

With `--json` one JSON object per line and file: `path`, `syntax` (ubl|cii|pdf), `profile`,
`valid` (true/false/null), `errors` and `warnings` (lists of `{rule, field, message}`).
Without it a readable German summary. Exit code 0 when the validation ran (also for invalid
invoices), 2 on usage errors (unknown option, missing file).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SUFFIXES = (".xml", ".pdf")

PROFILE_NAMES = {
    "xrechnung": "XRechnung",
    "en16931": "EN 16931",
    "peppol": "Peppol BIS 3.0",
    "extended": "Factur-X/ZUGFeRD EXTENDED",
    "basic": "Factur-X/ZUGFeRD BASIC",
    "basicwl": "Factur-X/ZUGFeRD BASIC WL",
    "minimum": "Factur-X/ZUGFeRD MINIMUM",
    "other": "unbekanntes Profil",
}
SYNTAX_NAMES = {"ubl": "UBL", "cii": "CII", "pdf": "PDF", None: "unbekanntes Format"}


def _files(paths: list[str]) -> list[Path]:
    result: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            result.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            )
        else:
            result.append(path)
    return result


def _summary(path: Path, result) -> str:
    if result.valid is True:
        verdict = "GÜLTIG"
    elif result.valid is False:
        verdict = "UNGÜLTIG"
    else:
        verdict = "NICHT GEPRÜFT"
    errors, warnings = len(result.errors), len(result.warnings)
    lines = [
        f"{path}: {verdict} ({PROFILE_NAMES.get(result.profile, result.profile)}, "
        f"{SYNTAX_NAMES.get(result.syntax, result.syntax)}) — {errors} Fehler, "
        f"{warnings} Warnung{'en' if warnings != 1 else ''}"
    ]
    for label, findings in (("Fehler", result.errors), ("Warnung", result.warnings)):
        for finding in findings:
            where = f" ({finding.field})" if finding.field else ""
            lines.append(f"  {label} {finding.rule}{where}: {finding.message_de}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m invoicing", description="E-Rechnungen prüfen (XRechnung, ZUGFeRD/Factur-X)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("validate", help="Rechnungsdateien prüfen")
    check.add_argument("paths", nargs="+", metavar="PATH", help="XML- oder PDF-Datei, Ordner")
    check.add_argument("--json", action="store_true", help="eine JSON-Zeile je Datei ausgeben")
    args = parser.parse_args(argv)

    files = _files(args.paths)
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        print(f"Datei nicht gefunden: {', '.join(missing)}", file=sys.stderr)
        return 2

    from invoicing.validation.run import validate

    for path in files:
        result = validate(path.read_bytes(), filename=path.name)
        if args.json:
            print(json.dumps(result.as_json(str(path)), ensure_ascii=False), flush=True)
        else:
            print(_summary(path, result), flush=True)
    return 0
