"""EN 16931 code list rules BR-CL-*: coded values must come from the referenced code lists.

Code values often sit in attributes (currencyID, unitCode, schemeID, mimeCode) that the
invoice model does not keep everywhere, so these rules read the XML per syntax. The tables
are in `invoicing.validation.codelists`. For the XRechnung extension the KoSIT rules
BR-DEX-04..08 replace BR-CL-10/11/21/25/26 (they also allow the XR01..XR03 schemes).
"""

from __future__ import annotations

from invoicing.validation import codelists as cl
from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import Violation, rule
from invoicing.validation.rules._shared import (
    cen_only,
    is_xrechnung_extension,
    normalize_space,
    words,
)

EN = Layer.EN16931
F = Severity.FATAL


def _not_extension(ctx) -> bool:
    return cen_only(ctx) and not is_xrechnung_extension(ctx)


def _text(node) -> str:
    return node if isinstance(node, str) else "".join(node.itertext())


def _check(ctx, nodes, allowed, *, attribute=None, upper=False):
    for node in nodes:
        raw = node.get(attribute) if attribute else _text(node)
        value = normalize_space(raw)
        if upper:
            value = value.upper()
        if " " in value or value not in allowed:
            yield Violation(ctx.path_of(node), {"code": raw if raw is not None else ""})


def _cl(rule_id, field, de, en, ubl, cii, allowed, *, attribute=None, upper=False,
        applies=cen_only):  # fmt: skip
    """Register a code list rule; `ubl` / `cii` are XPath expressions (None: not in syntax)."""

    def check(ctx):
        expression = ubl if ctx.syntax == "ubl" else cii
        if expression is None:
            return
        codes = allowed(ctx) if callable(allowed) else allowed
        attr = attribute(ctx) if callable(attribute) else attribute
        yield from _check(ctx, ctx.xpath(expression), codes, attribute=attr, upper=upper)

    rule(rule_id, layer=EN, severity=F, field=field, de=de, en=en, applies=applies)(check)


def _is_cvd(ctx) -> bool:
    """XRechnung CVD (Clean Vehicles Directive) documents may classify with the scheme CVD."""
    found = ctx.xpath(
        "cbc:CustomizationID/text() | rsm:ExchangedDocumentContext"
        "/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()"
    )
    return any(":cvd_" in str(value) for value in found)


def _doc_types(ctx):
    if ctx.syntax == "cii":
        return cl.DOCUMENT_TYPES_ALL
    if ctx.root.tag.endswith("}CreditNote"):
        return cl.CREDIT_NOTE_TYPE_CODES
    return cl.INVOICE_TYPE_CODES


_UBL_AMOUNTS = " | ".join(
    f"//cbc:{name}"
    for name in sorted(
        words(
            "Amount BaseAmount PriceAmount TaxAmount TaxableAmount LineExtensionAmount "
            "TaxExclusiveAmount TaxInclusiveAmount AllowanceTotalAmount ChargeTotalAmount "
            "PrepaidAmount PayableRoundingAmount PayableAmount"
        )
    )
)
_CII_SETTLE = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
_WITH_CVD = cl.ITEM_CLASSIFICATION_SCHEMES | {"CVD"}  # BR-CL-13 for XRechnung CVD documents

# fmt: off
_cl("BR-CL-01", "BT-3",
    "Der Rechnungstyp (BT-3) „{code}“ ist kein zulässiger Code aus UNTDID 1001.",
    "The document type code {code} shall be coded by the invoice and credit note related "
    "code lists of UNTDID 1001.",
    "cbc:InvoiceTypeCode | cbc:CreditNoteTypeCode", "rsm:ExchangedDocument/ram:TypeCode",
    _doc_types)
_cl("BR-CL-03", "BT-5",
    "Die Währungsangabe „{code}“ eines Betrags ist kein ISO 4217-Währungscode.",
    "currencyID {code} shall be coded using ISO code list 4217 alpha-3.",
    _UBL_AMOUNTS, "//*[@currencyID]", cl.CURRENCIES, attribute="currencyID")
_cl("BR-CL-04", "BT-5",
    "Die Rechnungswährung (BT-5) „{code}“ ist kein ISO 4217-Währungscode.",
    "Invoice currency code {code} shall be coded using ISO code list 4217 alpha-3.",
    "cbc:DocumentCurrencyCode",
    f"{_CII_SETTLE}/ram:ApplicableHeaderTradeSettlement/ram:InvoiceCurrencyCode", cl.CURRENCIES)
_cl("BR-CL-05", "BT-6",
    "Die Steuerwährung (BT-6) „{code}“ ist kein ISO 4217-Währungscode.",
    "Tax currency code {code} shall be coded using ISO code list 4217 alpha-3.",
    "cbc:TaxCurrencyCode",
    f"{_CII_SETTLE}/ram:ApplicableHeaderTradeSettlement/ram:TaxCurrencyCode", cl.CURRENCIES)
