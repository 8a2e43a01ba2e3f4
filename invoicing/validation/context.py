"""What every rule gets to look at: the parsed XML tree, the invoice model and the profile."""

from dataclasses import dataclass, field

from invoicing.validation.findings import Severity

NAMESPACES = {
    # UBL 2.1
    "ubl": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "ext": "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2",
    # UN/CEFACT CII D16B
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}


@dataclass
class ValidationContext:
    """Input of every rule.

    `syntax` is `ubl` or `cii`; `profile` one of `xrechnung`, `en16931`, `peppol`, `extended`,
    `basic`, `basicwl`, `minimum`, `other` (from BT-24); `root` the lxml root element;
    `invoice` the parsed `invoicing.model.Invoice`, or None when parsing could not build it;
    `overrides` maps rule ids to the severity the active scenario gives them.
    """

    syntax: str
    profile: str
    root: object
    invoice: object | None = None
    customization_id: str = ""
    overrides: dict[str, Severity] = field(default_factory=dict)

    def severity_for(self, rule) -> Severity:
        return self.overrides.get(rule.id, rule.severity)

    def xpath(self, expression: str, node=None) -> list:
        return (self.root if node is None else node).xpath(expression, namespaces=NAMESPACES)

    def path_of(self, node) -> str:
        return node.getroottree().getpath(node)
