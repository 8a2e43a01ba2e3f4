"""What a validation rule reports, and how bad it is."""

from dataclasses import dataclass
from enum import IntEnum, StrEnum


class Severity(StrEnum):
    """Official Schematron levels; `fatal` and `error` make an invoice invalid."""

    FATAL = "fatal"
    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"

    @property
    def rejects(self) -> bool:
        return self in (Severity.FATAL, Severity.ERROR)


class Layer(IntEnum):
    """The order in which rule families run; a layer that cannot run makes the result unchecked."""

    WELLFORMED = 1
    SCHEMA = 2
    EN16931 = 3
    SYNTAX_BINDING = 4
    XRECHNUNG = 5
    PEPPOL = 6
    FACTURX = 7
    OWN = 8


@dataclass(frozen=True)
class Finding:
    """One rule that fired at one place of the document.

    `field` is the EN 16931 business term or group (`BT-10`, `BG-23`) when the rule concerns
    one, `path` the XPath-like location of the element in the source XML.
    """

    rule: str
    severity: Severity
    layer: Layer
    message_de: str
    message_en: str
    field: str | None = None
    path: str | None = None

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "field": self.field,
            "path": self.path,
            "message": self.message_de,
            "message_de": self.message_de,
            "message_en": self.message_en,
        }
