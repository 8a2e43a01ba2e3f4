"""The table of rules: every rule is a function registered with its id, severity and texts.

A rule function takes a `ValidationContext` and yields the places where the rule is violated:
either `None` (the document as a whole) or a path string, or a `Violation` when the message
needs values filled in. The registry turns those into `Finding`s with the rule's severity —
after the profile's overrides (the KoSIT scenarios downgrade some rules, see `severity_for`).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from invoicing.validation.findings import Finding, Layer, Severity


@dataclass(frozen=True)
class Violation:
    """A place where a rule fails, with optional values for the message placeholders."""

    path: str | None = None
    values: dict = field(default_factory=dict)


Check = Callable[["object"], Iterable[Violation | str | None]]


@dataclass(frozen=True)
class Rule:
    id: str
    layer: Layer
    severity: Severity
    message_de: str
    message_en: str
    check: Check
    field: str | None = None
    syntaxes: frozenset[str] = frozenset({"ubl", "cii"})
    applies: Callable[["object"], bool] | None = None
    # Alternatives of names (see `ValidationContext.names`): the rule can only find something
    # when the document contains every name of at least one set. None: no such shortcut.
    requires: tuple[frozenset[str], ...] | None = None

    def possible(self, names: frozenset[str]) -> bool:
        """False when the document (its `names`) cannot violate the rule (see `requires`)."""
        return self.requires is None or any(need <= names for need in self.requires)

    def run(self, context) -> Iterable[Finding]:
        """The findings of the rule for the document (nothing when it does not apply)."""
        if context.syntax not in self.syntaxes:
            return ()
        if self.requires is not None and not self.possible(context.names):
            return ()
        if self.applies is not None and not self.applies(context):
            return ()
        return self._findings(context)

    def _findings(self, context) -> Iterator[Finding]:
        severity = context.severity_for(self)
        for place in self.check(context):
            yield self.finding(severity, place)

    def finding(self, severity: Severity, place: Violation | str | None) -> Finding:
        """The finding for one place the check yielded, with the given (effective) severity."""
        violation = place if isinstance(place, Violation) else Violation(path=place)
        return Finding(
            rule=self.id,
            severity=severity,
            layer=self.layer,
            field=self.field,
            path=violation.path,
            message_de=self.message_de.format(**violation.values),
            message_en=self.message_en.format(**violation.values),
        )


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    layer: Layer,
    severity: Severity = Severity.ERROR,
    field: str | None = None,
    de: str,
    en: str,
    syntaxes: Iterable[str] = ("ubl", "cii"),
    applies: Callable[["object"], bool] | None = None,
    requires: Iterable[frozenset[str]] | None = None,
) -> Callable[[Check], Check]:
    """Register `check` under `rule_id`; one id may have one function per syntax.

    `requires` (optional) lists sets of element tags / `@`attribute names of which the
    document must contain at least one set completely for the check to find anything; the
    rule is skipped for other documents (a shortcut only, the check must agree with it)."""

    def register(check: Check) -> Check:
        entry = Rule(
            id=rule_id,
            layer=layer,
            severity=severity,
            field=field,
            message_de=de,
            message_en=en,
            check=check,
            syntaxes=frozenset(syntaxes),
            applies=applies,
            requires=None if requires is None else tuple(requires),
        )
        key = f"{rule_id}@{','.join(sorted(entry.syntaxes))}"
        if key in RULES:
            raise ValueError(f"rule {key} registered twice")
        RULES[key] = entry
        return check

    return register


def rules_of(layer: Layer) -> list[Rule]:
    return [entry for entry in RULES.values() if entry.layer == layer]