_cl("BR-CL-06", "BT-8",
    "Der Code für das Steuerdatum (BT-8) „{code}“ ist nicht zulässig.",
    "Value added tax point date code {code} shall be coded using a restriction of UNTDID 2005.",
    "cac:InvoicePeriod/cbc:DescriptionCode",
    f"{_CII_SETTLE}/ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:DueDateTypeCode",
    lambda ctx: cl.VAT_POINT_DATE_CODES if ctx.syntax == "ubl" else cl.VAT_POINT_DATE_CODES_CII)
_cl("BR-CL-07", "BT-18",
    "Das Kennungsschema „{code}“ der Objektkennung (BT-18) ist nicht in UNTDID 1153.",
    "Object identifier scheme {code} shall be coded using a restriction of UNTDID 1153.",
    "cac:AdditionalDocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID[@schemeID]"
    " | cac:DocumentReference[cbc:DocumentTypeCode = '130']/cbc:ID[@schemeID]",
    "//ram:AdditionalReferencedDocument[ram:TypeCode = '130']/ram:ReferenceTypeCode",
    cl.REFERENCE_QUALIFIERS, attribute=lambda ctx: "schemeID" if ctx.syntax == "ubl" else None)
_cl("BR-CL-08", "BT-21",
    "Der Betreff-Code einer Bemerkung (BT-21) „{code}“ ist nicht in UNTDID 4451.",
    "Invoiced note subject code {code} shall be coded using UNTDID 4451.",
    None, "rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode", cl.SUBJECT_CODES)
_cl("BR-CL-13", "BT-158",
    "Das Schema „{code}“ der Artikelklassifizierung (BT-158) ist nicht in UNTDID 7143.",
    "Item classification identifier scheme {code} shall be coded using UNTDID 7143.",
    "//cac:CommodityClassification/cbc:ItemClassificationCode[@listID]",
    "//ram:DesignatedProductClassification/ram:ClassCode[@listID]",
    lambda ctx: _WITH_CVD if _is_cvd(ctx) else cl.ITEM_CLASSIFICATION_SCHEMES,
    attribute="listID")
_cl("BR-CL-14", "BT-40",
    "Der Ländercode „{code}“ ist kein ISO 3166-1-Code.",
    "Country code {code} shall be coded using ISO code list 3166-1.",
    "//cac:Country/cbc:IdentificationCode", "//ram:PostalTradeAddress/ram:CountryID",
    cl.COUNTRIES)
_cl("BR-CL-15", "BT-159",
    "Das Herkunftsland „{code}“ (BT-159) ist kein ISO 3166-1-Code.",
    "Country of origin code {code} shall be coded using ISO code list 3166-1.",
    "//cac:OriginCountry/cbc:IdentificationCode", "//ram:OriginTradeCountry/ram:ID",
    cl.COUNTRIES)
_cl("BR-CL-16", "BT-81",
    "Die Zahlungsart (BT-81) „{code}“ ist nicht in UNTDID 4461.",
    "Payment means {code} shall be coded using the UNTDID 4461 code list.",
    "cac:PaymentMeans/cbc:PaymentMeansCode",
    "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode", cl.PAYMENT_MEANS)
_cl("BR-CL-17", "BT-118",
    "Die Umsatzsteuerkategorie „{code}“ ist nicht in UNTDID 5305.",
    "VAT category code {code} shall be coded using the UNTDID 5305 code list.",
    "//cac:TaxCategory/cbc:ID", "//ram:CategoryCode", cl.VAT_CATEGORIES)
_cl("BR-CL-18", "BT-151",
    "Die Umsatzsteuerkategorie „{code}“ einer Position ist nicht in UNTDID 5305.",
    "Invoiced item VAT category code {code} shall be coded using UNTDID 5305.",
    "//cac:ClassifiedTaxCategory/cbc:ID", None, cl.VAT_CATEGORIES)
_cl("BR-CL-19", "BT-98",
    "Der Code für den Nachlassgrund „{code}“ ist nicht in UNTDID 5189.",
    "Coded allowance reason {code} shall belong to the UNTDID 5189 code list.",
    "//cac:AllowanceCharge[cbc:ChargeIndicator = 'false']/cbc:AllowanceChargeReasonCode",
    "//ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator = 'false']"
    "/ram:ReasonCode", cl.ALLOWANCE_REASONS)
_cl("BR-CL-20", "BT-105",
    "Der Code für den Zuschlagsgrund „{code}“ ist nicht in UNTDID 7161.",
    "Coded charge reason {code} shall belong to the UNTDID 7161 code list.",
    "//cac:AllowanceCharge[cbc:ChargeIndicator = 'true']/cbc:AllowanceChargeReasonCode",
    "//ram:SpecifiedTradeAllowanceCharge[ram:ChargeIndicator/udt:Indicator = 'true']"
    "/ram:ReasonCode", cl.CHARGE_REASONS)
