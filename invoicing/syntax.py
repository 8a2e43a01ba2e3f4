"""Which kind of e-invoice a file is, judged from its bytes (never from the file name).

`detect(data)` returns a `Detection`:

* `container` — "xml" or "pdf" (a PDF with an embedded invoice XML), or "unknown";
* `syntax` — "ubl" (UBL 2.1 Invoice or CreditNote) or "cii" (UN/CEFACT CII D16B) for the
  invoice XML itself, None when it is none of these;
* `root` — the safely parsed lxml root (see `invoicing.xmlsafe`), `xml` the XML bytes
  (for PDFs: the embedded file), `attachment_name` the embedded file's name;
* `customization_id` (BT-24) and `profile` (see `profile_of`);
* `problem` — a `DetectionProblem` when the file cannot be validated as an EN 16931 invoice:
  `wellformed=True` problems mean "not (safe) well-formed XML" (the invoice is invalid),
  otherwise the format is not supported (the result is "not checked").
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lxml import etree

from invoicing.pdf import embedded_files, invoice_attachment, looks_like_pdf
from invoicing.xmlsafe import DEFAULT_MAX_BYTES, UnsafeXmlError, parse_xml

logger = logging.getLogger(__name__)

UBL_INVOICE = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
UBL_CREDIT_NOTE = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"
CII_INVOICE = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
ZUGFERD1 = "{urn:ferd:CrossIndustryDocument:invoice:1p0}CrossIndustryDocument"

PROFILES = ("xrechnung", "en16931", "peppol", "extended", "basic", "basicwl", "minimum", "other")

_CII_GUIDELINE = (
    "string(/*/*[local-name()='ExchangedDocumentContext']"
    "/*[local-name()='GuidelineSpecifiedDocumentContextParameter']/*[local-name()='ID'])"
)
_UBL_CUSTOMIZATION = "string(/*/*[local-name()='CustomizationID'])"


def profile_of(customization_id: str | None) -> str:
    """Map a specification identifier (BT-24) to a profile name (as the corpus manifest does).

    XRechnung (CIUS, extension, CVD) -> "xrechnung"; Peppol BIS Billing 3 -> "peppol";
    Factur-X / ZUGFeRD 2 EXTENDED, BASIC WL, BASIC, MINIMUM -> the profile's name;
    exactly `urn:cen.eu:en16931:2017` (also Factur-X EN 16931 / COMFORT) -> "en16931";
    anything else (another CIUS, missing) -> "other".
    """
    cid = (customization_id or "").strip().lower()
    if not cid:
        return "other"
    if "xrechnung" in cid:
        return "xrechnung"
    if "peppol.eu:2017:poacc:billing" in cid:
        return "peppol"
    tail = cid.rsplit("#", 1)[-1]
    for marker, profile in (
        (":extended", "extended"),
        (":basicwl", "basicwl"),
        (":minimum", "minimum"),
        (":basic", "basic"),
    ):
        if ("factur-x.eu" in tail or "zugferd.de" in tail) and tail.endswith(marker):
            return profile
    if cid in (
        "urn:cen.eu:en16931:2017",
        "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:en16931",
    ):
        return "en16931"
    return "other"


@dataclass(frozen=True)
class DetectionProblem:
    code: str
    message_de: str
    message_en: str
    wellformed: bool = False  # True: the XML is not well-formed / unsafe -> invalid


@dataclass(frozen=True)
class Detection:
    container: str
    syntax: str | None = None
    root: object | None = None
    xml: bytes | None = None
    attachment_name: str | None = None
    customization_id: str = ""
    profile: str = "other"
    is_credit_note: bool = False
    problem: DetectionProblem | None = None

    @property
    def reported_syntax(self) -> str | None:
        """What the user sees: "pdf" for PDFs, else the XML syntax."""
        return "pdf" if self.container == "pdf" else self.syntax


def detect(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Detection:
    """Classify `data` and parse its invoice XML (safely); never raises for bad input."""
    if looks_like_pdf(data):
        return _detect_pdf(data, max_bytes=max_bytes)
    return _detect_xml(data, container="xml", max_bytes=max_bytes)


def _detect_xml(
    data: bytes, *, container: str, max_bytes: int, attachment_name: str | None = None
) -> Detection:
    try:
        root = parse_xml(data, max_bytes=max_bytes)
    except UnsafeXmlError as exc:
        if exc.code == "empty" and container == "xml":
            return Detection(
                container="unknown",
                problem=DetectionProblem("empty", exc.message_de, exc.message_en),
            )
        prefix_de = (
            f"Die eingebettete Rechnungsdatei „{attachment_name}“: " if attachment_name else ""
        )
        prefix_en = f"Embedded invoice file {attachment_name!r}: " if attachment_name else ""
        looks_like_xml = data.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").startswith(b"<") or (
            data[:2] in (b"\xff\xfe", b"\xfe\xff")
        )
        if not looks_like_xml and container == "xml" and exc.code == "not-wellformed":
            return Detection(
                container="unknown",
                problem=DetectionProblem(
                    "unknown-format",
                    "Die Datei ist weder eine XML-Rechnung (XRechnung, UBL, CII) noch ein PDF mit "
                    "eingebetteter Rechnung (ZUGFeRD/Factur-X). Sie kann nicht geprüft werden.",
                    "The file is neither an XML invoice nor a PDF with an embedded invoice.",
                ),
            )
        syntax, cid = _sniff(data)
        return Detection(
            container=container,
            syntax=syntax,
            customization_id=cid,
            profile="other",
            xml=data,
            attachment_name=attachment_name,
            problem=DetectionProblem(
                exc.code, prefix_de + exc.message_de, prefix_en + exc.message_en, wellformed=True
            ),
        )
    tag = root.tag if isinstance(root.tag, str) else ""
    common = {"container": container, "root": root, "xml": data, "attachment_name": attachment_name}
    if tag in (UBL_INVOICE, UBL_CREDIT_NOTE):
        cid = root.xpath(_UBL_CUSTOMIZATION).strip()
        return Detection(
            syntax="ubl",
            customization_id=cid,
            profile=profile_of(cid),
            is_credit_note=tag == UBL_CREDIT_NOTE,
            **common,
        )
    if tag == CII_INVOICE:
        cid = root.xpath(_CII_GUIDELINE).strip()
        return Detection(syntax="cii", customization_id=cid, profile=profile_of(cid), **common)
    if tag == ZUGFERD1:
        problem = DetectionProblem(
            "zugferd1",
            "Die Rechnung ist im veralteten Format ZUGFeRD 1.0. Dieses Format wird nicht mehr "
            "unterstützt; bitte beim Absender eine Rechnung nach ZUGFeRD 2 / Factur-X oder "
            "XRechnung anfordern.",
            "The invoice uses the outdated ZUGFeRD 1.0 format, which is not supported.",
        )
    else:
        local = etree.QName(root).localname if tag else "?"
        problem = DetectionProblem(
            "unknown-root",
            f"Das XML-Dokument (Wurzelelement „{local}“) ist keine unterstützte elektronische "
            "Rechnung (erwartet: UBL Invoice/CreditNote oder UN/CEFACT CrossIndustryInvoice).",
            f"The XML document (root element {local!r}) is not a supported e-invoice.",
        )
    return Detection(problem=problem, **common)


_SNIFF_CID = re.compile(
    rb"<(?:[\w.-]+:)?(?:CustomizationID|GuidelineSpecifiedDocumentContextParameter>\s*"
    rb"<(?:[\w.-]+:)?ID)[^>]*>\s*([^<\s]+)"
)


def _sniff(data: bytes) -> tuple[str | None, str]:
    """Best guess of syntax and BT-24 of a document that could not be parsed (for reports)."""
    head = data[:65536]
    syntax = None
    if b"urn:oasis:names:specification:ubl:schema:xsd:" in head:
        syntax = "ubl"
    elif b"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" in head:
        syntax = "cii"
    match = _SNIFF_CID.search(head)
    cid = match.group(1).decode("utf-8", "replace") if match and syntax else ""
    return syntax, cid


def _detect_pdf(data: bytes, *, max_bytes: int) -> Detection:
    try:
        files = embedded_files(data)
    except Exception as exc:  # any PDF library failure is a finding
        logger.info("PDF could not be read: %s", exc)
        return Detection(
            container="pdf",
            problem=DetectionProblem(
                "pdf-unreadable",
                "Das PDF konnte nicht gelesen werden (beschädigt oder verschlüsselt). "
                "Eine eingebettete Rechnung kann daher nicht geprüft werden.",
                f"The PDF could not be read ({exc.__class__.__name__}).",
            ),
        )
    found = invoice_attachment(files)
    if found is not None:
        name, content = found
        return _detect_xml(content, container="pdf", max_bytes=max_bytes, attachment_name=name)
    names = ", ".join(sorted(files)) or "keine"
    return Detection(
        container="pdf",
        problem=DetectionProblem(
            "pdf-no-invoice",
            "Das PDF enthält keine eingebettete elektronische Rechnung (factur-x.xml, "
            f"zugferd-invoice.xml oder xrechnung.xml); eingebettete Dateien: {names}. "
            "Ein reines PDF ist keine E-Rechnung im Sinne des § 14 UStG.",
            f"The PDF has no embedded e-invoice XML (embedded files: {names or 'none'}).",
        ),
    )
