"""XRechnung 3.0 national rules (BR-DE-*) and extension rules (BR-DEX-*), KoSIT.

They run only when BT-24 claims XRechnung. Most of them are about the shape of the XML
(which element carries a value), so each is written per syntax with XPath, following the
KoSIT Schematron closely; the BR-DEX rules run only for the XRechnung extension.
"""

from __future__ import annotations

import re
from decimal import Decimal

from invoicing.validation.codelists import (
    EAS_SCHEMES,
    ICD_SCHEMES,
    MIME_CODES,
    XRECHNUNG_EXTENSION_SCHEMES,
)
from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import Violation, rule
from invoicing.validation.rules._shared import (
    arithmetic_safe,
    is_xrechnung,
    is_xrechnung_extension,
    normalize_space,
    to_decimal,
    xpath_round2,
)

XR = Layer.XRECHNUNG
W = Severity.WARNING
ROOT = "/*"
UBL = ("ubl",)
CII = ("cii",)

SUPPORTED_VAT_CODES = ("S", "Z", "E", "AE", "K", "G", "L", "M")
SUPPORTED_TYPE_CODES = ("326", "380", "384", "389", "381", "875", "876", "877")
XR_CIUS_ID = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
XR_EXTENSION_ID = XR_CIUS_ID + "#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0"
XR_CVD_ID = XR_CIUS_ID + "#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9"

SKONTO_LINE = re.compile(
    r"#SKONTO#TAGE=[0-9]+#PROZENT=[0-9]+\.[0-9]{2}(#BASISBETRAG=-?[0-9]+\.[0-9]{2})?#"
)
SKONTO_SEGMENT = re.compile(r"#[^\r\n]+#")
EMAIL = re.compile(r"[^@\s]+@([^@.\s]+\.)+[^@.\s]+")
TELEPHONE_DIGITS = re.compile(r"([0-9].*){3,}")
IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{0,30}")

ST = "rsm:SupplyChainTradeTransaction"
AGREEMENT = f"{ST}/ram:ApplicableHeaderTradeAgreement"
SETTLEMENT = f"{ST}/ram:ApplicableHeaderTradeSettlement"


def _xr(rule_id, *, de, en, severity=Severity.FATAL, field=None, syntaxes=("ubl", "cii")):
    register = rule(
        rule_id,
        layer=XR,
        severity=severity,
        field=field,
        de=de,
        en=en,
        syntaxes=syntaxes,
        applies=is_xrechnung,
    )

    def decorate(check):
        register(arithmetic_safe(check))
        return check

    return decorate


def _dex(rule_id, *, de, en, severity=Severity.FATAL, field=None, syntaxes=("ubl", "cii")):
    register = rule(
        rule_id,
        layer=XR,
        severity=severity,
        field=field,
        de=de,
        en=en,
        syntaxes=syntaxes,
        applies=is_xrechnung_extension,
    )

    def decorate(check):
        register(arithmetic_safe(check))
        return check

    return decorate


def _text(node) -> str:
    return "".join(node.itertext())


def _filled(ctx, expression: str, node=None) -> bool:
    return any(normalize_space(_text(n)) for n in ctx.xpath(expression, node))


def _code_in(value: str, codes) -> bool:
    """XPath general comparison of an element with integers: numeric when possible."""
    try:
        number = Decimal(value.strip())
    except Exception:
        return False
    return any(number == Decimal(code) for code in codes)


def _iban_ok(raw: str) -> bool:
    compact = re.sub(r"\s", "", raw or "")
    if not IBAN_SHAPE.fullmatch(compact):
        return False
    rearranged = compact[4:] + compact[:2].upper() + compact[2:4]
    digits = "".join(str(ord(ch) - 55) if ord(ch) > 64 else str(ord(ch) - 48) for ch in rearranged)
    try:
        return int(digits) % 97 == 1
    except ValueError:
        return False


# ---------------------------------------------------------------- BR-DE-1 / BR-DE-15


@_xr(
    "BR-DE-1",
    field="BG-16",
    de="Die Zahlungsanweisungen (BG-16) fehlen.",
    en="An invoice shall contain payment instructions (BG-16).",
    syntaxes=UBL,
)
def payment_instructions_ubl(ctx):
    if not ctx.xpath("cac:PaymentMeans"):
        yield ROOT