_cl("BR-CL-22", "BT-121",
    "Der Befreiungsgrund-Code „{code}“ (BT-121) ist nicht in der VATEX-Liste.",
    "Tax exemption reason code {code} shall belong to the CEF VATEX code list.",
    "//cbc:TaxExemptionReasonCode", "//ram:ExemptionReasonCode", cl.VATEX_CODES, upper=True)
_cl("BR-CL-23", "BT-130",
    "Die Mengeneinheit „{code}“ ist nicht in UN/ECE-Empfehlung 20/21.",
    "Unit code {code} shall be coded according to UN/ECE Recommendation 20 with Rec 21.",
    "//cbc:InvoicedQuantity[@unitCode] | //cbc:BaseQuantity[@unitCode]"
    " | //cbc:CreditedQuantity[@unitCode]",
    "//ram:BilledQuantity[@unitCode] | //ram:BasisQuantity[@unitCode]",
    cl.UNIT_CODES, attribute="unitCode")
_cl("BR-CL-24", "BT-125",
    "Der MIME-Code „{code}“ der Anlage (BT-125) ist nicht zulässig.",
    "Mime code {code} of an attached document shall be one of the allowed MIME types.",
    "//cbc:EmbeddedDocumentBinaryObject[@mimeCode]", "//ram:AttachmentBinaryObject[@mimeCode]",
    cl.MIME_CODES, attribute="mimeCode")
_cl("BR-CL-11", "BT-30",
    "Das Kennungsschema „{code}“ einer Registernummer ist nicht in der ISO 6523-Liste.",
    "Registration identifier scheme {code} shall be coded using the ISO 6523 ICD list.",
    "//cac:PartyLegalEntity/cbc:CompanyID[@schemeID]",
    "//ram:SpecifiedLegalOrganization/ram:ID[@schemeID]", cl.ICD_SCHEMES,
    attribute="schemeID", applies=_not_extension)
_cl("BR-CL-21", "BT-157",
    "Das Kennungsschema „{code}“ der Artikelkennung (BT-157) ist nicht in der ISO 6523-Liste.",
    "Item standard identifier scheme {code} shall belong to the ISO 6523 ICD code list.",
    "//cac:StandardItemIdentification/cbc:ID[@schemeID]",
    "//ram:SpecifiedTradeProduct/ram:GlobalID[@schemeID]", cl.ICD_SCHEMES,
    attribute="schemeID", applies=_not_extension)
_cl("BR-CL-25", "BT-34",
    "Das Schema „{code}“ der elektronischen Adresse ist nicht in der EAS-Liste.",
    "Endpoint identifier scheme {code} shall belong to the CEF EAS code list.",
    "//cbc:EndpointID[@schemeID]", "//ram:URIUniversalCommunication/ram:URIID[@schemeID]",
    cl.EAS_SCHEMES, attribute="schemeID", applies=_not_extension)
_cl("BR-CL-26", "BT-71",
    "Das Kennungsschema „{code}“ des Lieferorts (BT-71) ist nicht in der ISO 6523-Liste.",
    "Delivery location identifier scheme {code} shall belong to the ISO 6523 ICD code list.",
    "//cac:DeliveryLocation/cbc:ID[@schemeID]",
    "//ram:ShipToTradeParty/ram:GlobalID[@schemeID]", cl.ICD_SCHEMES,
    attribute="schemeID", applies=_not_extension)
# fmt: on


@rule(
    "BR-CL-10",
    layer=EN,
    severity=F,
    field="BT-29",
    de="Das Kennungsschema „{code}“ einer Partei-Kennung ist nicht in der ISO 6523-Liste.",
    en="Identifier scheme {code} shall be coded using one of the ISO 6523 ICD list.",
    applies=_not_extension,
)
def party_identifier_scheme(ctx):
    if ctx.syntax == "ubl":
        nodes = ctx.xpath("//cac:PartyIdentification/cbc:ID[@schemeID]")
    else:
        nodes = ctx.xpath(
            "//ram:GlobalID[@schemeID][not(ancestor::ram:SpecifiedTradeProduct)]"
            "[not(ancestor::ram:ShipToTradeParty)]"
        )
    for node in nodes:
        scheme = normalize_space(node.get("schemeID"))
        if scheme in cl.ICD_SCHEMES:
            continue
        if (
            ctx.syntax == "ubl"
            and scheme == "SEPA"
            and ctx.xpath("ancestor::cac:AccountingSupplierParty | ancestor::cac:PayeeParty", node)
        ):
            continue
        yield Violation(ctx.path_of(node), {"code": node.get("schemeID") or ""})
