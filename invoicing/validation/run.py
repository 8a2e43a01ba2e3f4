"""Validate one received e-invoice: detect, parse safely, run the rule layers, judge.

`validate(data, filename=None)` never raises for bad input. The verdict is three-valued:

* `valid=True`  — every layer of the scenario ran and no finding rejects the invoice;
* `valid=False` — at least one fatal/error finding (including not well-formed or unsafe XML);
* `valid=None`  — "nicht geprüft": the format is not supported, or a layer could not run
  (a rule raised an exception, the rules could not be loaded). Such a result carries a
  finding `NOT-CHECKED` naming the layer; it is NEVER reported as valid.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from invoicing.model import Invoice
from invoicing.syntax import Detection, detect
from invoicing.validation.context import ValidationContext
from invoicing.validation.findings import Finding, Layer, Severity
from invoicing.validation.registry import RULES, Rule
from invoicing.validation.scenarios import scenario_for

logger = logging.getLogger(__name__)

NOT_CHECKED = "NOT-CHECKED"
XML_WELLFORMED = "XML-WELLFORMED"
UNSUPPORTED = "FORMAT-UNSUPPORTED"

LAYER_NAMES_DE = {
    Layer.WELLFORMED: "Wohlgeformtheit",
    Layer.SCHEMA: "XML-Schema",
    Layer.EN16931: "EN 16931 Geschäftsregeln",
    Layer.SYNTAX_BINDING: "Syntaxregeln (UBL/CII)",
    Layer.XRECHNUNG: "XRechnung-Regeln",
    Layer.PEPPOL: "Peppol-Regeln",
    Layer.FACTURX: "Factur-X/ZUGFeRD-Profilregeln",
    Layer.OWN: "eigene Prüfungen",
}


@dataclass(frozen=True)
class ValidationResult:
    """Outcome of `validate`.

    `syntax` is what the user handed in: "ubl", "cii" or "pdf" (None when unknown);
    `xml_syntax` the syntax of the invoice XML itself ("ubl"/"cii"); `xml` the invoice XML
    (for PDFs: the embedded file) when there was one.
    """

    syntax: str | None
    profile: str
    customization_id: str
    valid: bool | None
    checked: bool
    findings: tuple[Finding, ...]
    errors: tuple[Finding, ...]
    warnings: tuple[Finding, ...]
    invoice: Invoice | None = None
    xml: bytes | None = None
    xml_syntax: str | None = None
    filename: str | None = None
    attachment_name: str | None = None

    def as_json(self, path: str | None = None) -> dict:
        def brief(finding: Finding) -> dict:
            return {"rule": finding.rule, "field": finding.field, "message": finding.message_de}

        return {
            "path": path if path is not None else self.filename,
            "syntax": self.syntax,
            "profile": self.profile,
            "customization_id": self.customization_id,
            "valid": self.valid,
            "errors": [brief(f) for f in self.errors],
            "warnings": [brief(f) for f in self.warnings],
        }


def _result(
    detection: Detection | None,
    findings: list[Finding],
    *,
    checked: bool,
    invoice: Invoice | None = None,
    filename: str | None = None,
) -> ValidationResult:
    errors = tuple(f for f in findings if f.severity.rejects and f.rule != NOT_CHECKED)
    warnings = tuple(f for f in findings if f.severity is Severity.WARNING)
    valid = (not errors) if checked else None
    d = detection
    return ValidationResult(
        syntax=d.reported_syntax if d else None,
        profile=d.profile if d else "other",
        customization_id=d.customization_id if d else "",
        valid=valid,
        checked=checked,
        findings=tuple(findings),
        errors=errors + tuple(f for f in findings if f.rule == NOT_CHECKED),
        warnings=warnings,
        invoice=invoice,
        xml=d.xml if d else None,
        xml_syntax=d.syntax if d else None,
        filename=filename,
        attachment_name=d.attachment_name if d else None,
    )


def _not_checked(layer: Layer, de: str, en: str) -> Finding:
    return Finding(
        rule=NOT_CHECKED,
        severity=Severity.FATAL,
        layer=layer,
        message_de=de,
        message_en=en,
    )


_rules_error: str | None = None
_rules_loaded = False


def _load_rules() -> str | None:
    """Import all rule modules once; return an error text when that failed."""
    global _rules_loaded, _rules_error
    if not _rules_loaded:
        try:
            import invoicing.validation.rules  # noqa: F401 - registers the rules
        except Exception as exc:  # a broken rule module must not make invoices "valid"
            logger.exception("validation rules could not be loaded")
            _rules_error = f"{exc.__class__.__name__}: {exc}"
        _rules_loaded = True
    return _rules_error


class LayerPlan:
    """The rules of one (layer, syntax) in registry order, with an index of the names their
    `requires` need, so that a document only pays for the table-driven rules it can violate."""

    def __init__(self, rules: list[Rule]):
        self.rules = tuple(rules)
        shared = {entry.applies for entry in rules}
        # the `applies` every rule of the plan has (None: none or several)
        self.common_applies = shared.pop() if len(shared) == 1 else None
        self.always = tuple(entry for entry in rules if entry.requires is None)
        self._always_positions = frozenset(
            position for position, entry in enumerate(rules) if entry.requires is None
        )
        # every alternative filed under one of its names (the longest: usually the rarest)
        by_key: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for position, entry in enumerate(rules):
            for need in entry.requires or ():
                by_key.setdefault(max(sorted(need), key=len), []).append((position, need))
        self._by_key = by_key
        self._keys = frozenset(by_key)

    def select(self, context: ValidationContext) -> tuple[Rule, ...] | list[Rule]:
        """The rules to run for the document: those without `requires`, and those whose
        `requires` the document meets (`Rule.possible`), in registry order."""
        if not self._keys:
            return self.rules
        names = context.names
        chosen: set[int] = set()
        for key in self._keys.intersection(names):
            for position, need in self._by_key[key]:
                if need <= names:
                    chosen.add(position)
        if not chosen:
            return self.always
        return [self.rules[position] for position in sorted(chosen | self._always_positions)]


_by_layer_cache: tuple[tuple[int, int], dict[tuple[Layer, str], LayerPlan]] = ((0, -1), {})


def _plans() -> dict[tuple[Layer, str], LayerPlan]:
    """Registered rules grouped by (layer, syntax), rebuilt when the registry changes."""
    global _by_layer_cache
    key, table = _by_layer_cache
    if key != (id(RULES), len(RULES)):
        grouped: dict[tuple[Layer, str], list[Rule]] = {}
        for entry in RULES.values():
            for syntax in entry.syntaxes:
                grouped.setdefault((entry.layer, syntax), []).append(entry)
        table = {group: LayerPlan(rules) for group, rules in grouped.items()}
        _by_layer_cache = ((id(RULES), len(RULES)), table)
    return table


def _rules_by_layer() -> dict[tuple[Layer, str], list[Rule]]:
    """Registered rules grouped by (layer, syntax), in registry order."""
    return {group: list(plan.rules) for group, plan in _plans().items()}


def _may_apply(plan: LayerPlan, context: ValidationContext) -> bool:
    """False when the `applies` that all rules of the plan share says the document is not
    theirs (when it raises, each rule runs into it and reports it)."""
    if plan.common_applies is None:
        return True
    try:
        return bool(plan.common_applies(context))
    except Exception:
        return True


def run_layer(layer: Layer, context: ValidationContext, findings: list[Finding]) -> list[str]:
    """Run the rules of one layer for the context's syntax, appending their findings to
    `findings`; return the ids of the rules that raised."""
    plan = _plans().get((layer, context.syntax))
    if plan is None or not _may_apply(plan, context):
        return []
    try:
        rules = plan.select(context)
    except Exception:  # cannot happen on a parsed tree; then each rule runs (and reports) itself
        logger.exception("rule selection failed")
        rules = plan.rules
    failed: list[str] = []
    applicable: dict[object, bool] = {}  # many rules share one `applies` (e.g. all Factur-X)
    for entry in rules:
        # as `entry.run(context)`, whose syntax and `requires` tests the plan already made;
        # a Finding is only built when the check yields something
        try:
            applies = entry.applies
            if applies is not None:
                verdict = applicable.get(applies)
                if verdict is None:
                    verdict = applicable[applies] = bool(applies(context))
                if not verdict:
                    continue
            severity = None
            for place in entry.check(context):
                if severity is None:
                    severity = context.severity_for(entry)
                findings.append(entry.finding(severity, place))
        except Exception:
            logger.exception("rule %s failed", entry.id)
            failed.append(entry.id)
    return failed


def validate(data: bytes, *, filename: str | None = None) -> ValidationResult:
    """Validate the bytes of one received file (XML or PDF); see the module docstring."""
    try:
        detection = detect(bytes(data))
    except Exception as exc:  # detection must never take the caller down
        logger.exception("e-invoice detection failed")
        finding = _not_checked(
            Layer.WELLFORMED,
            "Die Datei konnte nicht untersucht werden (interner Fehler); sie gilt als "
            "nicht geprüft.",
            f"The file could not be examined ({exc.__class__.__name__}); not checked.",
        )
        return _result(None, [finding], checked=False, filename=filename)

    problem = detection.problem
    if problem is not None:
        if problem.wellformed:
            finding = Finding(
                rule=XML_WELLFORMED,
                severity=Severity.FATAL,
                layer=Layer.WELLFORMED,
                message_de=problem.message_de,
                message_en=problem.message_en,
                field=None,
                path=None,
            )
            return _result(detection, [finding], checked=True, filename=filename)
        finding = Finding(
            rule=UNSUPPORTED,
            severity=Severity.FATAL,
            layer=Layer.WELLFORMED,
            message_de=problem.message_de,
            message_en=problem.message_en,
        )
        return _result(detection, [finding], checked=False, filename=filename)

    findings: list[Finding] = []
    checked = True

    invoice = None
    try:
        from invoicing.parsing import parse_invoice

        invoice = parse_invoice(detection.root, detection.syntax)
    except Exception as exc:
        logger.exception("invoice model could not be built")
        findings.append(
            _not_checked(
                Layer.EN16931,
                "Die Rechnungsdaten konnten nicht ausgelesen werden; die Geschäftsregeln "
                "wurden nicht geprüft.",
                f"The invoice data could not be read ({exc.__class__.__name__}); "
                "business rules not checked.",
            )
        )
        checked = False

    error = _load_rules()
    if error is not None:
        findings.append(
            _not_checked(
                Layer.SCHEMA,
                "Das Prüfregelwerk konnte nicht geladen werden; die Rechnung wurde nicht geprüft.",
                f"The validation rules could not be loaded ({error}); not checked.",
            )
        )
        return _result(detection, findings, checked=False, invoice=invoice, filename=filename)

    scenario = scenario_for(
        detection.profile,
        detection.syntax,
        detection.customization_id,
        credit_note=detection.is_credit_note,
    )
    context = ValidationContext(
        syntax=detection.syntax,
        profile=detection.profile,
        root=detection.root,
        invoice=invoice,
        customization_id=detection.customization_id,
        overrides=dict(scenario.overrides),
    )
    for layer in scenario.layers:
        failed = run_layer(layer, context, findings)
        if failed:
            checked = False
            names = ", ".join(sorted(set(failed)))
            findings.append(
                _not_checked(
                    layer,
                    f"Die Prüfstufe „{LAYER_NAMES_DE[layer]}“ konnte nicht vollständig "
                    f"ausgeführt werden (Regel {names}); die Rechnung gilt als nicht geprüft.",
                    f"Layer {layer.name} could not run completely (rule {names}); "
                    "the invoice counts as not checked.",
                )
            )
    return _result(detection, findings, checked=checked, invoice=invoice, filename=filename)