@_xr(
    "BR-DE-1",
    field="BG-16",
    de="Die Zahlungsanweisungen (BG-16) fehlen.",
    en="An invoice shall contain payment instructions (BG-16).",
    syntaxes=CII,
)
def payment_instructions_cii(ctx):
    if not ctx.xpath(f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"):
        yield ROOT


@_xr(
    "BR-DE-15",
    field="BT-10",
    de="Die Leitweg-ID bzw. Käuferreferenz (BT-10) fehlt.",
    en="Buyer reference (BT-10) shall be provided.",
    syntaxes=UBL,
)
def buyer_reference_ubl(ctx):
    if not _filled(ctx, "cbc:BuyerReference"):
        yield ROOT


@_xr(
    "BR-DE-15",
    field="BT-10",
    de="Die Leitweg-ID bzw. Käuferreferenz (BT-10) fehlt.",
    en="Buyer reference (BT-10) shall be provided.",
    syntaxes=CII,
)
def buyer_reference_cii(ctx):
    if not _filled(ctx, f"{AGREEMENT}/ram:BuyerReference"):
        yield ROOT


# ---------------------------------------------------------------- BR-DE-16

_DE16_DE = (
    "Es werden Umsatzsteuerkategorien S, Z, E, AE, K, G, L oder M verwendet, aber weder die "
    "USt-IdNr. (BT-31), die Steuernummer (BT-32) des Verkäufers noch ein Steuervertreter "
    "(BG-11) ist angegeben."
)
_DE16_EN = (
    "When VAT codes S, Z, E, AE, K, G, L or M are used, the seller VAT identifier (BT-31), "
    "seller tax registration identifier (BT-32) or seller tax representative (BG-11) is required."
)


@_xr("BR-DE-16", field="BT-31", de=_DE16_DE, en=_DE16_EN, syntaxes=UBL)
def seller_tax_id_ubl(ctx):
    credit_note = ctx.root.tag.endswith("}CreditNote")
    allowances = (
        "cac:AllowanceCharge[cbc:ChargeIndicator = 'false']/cac:TaxCategory/cbc:ID"
        if credit_note
        else "cac:AllowanceCharge[cbc:ChargeIndicator = 'false']/cac:TaxCategory"
        "/cbc:ID[following-sibling::cac:TaxScheme/cbc:ID = 'VAT']"
    )
    codes = set()
    for expression in (
        allowances,
        "cac:AllowanceCharge[cbc:ChargeIndicator = 'true']/cac:TaxCategory/cbc:ID",
        "(cac:InvoiceLine | cac:CreditNoteLine)/cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
    ):
        codes.update(_text(n) for n in ctx.xpath(expression))
    if not codes.intersection(SUPPORTED_VAT_CODES):
        return
    if ctx.xpath("cac:TaxRepresentativeParty") or _filled(
        ctx, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID"
    ):
        return
    yield ROOT


@_xr("BR-DE-16", field="BT-31", de=_DE16_DE, en=_DE16_EN, syntaxes=CII)
def seller_tax_id_cii(ctx):
    line_tax = f"{ST}/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement"
    line_types = {_text(n) for n in ctx.xpath(f"{line_tax}/ram:ApplicableTradeTax/ram:TypeCode")}
    line_cats = {_text(n) for n in ctx.xpath(f"{line_tax}/ram:ApplicableTradeTax/ram:CategoryCode")}
    used = "VAT" in line_types and bool(line_cats.intersection(SUPPORTED_VAT_CODES))
    if not used:
        # the official test compares the whole CategoryTradeTax element with 'VAT'
        header = f"{SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge/ram:CategoryTradeTax"
        whole = {_text(n) for n in ctx.xpath(header)}
        cats = {_text(n) for n in ctx.xpath(f"{header}/ram:CategoryCode")}
        used = "VAT" in whole and bool(cats.intersection(SUPPORTED_VAT_CODES))
    if not used:
        return
    seller_ids = (
        f"{AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration"
        "/ram:ID[@schemeID='VA' or @schemeID='FC']"
    )
    if _filled(ctx, seller_ids) or ctx.xpath(f"{AGREEMENT}/ram:SellerTaxRepresentativeTradeParty"):
        return
    yield ROOT


# ---------------------------------------------------------------- BR-DE-17, 21, 26 (warnings)


@_xr(
    "BR-DE-17",
    severity=W,
    field="BT-3",
    de="Die Rechnungsart (BT-3) soll einer der Codes 326, 380, 384, 389, 381, 875, 876, 877 sein.",
    en="Invoice type code (BT-3) should be one of 326, 380, 384, 389, 381, 875, 876, 877.",
    syntaxes=UBL,
)
def type_code_ubl(ctx):
    codes = [_text(n) for n in ctx.xpath("cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode")]
    if not any(c in SUPPORTED_TYPE_CODES for c in codes):
        yield ROOT


@_xr(
    "BR-DE-17",
    severity=W,
    field="BT-3",
    de="Die Rechnungsart (BT-3) soll einer der Codes 326, 380, 384, 389, 381, 875, 876, 877 sein.",
    en="Invoice type code (BT-3) should be one of 326, 380, 384, 389, 381, 875, 876, 877.",
    syntaxes=CII,
)
def type_code_cii(ctx):
    codes = [_text(n) for n in ctx.xpath("rsm:ExchangedDocument/ram:TypeCode")]
    if not any(c in SUPPORTED_TYPE_CODES for c in codes):
        yield ROOT


@_xr(
    "BR-DE-21",
    severity=W,
    field="BT-24",
    de="Die Spezifikationskennung (BT-24) soll der Kennung von XRechnung 3.0 entsprechen.",
    en="Specification identifier (BT-24) should be the XRechnung 3.0 identifier.",
)
def specification_id(ctx):
    expression = (
        "cbc:CustomizationID"
        if ctx.syntax == "ubl"
        else "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
    )
    values = [_text(n) for n in ctx.xpath(expression)]
    if not any(v in (XR_CIUS_ID, XR_EXTENSION_ID, XR_CVD_ID) for v in values):
        yield ROOT


@_xr(
    "BR-DE-26",
    severity=W,
    field="BG-3",
    de="Bei einer korrigierten Rechnung (Code 384) soll die vorausgegangene Rechnung (BG-3) "
    "angegeben sein.",
    en="A corrected invoice (384) should reference the preceding invoice (BG-3).",
)
def corrected_invoice_reference(ctx):
    if ctx.syntax == "ubl":
        codes = [_text(n) for n in ctx.xpath("cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode")]
        ref = ctx.xpath("cac:BillingReference/cac:InvoiceDocumentReference")
    else:
        codes = [_text(n) for n in ctx.xpath("rsm:ExchangedDocument/ram:TypeCode")]
        ref = ctx.xpath(f"{SETTLEMENT}/ram:InvoiceReferencedDocument")
    if any(_code_in(c, ("384",)) for c in codes) and not ref:
        yield ROOT


# ---------------------------------------------------------------- BR-DE-18 (Skonto)


def skonto_text_ok(text: str) -> bool:
    """The KoSIT check of BT-20: every line starting with '#' is a well-formed Skonto entry,
    and the text after the last entry begins with a line break."""
    lines = [line for line in re.split(r"\r?\n", text) if normalize_space(line).startswith("#")]
    if not lines:
        return True
    tail = SKONTO_SEGMENT.split(text)[-1]
    tail_ok = re.match(r"\s*\n", tail) is not None
    return tail_ok and all(SKONTO_LINE.fullmatch(normalize_space(line)) for line in lines)


_DE18_DE = (
    "Die Skonto-Angabe in den Zahlungsbedingungen (BT-20) hat nicht das vorgeschriebene Format "
    "#SKONTO#TAGE=n#PROZENT=n.nn# (optional #BASISBETRAG=n.nn#), in Großbuchstaben, ohne "
    "zusätzliche Leerzeichen und mit einem Zeilenumbruch am Ende."
)
_DE18_EN = (
    "Skonto lines in payment terms (BT-20) must follow #SKONTO#TAGE=n#PROZENT=n.nn# "
    "(optionally #BASISBETRAG=n.nn#), upper case, no extra whitespace, ending with a line break."
)


@_xr("BR-DE-18", field="BT-20", de=_DE18_DE, en=_DE18_EN, syntaxes=UBL)
def skonto_ubl(ctx):
    for note in ctx.xpath("cac:PaymentTerms/cbc:Note[1]"):
        if not skonto_text_ok(_text(note)):
            yield ctx.path_of(note)


@_xr("BR-DE-18", field="BT-20", de=_DE18_DE, en=_DE18_EN, syntaxes=CII)
def skonto_cii(ctx):
    for note in ctx.xpath(f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:Description[1]"):
        if not skonto_text_ok(_text(note)):
            yield ctx.path_of(note)


# ---------------------------------------------------------------- BR-DE-22


@_xr(
    "BR-DE-22",
    field="BT-125",
    de="Die Dateinamen der eingebetteten Anlagen (BT-125) müssen eindeutig sein.",
    en="The filename attributes of embedded attachments (BT-125) must be unique.",
)
def unique_filenames(ctx):
    if ctx.syntax == "ubl":
        expression = (
            "cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject"
        )
    else:
        expression = "//ram:AdditionalReferencedDocument/ram:AttachmentBinaryObject"
    seen = set()
    for node in ctx.xpath(expression):
        name = node.get("filename")
        if name is None:
            continue
        if name in seen:
            yield ctx.path_of(node)
        seen.add(name)


# ---------------------------------------------------------------- seller / buyer / delivery


def _party_paths(syntax: str) -> dict[str, str]:
    if syntax == "ubl":
        return {
            "seller": "cac:AccountingSupplierParty/cac:Party",
            "seller_address": "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress",
            "seller_contact": "cac:AccountingSupplierParty/cac:Party/cac:Contact",
            "buyer_address": "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress",
            "delivery_address": "cac:Delivery/cac:DeliveryLocation/cac:Address",
            "city": "cbc:CityName",
            "post_code": "cbc:PostalZone",
            "contact_name": "cbc:Name",
            "phone": "cbc:Telephone",
            "email": "cbc:ElectronicMail",
        }
    return {
        "seller": f"{AGREEMENT}/ram:SellerTradeParty",
        "seller_address": f"{AGREEMENT}/ram:SellerTradeParty/ram:PostalTradeAddress",
        "seller_contact": f"{AGREEMENT}/ram:SellerTradeParty/ram:DefinedTradeContact",
        "buyer_address": f"{AGREEMENT}/ram:BuyerTradeParty/ram:PostalTradeAddress",
        "delivery_address": (
            f"{ST}/ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/ram:PostalTradeAddress"
        ),
        "city": "ram:CityName",
        "post_code": "ram:PostcodeCode",
        "contact_name": "ram:PersonName | ram:DepartmentName",
        "phone": "ram:TelephoneUniversalCommunication/ram:CompleteNumber",
        "email": "ram:EmailURIUniversalCommunication/ram:URIID",
    }


def _require(group: str, element: str):
    def check(ctx):
        paths = _party_paths(ctx.syntax)
        for node in ctx.xpath(paths[group]):
            if not _filled(ctx, paths[element], node):
                yield ctx.path_of(node)

    return check


_REQUIRED = (
    ("BR-DE-3", "seller_address", "city", "BT-37", "Der Ort des Verkäufers (BT-37) fehlt.",
     "Seller city (BT-37) shall be provided."),
    ("BR-DE-4", "seller_address", "post_code", "BT-38",
     "Die Postleitzahl des Verkäufers (BT-38) fehlt.",
     "Seller post code (BT-38) shall be provided."),
    ("BR-DE-5", "seller_contact", "contact_name", "BT-41",
     "Der Ansprechpartner des Verkäufers (BT-41) fehlt.",
     "Seller contact point (BT-41) shall be provided."),
    ("BR-DE-6", "seller_contact", "phone", "BT-42",
     "Die Telefonnummer des Verkäufers (BT-42) fehlt.",
     "Seller contact telephone number (BT-42) shall be provided."),
    ("BR-DE-7", "seller_contact", "email", "BT-43",
     "Die E-Mail-Adresse des Verkäufers (BT-43) fehlt.",
     "Seller contact email address (BT-43) shall be provided."),
    ("BR-DE-8", "buyer_address", "city", "BT-52", "Der Ort des Käufers (BT-52) fehlt.",
     "Buyer city (BT-52) shall be provided."),
    ("BR-DE-9", "buyer_address", "post_code", "BT-53",
     "Die Postleitzahl des Käufers (BT-53) fehlt.", "Buyer post code (BT-53) shall be provided."),
    ("BR-DE-10", "delivery_address", "city", "BT-77",
     "Der Ort der Lieferanschrift (BT-77) fehlt.",
     "Deliver to city (BT-77) shall be provided when a deliver-to address (BG-15) is given."),
    ("BR-DE-11", "delivery_address", "post_code", "BT-78",
     "Die Postleitzahl der Lieferanschrift (BT-78) fehlt.",
     "Deliver to post code (BT-78) shall be provided when a deliver-to address (BG-15) is given."),
)  # fmt: skip

for _id, _group, _element, _field, _de, _en in _REQUIRED:
    _xr(_id, field=_field, de=_de, en=_en)(_require(_group, _element))


@_xr(
    "BR-DE-2",
    field="BG-6",
    de="Die Kontaktangaben des Verkäufers (BG-6) fehlen.",
    en="The seller contact group (BG-6) shall be provided.",
)
def seller_contact(ctx):
    paths = _party_paths(ctx.syntax)
    contact = "cac:Contact" if ctx.syntax == "ubl" else "ram:DefinedTradeContact"
    for node in ctx.xpath(paths["seller"]):
        if not ctx.xpath(contact, node):
            yield ctx.path_of(node)


@_xr(
    "BR-DE-27",
    severity=W,
    field="BT-42",
    de="Die Telefonnummer des Verkäufers (BT-42) soll mindestens drei Ziffern enthalten.",
    en="Seller telephone number (BT-42) should contain at least three digits.",
)
def telephone_digits(ctx):
    paths = _party_paths(ctx.syntax)
    for node in ctx.xpath(paths["seller_contact"]):
        phone = normalize_space(" ".join(_text(n) for n in ctx.xpath(paths["phone"], node)))
        if not TELEPHONE_DIGITS.search(phone):
            yield ctx.path_of(node)


@_xr(
    "BR-DE-28",
    severity=W,
    field="BT-43",
    de="Die E-Mail-Adresse des Verkäufers (BT-43) sieht nicht gültig aus.",
    en="Seller email address (BT-43) does not look valid.",
)
def email_shape(ctx):
    paths = _party_paths(ctx.syntax)
    for node in ctx.xpath(paths["seller_contact"]):
        email = normalize_space(" ".join(_text(n) for n in ctx.xpath(paths["email"], node)))
        if not EMAIL.fullmatch(email):
            yield ctx.path_of(node)


# ---------------------------------------------------------------- BR-DE-14


@_xr(
    "BR-DE-14",
    field="BT-119",
    de="Der Umsatzsteuersatz (BT-119) in der Steueraufschlüsselung fehlt.",
    en="VAT category rate (BT-119) shall be provided.",
    syntaxes=UBL,
)
def vat_rate_ubl(ctx):
    for node in ctx.xpath("cac:TaxTotal/cac:TaxSubtotal"):
        if not _filled(ctx, "cac:TaxCategory/cbc:Percent", node):
            yield ctx.path_of(node)


@_xr(
    "BR-DE-14",
    field="BT-119",
    de="Der Umsatzsteuersatz (BT-119) in der Steueraufschlüsselung fehlt.",
    en="VAT category rate (BT-119) shall be provided.",
    syntaxes=CII,
)
def vat_rate_cii(ctx):
    for node in ctx.xpath(f"{SETTLEMENT}/ram:ApplicableTradeTax"):
        if not _filled(ctx, "ram:RateApplicablePercent", node):
            yield ctx.path_of(node)


# ---------------------------------------------------------------- payment means (BR-DE-19..25)


def _means(ctx, codes):
    if ctx.syntax == "ubl":
        nodes = ctx.xpath("cac:PaymentMeans")
        code_path = "cbc:PaymentMeansCode"
    else:
        nodes = ctx.xpath(f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans")
        code_path = "ram:TypeCode"
    for node in nodes:
        if any(_code_in(_text(c), codes) for c in ctx.xpath(code_path, node)):
            yield node


def _cii_direct_debit(ctx, means) -> bool:
    return bool(
        ctx.xpath(f"/*/{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID")
        or ctx.xpath(f"/*/{SETTLEMENT}/ram:CreditorReferenceID")
        or ctx.xpath("ram:PayerPartyDebtorFinancialAccount/ram:IBANID", means)
    )


def _has(ctx, means, ubl_path: str, cii_path: str) -> bool:
    return bool(ctx.xpath(ubl_path if ctx.syntax == "ubl" else cii_path, means))


@_xr(
    "BR-DE-19",
    severity=W,
    field="BT-84",
    de="Die Kontonummer des Zahlungsempfängers (BT-84) ist keine gültige IBAN, obwohl SEPA-"
    "Überweisung (Code 58) angegeben ist.",
    en="Payment account identifier (BT-84) should be a valid IBAN for SEPA credit transfer (58).",
)
def credit_transfer_iban(ctx):
    for means in _means(ctx, ("58",)):
        path = (
            "cac:PayeeFinancialAccount/cbc:ID"
            if ctx.syntax == "ubl"
            else "ram:PayeePartyCreditorFinancialAccount/ram:IBANID"
        )
        nodes = ctx.xpath(path, means)
        value = _text(nodes[0]) if len(nodes) == 1 else ""
        if not _iban_ok(value):
            yield ctx.path_of(means)


@_xr(
    "BR-DE-20",
    severity=W,
    field="BT-91",
    de="Das belastete Konto (BT-91) ist keine gültige IBAN, obwohl SEPA-Lastschrift (Code 59) "
    "angegeben ist.",
    en="Debited account identifier (BT-91) should be a valid IBAN for SEPA direct debit (59).",
)
def direct_debit_iban(ctx):
    for means in _means(ctx, ("59",)):
        path = (
            "cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"
            if ctx.syntax == "ubl"
            else "ram:PayerPartyDebtorFinancialAccount/ram:IBANID"
        )
        nodes = ctx.xpath(path, means)
        value = _text(nodes[0]) if len(nodes) == 1 else ""
        if not _iban_ok(value):
            yield ctx.path_of(means)


@_xr(
    "BR-DE-23-a",
    field="BG-17",
    de="Bei Zahlung per Überweisung (Code 30 oder 58) fehlen die Kontoangaben (BG-17).",
    en="With credit transfer (30, 58) the credit transfer group (BG-17) shall be provided.",
)
def credit_transfer_present(ctx):
    for means in _means(ctx, ("30", "58")):
        if not _has(
            ctx, means, "cac:PayeeFinancialAccount", "ram:PayeePartyCreditorFinancialAccount"
        ):
            yield ctx.path_of(means)


@_xr(
    "BR-DE-23-b",
    field="BG-17",
    de="Bei Zahlung per Überweisung (Code 30 oder 58) dürfen keine Karten- (BG-18) oder "
    "Lastschriftangaben (BG-19) übermittelt werden.",
    en="With credit transfer (30, 58) BG-18 and BG-19 shall not be provided.",
)
def credit_transfer_exclusive(ctx):
    for means in _means(ctx, ("30", "58")):
        if ctx.syntax == "ubl":
            bad = ctx.xpath("cac:CardAccount | cac:PaymentMandate", means)
        else:
            bad = ctx.xpath("ram:ApplicableTradeSettlementFinancialCard", means) or (
                _cii_direct_debit(ctx, means)
            )
        if bad:
            yield ctx.path_of(means)


@_xr(
    "BR-DE-24-a",
    field="BG-18",
    de="Bei Kartenzahlung (Code 48, 54 oder 55) fehlen die Kartenangaben (BG-18).",
    en="With card payment (48, 54, 55) the payment card group (BG-18) shall be provided.",
)
def card_present(ctx):
    for means in _means(ctx, ("48", "54", "55")):
        if not _has(ctx, means, "cac:CardAccount", "ram:ApplicableTradeSettlementFinancialCard"):
            yield ctx.path_of(means)


@_xr(
    "BR-DE-24-b",
    field="BG-18",
    de="Bei Kartenzahlung (Code 48, 54 oder 55) dürfen keine Überweisungs- (BG-17) oder "
    "Lastschriftangaben (BG-19) übermittelt werden.",
    en="With card payment (48, 54, 55) BG-17 and BG-19 shall not be provided.",
)
def card_exclusive(ctx):
    for means in _means(ctx, ("48", "54", "55")):
        if ctx.syntax == "ubl":
            bad = ctx.xpath("cac:PayeeFinancialAccount | cac:PaymentMandate", means)
        else:
            bad = ctx.xpath("ram:PayeePartyCreditorFinancialAccount", means) or (
                _cii_direct_debit(ctx, means)
            )
        if bad:
            yield ctx.path_of(means)


@_xr(
    "BR-DE-25-a",
    field="BG-19",
    de="Bei Zahlung per Lastschrift (Code 59) fehlen die Lastschriftangaben (BG-19).",
    en="With direct debit (59) the direct debit group (BG-19) shall be provided.",
)
def direct_debit_present(ctx):
    for means in _means(ctx, ("59",)):
        if ctx.syntax == "ubl":
            ok = bool(ctx.xpath("cac:PaymentMandate", means))
        else:
            ok = _cii_direct_debit(ctx, means)
        if not ok:
            yield ctx.path_of(means)


@_xr(
    "BR-DE-25-b",
    field="BG-19",
    de="Bei Zahlung per Lastschrift (Code 59) dürfen keine Überweisungs- (BG-17) oder "
    "Kartenangaben (BG-18) übermittelt werden.",
    en="With direct debit (59) BG-17 and BG-18 shall not be provided.",
)
def direct_debit_exclusive(ctx):
    for means in _means(ctx, ("59",)):
        if ctx.syntax == "ubl":
            bad = ctx.xpath("cac:PayeeFinancialAccount | cac:CardAccount", means)
        else:
            bad = ctx.xpath(
                "ram:PayeePartyCreditorFinancialAccount"
                " | ram:ApplicableTradeSettlementFinancialCard",
                means,
            )
        if bad:
            yield ctx.path_of(means)


# ---------------------------------------------------------------- BR-DE-30 / BR-DE-31

_DE30_DE = "Bei Lastschrift (BG-19) fehlt die Gläubiger-Identifikationsnummer (BT-90)."
_DE30_EN = (
    "When direct debit (BG-19) is given, the bank assigned creditor identifier (BT-90) is required."
)
_DE31_DE = "Bei Lastschrift (BG-19) fehlt die IBAN des zu belastenden Kontos (BT-91)."
_DE31_EN = "When direct debit (BG-19) is given, the debited account identifier (BT-91) is required."


@_xr("BR-DE-30", field="BT-90", de=_DE30_DE, en=_DE30_EN, syntaxes=UBL)
def creditor_id_ubl(ctx):
    if not ctx.xpath("cac:PaymentMeans/cac:PaymentMandate"):
        return
    sepa = (
        "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']"
        " | cac:PayeeParty/cac:PartyIdentification/cbc:ID[@schemeID='SEPA']"
    )
    if not ctx.xpath(sepa):
        yield ROOT


@_xr("BR-DE-31", field="BT-91", de=_DE31_DE, en=_DE31_EN, syntaxes=UBL)
def debited_account_ubl(ctx):
    if not ctx.xpath("cac:PaymentMeans/cac:PaymentMandate"):
        return
    if not ctx.xpath("cac:PaymentMeans/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"):
        yield ROOT


def _cii_bg19(ctx) -> tuple[bool, bool, bool]:
    return (
        bool(ctx.xpath(f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID")),
        bool(ctx.xpath(f"{SETTLEMENT}/ram:CreditorReferenceID")),
        bool(
            ctx.xpath(
                f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"
                "/ram:PayerPartyDebtorFinancialAccount/ram:IBANID"
            )
        ),
    )


@_xr("BR-DE-30", field="BT-90", de=_DE30_DE, en=_DE30_EN, syntaxes=CII)
def creditor_id_cii(ctx):
    mandate, creditor, debited = _cii_bg19(ctx)
    if (mandate or creditor or debited) and not ((mandate or debited) and creditor):
        yield ROOT


@_xr("BR-DE-31", field="BT-91", de=_DE31_DE, en=_DE31_EN, syntaxes=CII)
def debited_account_cii(ctx):
    mandate, creditor, debited = _cii_bg19(ctx)
    if (mandate or creditor or debited) and not ((mandate or creditor) and debited):
        yield ROOT


# ---------------------------------------------------------------- BR-DEX (extension)


@_dex(
    "BR-DEX-01",
    field="BT-125",
    de="Die Anlage (BT-125) hat einen unzulässigen MIME-Code „{code}“.",
    en="Attached document (BT-125) uses a MIME code that is not allowed: {code}.",
)
def extension_mime(ctx):
    expression = (
        "//cbc:EmbeddedDocumentBinaryObject"
        if ctx.syntax == "ubl"
        else "//ram:AttachmentBinaryObject"
    )
    allowed = MIME_CODES | {"application/xml"}
    for node in ctx.xpath(expression):
        code = node.get("mimeCode")
        if code not in allowed:
            yield Violation(ctx.path_of(node), {"code": code or ""})


@_dex(
    "BR-DEX-02",
    severity=W,
    field="BT-131",
    de="Der Nettobetrag einer Rechnungsposition (BT-131) soll der Summe ihrer Unterpositionen "
    "entsprechen.",
    en="Line net amount (BT-131) should equal the sum of its sub invoice lines.",
    syntaxes=UBL,
)
def sub_line_sums(ctx):
    for node in ctx.xpath(
        "//cac:InvoiceLine[cac:SubInvoiceLine] | //cac:SubInvoiceLine[cac:SubInvoiceLine]"
    ):
        own = to_decimal("".join(_text(n) for n in ctx.xpath("cbc:LineExtensionAmount", node)))
        parts = [
            to_decimal(_text(n))
            for n in ctx.xpath("cac:SubInvoiceLine/cbc:LineExtensionAmount", node)
        ]
        if own is None or any(p is None for p in parts) or own != sum(parts, Decimal(0)):
            yield ctx.path_of(node)


@_dex(
    "BR-DEX-03",
    field="BG-DEX-06",
    de="Eine Unterposition (BG-DEX-01) muss genau eine Umsatzsteuerangabe (BG-DEX-06) enthalten.",
    en="A sub invoice line (BG-DEX-01) shall contain exactly one VAT information (BG-DEX-06).",
    syntaxes=UBL,
)
def sub_line_vat(ctx):
    for item in ctx.xpath("//cac:SubInvoiceLine/cac:Item"):
        if len(ctx.xpath("cac:ClassifiedTaxCategory", item)) != 1:
            yield ctx.path_of(item)


def _scheme_check(expression_ubl: str, expression_cii: str, allowed: frozenset[str]):
    def check(ctx):
        expression = expression_ubl if ctx.syntax == "ubl" else expression_cii
        for node in ctx.xpath(expression):
            scheme = normalize_space(node.get("schemeID"))
            if " " in scheme or scheme not in allowed:
                yield Violation(ctx.path_of(node), {"code": node.get("schemeID") or ""})

    return check


_ICD_EXT = ICD_SCHEMES | XRECHNUNG_EXTENSION_SCHEMES


def _ubl_party_ids(ctx):
    for node in ctx.xpath("//cac:PartyIdentification/cbc:ID[@schemeID]"):
        scheme = normalize_space(node.get("schemeID"))
        if scheme in _ICD_EXT:
            continue
        if scheme == "SEPA" and ctx.xpath(
            "ancestor::cac:AccountingSupplierParty | ancestor::cac:PayeeParty", node
        ):
            continue
        yield Violation(ctx.path_of(node), {"code": node.get("schemeID") or ""})


@_dex(
    "BR-DEX-04",
    field="BT-29",
    de="Das Kennungsschema „{code}“ einer Partei-Kennung ist nicht in der ISO 6523-Liste.",
    en="Scheme identifier {code} of a party identifier is not in the ISO 6523 ICD list.",
)
def extension_party_ids(ctx):
    if ctx.syntax == "ubl":
        yield from _ubl_party_ids(ctx)
        return
    yield from _scheme_check(
        "",
        "//ram:GlobalID[@schemeID][not(ancestor::ram:SpecifiedTradeProduct)]"
        "[not(ancestor::ram:ShipToTradeParty)]",
        _ICD_EXT,
    )(ctx)


_dex(
    "BR-DEX-05",
    field="BT-30",
    de="Das Kennungsschema „{code}“ einer Registernummer ist nicht in der ISO 6523-Liste.",
    en="Scheme identifier {code} of a registration identifier is not in the ISO 6523 ICD list.",
)(
    _scheme_check(
        "//cac:PartyLegalEntity/cbc:CompanyID[@schemeID]",
        "//ram:ID[@schemeID][not(ancestor::ram:SpecifiedTaxRegistration)]",
        _ICD_EXT,
    )
)

_dex(
    "BR-DEX-06",
    field="BT-157",
    de="Das Kennungsschema „{code}“ der Artikelkennung (BT-157) ist nicht in der ISO 6523-Liste.",
    en="Scheme identifier {code} of the item standard identifier (BT-157) is not in ISO 6523.",
)(
    _scheme_check(
        "//cac:StandardItemIdentification/cbc:ID[@schemeID]",
        "//ram:SpecifiedTradeProduct/ram:GlobalID[@schemeID]",
        _ICD_EXT,
    )
)

_dex(
    "BR-DEX-07",
    field="BT-34",
    de="Das Schema „{code}“ der elektronischen Adresse ist nicht in der EAS-Liste.",
    en="Electronic address scheme {code} is not in the CEF EAS code list.",
)(
    _scheme_check(
        "//cbc:EndpointID[@schemeID]",
        "//ram:URIUniversalCommunication/ram:URIID[@schemeID]",
        EAS_SCHEMES | XRECHNUNG_EXTENSION_SCHEMES,
    )
)

_dex(
    "BR-DEX-08",
    field="BT-71",
    de="Das Kennungsschema „{code}“ des Lieferorts (BT-71) ist nicht in der ISO 6523-Liste.",
    en="Scheme identifier {code} of the delivery location (BT-71) is not in ISO 6523.",
)(
    _scheme_check(
        "//cac:DeliveryLocation/cbc:ID[@schemeID]",
        "//ram:ApplicableHeaderTradeDelivery/ram:ShipToTradeParty/ram:GlobalID[@schemeID]",
        _ICD_EXT,
    )
)


@_dex(
    "BR-DEX-09",
    field="BT-115",
    de="Der fällige Betrag (BT-115) muss Gesamtbetrag mit Steuer (BT-112) minus gezahlter Betrag "
    "(BT-113) plus Rundung (BT-114) minus Zahlungen Dritter (BT-DEX-002) sein.",
    en="Amount due (BT-115) = BT-112 - BT-113 + BT-114 - sum of third party payments.",
    syntaxes=UBL,
)
def extension_payable(ctx):
    for total in ctx.xpath("//cac:LegalMonetaryTotal"):

        def amount(name, node=total):
            nodes = ctx.xpath(name, node)
            return to_decimal(_text(nodes[0])) if nodes else Decimal(0)

        third = Decimal(0)
        for node in ctx.xpath("../cac:PrepaidPayment/cbc:PaidAmount", total):
            third += to_decimal(_text(node)) or Decimal(0)
        payable = amount("cbc:PayableAmount")
        inclusive = amount("cbc:TaxInclusiveAmount")
        if payable is None or inclusive is None:
            continue
        left = xpath_round2(payable - (amount("cbc:PayableRoundingAmount") or 0))
        right = xpath_round2(inclusive - (amount("cbc:PrepaidAmount") or 0) + third)
        if left != right:
            yield ctx.path_of(total)


def _prepaid(element: str):
    def check(ctx):
        for node in ctx.xpath("/*/cac:PrepaidPayment"):
            if not _filled(ctx, element, node):
                yield ctx.path_of(node)

    return check


_dex(
    "BR-DEX-10",
    field="BT-DEX-001",
    de="Die Art der Zahlung Dritter (BT-DEX-001) fehlt.",
    en="Third party payment type (BT-DEX-001) shall be provided.",
    syntaxes=UBL,
)(_prepaid("cbc:ID"))
_dex(
    "BR-DEX-11",
    field="BT-DEX-002",
    de="Der Betrag der Zahlung Dritter (BT-DEX-002) fehlt.",
    en="Third party payment amount (BT-DEX-002) shall be provided.",
    syntaxes=UBL,
)(_prepaid("cbc:PaidAmount"))
_dex(
    "BR-DEX-12",
    field="BT-DEX-003",
    de="Die Beschreibung der Zahlung Dritter (BT-DEX-003) fehlt.",
    en="Third party payment description (BT-DEX-003) shall be provided.",
    syntaxes=UBL,
)(_prepaid("cbc:InstructionID"))


@_dex(
    "BR-DEX-13",
    field="BT-DEX-002",
    de="Der Betrag der Zahlung Dritter (BT-DEX-002) darf höchstens zwei Nachkommastellen haben.",
    en="Third party payment amount (BT-DEX-002) shall have at most two decimals.",
    syntaxes=UBL,
)
def third_party_decimals(ctx):
    for node in ctx.xpath("/*/cac:PrepaidPayment/cbc:PaidAmount"):
        text = _text(node)
        if "." in text and len(text.split(".", 1)[1]) > 2:
            yield ctx.path_of(node)


@_dex(
    "BR-DEX-14",
    field="BT-DEX-002",
    de="Die Währung der Zahlung Dritter (BT-DEX-002) muss der Rechnungswährung (BT-5) entsprechen.",
    en="Currency of the third party payment amount shall be the invoice currency (BT-5).",
    syntaxes=UBL,
)
def third_party_currency(ctx):
    currency = [_text(n) for n in ctx.xpath("cbc:DocumentCurrencyCode")]
    for node in ctx.xpath("/*/cac:PrepaidPayment"):
        amounts = ctx.xpath("cbc:PaidAmount", node)
        if not any(a.get("currencyID") in currency for a in amounts):
            yield ctx.path_of(node)


@_dex(
    "BR-DEX-15",
    severity=W,
    field="BG-DEX-01",
    de="Die CII-Datei nutzt möglicherweise Unterpositionen; XRechnung unterstützt das in CII "
    "nicht.",
    en="This CII file might use sub invoice lines, which XRechnung does not support in CII.",
    syntaxes=CII,
)
def cii_sub_lines(ctx):
    if ctx.xpath("//ram:ParentLineID"):
        for node in ctx.xpath(
            f"{ST}/ram:IncludedSupplyChainTradeLineItem/ram:AssociatedDocumentLineDocument"
        ):
            yield ctx.path_of(node)
