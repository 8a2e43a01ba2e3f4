"""Peppol BIS Billing 3.0 rules (PEPPOL-EN16931-R*, PEPPOL-COMMON-R*, national DE-R / SE-R).

They run for documents that claim Peppol BIS 3.0. KoSIT merges a whitelist of the
PEPPOL-EN16931 rules into XRechnung (`XRECHNUNG_WHITELIST`); those also run for XRechnung.
Most rules look at the XML shape, so they are written per syntax with XPath.
"""

from __future__ import annotations

import re
from decimal import Decimal

from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import Violation, rule
from invoicing.validation.rules import xrechnung  # noqa: F401  (mirrored below)
from invoicing.validation.rules._shared import arithmetic_safe, normalize_space, to_decimal, words

PE = Layer.PEPPOL
F = Severity.FATAL
W = Severity.WARNING
UBL = ("ubl",)
CII = ("cii",)

XRECHNUNG_WHITELIST = frozenset(
    f"PEPPOL-EN16931-R{n:03d}"
    for n in (1, 5, 8, 10, 20, 40, 41, 42, 43, 44, 46, 53, 54, 55, 61, 101, 110, 111, 120, 121, 130)
)

ST = "rsm:SupplyChainTradeTransaction"
AGREEMENT = f"{ST}/ram:ApplicableHeaderTradeAgreement"
SETTLEMENT = f"{ST}/ram:ApplicableHeaderTradeSettlement"
SUMMATION = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"


def _applies(rule_id):
    def applies(ctx) -> bool:
        if ctx.profile == "peppol":
            return True
        return ctx.profile == "xrechnung" and rule_id in XRECHNUNG_WHITELIST

    return applies


def _pp(rule_id, *, de, en, field=None, severity=F, syntaxes=("ubl", "cii")):
    register = rule(
        rule_id,
        layer=PE,
        severity=severity,
        field=field,
        de=de,
        en=en,
        syntaxes=syntaxes,
        applies=_applies(rule_id),
    )

    def decorate(check):
        register(arithmetic_safe(check))
        return check

    return decorate


def _text(node) -> str:
    return node if isinstance(node, str) else "".join(node.itertext())


def _values(ctx, expression, node=None) -> list[str]:
    return [_text(n) for n in ctx.xpath(expression, node)]


def _filled(ctx, expression, node=None) -> bool:
    return any(normalize_space(v) for v in _values(ctx, expression, node))


def _dec(ctx, expression, node=None) -> Decimal | None:
    values = _values(ctx, expression, node)
    return to_decimal(values[0]) if values else None


def _doc_currency(ctx) -> str:
    expression = (
        "cbc:DocumentCurrencyCode"
        if ctx.syntax == "ubl"
        else f"{SETTLEMENT}/ram:InvoiceCurrencyCode"
    )
    values = _values(ctx, expression)
    return normalize_space(values[0]) if values else ""


def _tax_currency(ctx) -> str | None:
    expression = (
        "cbc:TaxCurrencyCode" if ctx.syntax == "ubl" else f"{SETTLEMENT}/ram:TaxCurrencyCode"
    )
    values = _values(ctx, expression)
    return normalize_space(values[0]) if values else None


def _slack(ctx) -> Decimal:
    return Decimal("0.5") if _doc_currency(ctx) == "HUF" else Decimal("0.02")


def _within(actual: Decimal, expected: Decimal, slack: Decimal) -> bool:
    return expected - slack <= actual <= expected + slack


ROOT = "/*"


# ---------------------------------------------------------------- R001 .. R020


@_pp(
    "PEPPOL-EN16931-R001",
    field="BT-23",
    de="Die Prozesskennung (BT-23) fehlt.",
    en="Business process (BT-23) MUST be provided.",
)
def process_id(ctx):
    expression = (
        "cbc:ProfileID"
        if ctx.syntax == "ubl"
        else "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter"
        "/ram:ID"
    )
    if not _filled(ctx, expression):
        yield ROOT


@_pp(
    "PEPPOL-EN16931-R003",
    field="BT-10",
    de="Käuferreferenz (BT-10) oder Bestellnummer (BT-13) muss angegeben sein.",
    en="A buyer reference or purchase order reference MUST be provided.",
)
def buyer_or_order_reference(ctx):
    if ctx.syntax == "ubl":
        ok = _filled(ctx, "cbc:BuyerReference") or _filled(ctx, "cac:OrderReference/cbc:ID")
    else:
        ok = _filled(ctx, f"{AGREEMENT}/ram:BuyerReference") or _filled(
            ctx, f"{AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
        )
    if not ok:
        yield ROOT


PEPPOL_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"


@_pp(
    "PEPPOL-EN16931-R004",
    field="BT-24",
    de="Die Spezifikationskennung (BT-24) muss die Peppol-BIS-3.0-Kennung sein.",
    en="Specification identifier MUST have the Peppol BIS Billing 3.0 value.",
)
def peppol_customization(ctx):
    expression = (
        "cbc:CustomizationID"
        if ctx.syntax == "ubl"
        else "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
    )
    values = [normalize_space(v) for v in _values(ctx, expression)]
    if not any(v.startswith(PEPPOL_CUSTOMIZATION) for v in values):
        yield ROOT


@_pp(
    "PEPPOL-EN16931-R005",
    field="BT-6",
    de="Die Steuerwährung (BT-6) muss sich von der Rechnungswährung (BT-5) unterscheiden.",
    en="VAT accounting currency code MUST be different from invoice currency code when provided.",
)
def tax_currency_differs(ctx):
    tax = _tax_currency(ctx)
    if tax is not None and tax == _doc_currency(ctx):
        yield ROOT


@_pp(
    "PEPPOL-EN16931-R007",
    field="BT-23",
    de="Die Prozesskennung (BT-23) hat nicht das Format "
    "urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0.",
    en="Business process MUST be in the format 'urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0'.",
    syntaxes=UBL,
)
def process_format(ctx):
    for value in _values(ctx, "cbc:ProfileID"):
        if not re.fullmatch(
            r"urn:fdc:peppol\.eu:2017:poacc:billing:(\d{2}|xx):1\.0", value.strip()
        ):
            yield ROOT


@_pp(
    "PEPPOL-EN16931-R008",
    de="Das Dokument enthält ein leeres Element.",
    en="Document MUST not contain empty elements.",
)
def no_empty_elements(ctx):
    # `text.strip()` is empty exactly when `normalize_space(text)` is (both use str.isspace)
    for tag, node in ctx.elements:
        if ctx.children[node]:  # element children
            continue
        if (node.text or "").strip():
            continue
        if len(node) and "".join(child.tail or "" for child in node).strip():
            continue  # text between comments / processing instructions
        if ctx.syntax == "cii" and tag.endswith("}ApplicableHeaderTradeDelivery"):
            continue  # CII needs this group even when it carries nothing
        yield ctx.path_of(node)


@_pp(
    "PEPPOL-EN16931-R010",
    field="BT-49",
    de="Die elektronische Adresse des Käufers (BT-49) fehlt.",
    en="Buyer electronic address MUST be provided.",
)
def buyer_endpoint(ctx):
    if ctx.syntax == "ubl":
        ok = _filled(ctx, "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID")
    else:
        ok = _filled(
            ctx, f"{AGREEMENT}/ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID"
        )
    if not ok:
        yield ROOT


@_pp(
    "PEPPOL-EN16931-R020",
    field="BT-34",
    de="Die elektronische Adresse des Verkäufers (BT-34) fehlt.",
    en="Seller electronic address MUST be provided.",
)
def seller_endpoint(ctx):
    if ctx.syntax == "ubl":
        ok = _filled(ctx, "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID")
    else:
        ok = _filled(
            ctx, f"{AGREEMENT}/ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID"
        )
    if not ok:
        yield ROOT


# ---------------------------------------------------------------- allowances / charges


def _allowance_charges(ctx):
    """(node, is_charge text, amount, base, percent) for document and line level."""
    if ctx.syntax == "ubl":
        for node in ctx.xpath("//cac:AllowanceCharge[not(parent::cac:Price)]"):
            yield (
                node,
                normalize_space("".join(_values(ctx, "cbc:ChargeIndicator", node))),
                _dec(ctx, "cbc:Amount", node),
                _dec(ctx, "cbc:BaseAmount", node),
                _dec(ctx, "cbc:MultiplierFactorNumeric", node),
            )
    else:
        for node in ctx.xpath("//ram:SpecifiedTradeAllowanceCharge"):
            yield (
                node,
                normalize_space("".join(_values(ctx, "ram:ChargeIndicator/udt:Indicator", node))),
                _dec(ctx, "ram:ActualAmount", node),
                _dec(ctx, "ram:BasisAmount", node),
                _dec(ctx, "ram:CalculationPercent", node),
            )


def _percent_rule(rule_id, charge: str, de, en):
    @_pp(rule_id, field="BT-92", de=de, en=en)
    def check(ctx):
        slack = _slack(ctx)
        for node, indicator, amount, base, percent in _allowance_charges(ctx):
            if indicator != charge or base is None or percent is None:
                continue
            if not _within(amount or Decimal(0), base * percent / 100, slack):
                yield ctx.path_of(node)


_percent_rule(
    "PEPPOL-EN16931-R040", "false",
    "Der Nachlassbetrag ist nicht Grundbetrag mal Prozentsatz / 100.",
    "Allowance amount MUST equal base amount * percentage / 100 if base amount and percentage "
    "exist.",
)  # fmt: skip
_percent_rule(
    "PEPPOL-EN16931-R041", "true",
    "Der Zuschlagsbetrag ist nicht Grundbetrag mal Prozentsatz / 100.",
    "Charge amount MUST equal base amount * percentage / 100 if base amount and percentage "
    "exist.",
)  # fmt: skip


@_pp(
    "PEPPOL-EN16931-R042",
    field="BT-93",
    de="Zu einem Prozentsatz bei Nachlass oder Zuschlag fehlt der Grundbetrag.",
    en="Allowance/charge base amount MUST be provided when allowance/charge percentage is "
    "provided.",
)
def base_with_percent(ctx):
    for node, _indicator, _amount, base, percent in _allowance_charges(ctx):
        if percent is not None and base is None:
            yield ctx.path_of(node)


@_pp(
    "PEPPOL-EN16931-R043",
    field="BG-20",
    de="Der Zuschlagsindikator muss „true“ oder „false“ sein.",
    en="Allowance/charge ChargeIndicator value MUST equal 'true' or 'false'.",
)
def charge_indicator(ctx):
    for node, indicator, *_rest in _allowance_charges(ctx):
        if indicator not in ("true", "false"):
            yield ctx.path_of(node)


@_pp(
    "PEPPOL-EN16931-R044",
    field="BT-147",
    de="Ein Zuschlag auf Preisebene ist nicht erlaubt.",
    en="Charge on price level is NOT allowed. Only value 'false' allowed.",
)
def price_level_charge(ctx):
    if ctx.syntax == "ubl":
        nodes = ctx.xpath("//cac:Price/cac:AllowanceCharge")
        for node in nodes:
            if normalize_space("".join(_values(ctx, "cbc:ChargeIndicator", node))) != "false":
                yield ctx.path_of(node)
        return
    for price in ctx.xpath("//ram:GrossPriceProductTradePrice"):
        if not ctx.xpath("ram:AppliedTradeAllowanceCharge/ram:ActualAmount", price):
            continue
        indicators = _values(
            ctx, "ram:AppliedTradeAllowanceCharge/ram:ChargeIndicator/udt:Indicator", price
        )
        if "false" not in indicators:
            yield ctx.path_of(price)


@_pp(
    "PEPPOL-EN16931-R046",
    field="BT-146",
    de="Der Nettopreis (BT-146) muss Bruttopreis (BT-148) minus Preisnachlass (BT-147) sein.",
    en="Item net price MUST equal (Gross price - Allowance amount) when gross price is provided.",
)
def net_price(ctx):
    if ctx.syntax == "ubl":
        for price in ctx.xpath("//cac:Price[cac:AllowanceCharge/cbc:BaseAmount]"):
            net = _dec(ctx, "cbc:PriceAmount", price)
            gross = _dec(ctx, "cac:AllowanceCharge/cbc:BaseAmount", price)
            allowance = _dec(ctx, "cac:AllowanceCharge/cbc:Amount", price) or Decimal(0)
            if net is not None and gross is not None and net != gross - allowance:
                yield ctx.path_of(price)
        return
    for price in ctx.xpath("//ram:GrossPriceProductTradePrice[ram:ChargeAmount]"):
        gross = _dec(ctx, "ram:ChargeAmount", price)
        net = _dec(ctx, "../ram:NetPriceProductTradePrice/ram:ChargeAmount", price)
        allowance = _dec(ctx, "ram:AppliedTradeAllowanceCharge/ram:ActualAmount", price)
        if net is not None and gross is not None and net != gross - (allowance or Decimal(0)):
            yield ctx.path_of(price)


# ---------------------------------------------------------------- tax totals


@_pp(
    "PEPPOL-EN16931-R053",
    field="BT-110",
    de="Es darf nur einen Umsatzsteuergesamtbetrag mit Aufschlüsselung (BT-110) geben.",
    en="Only one tax total with tax subtotals MUST be provided.",
)
def one_tax_total(ctx):
    if ctx.syntax == "ubl":
        if len(ctx.xpath("cac:TaxTotal[cac:TaxSubtotal]")) != 1:
            yield ROOT
        return
    currency = _doc_currency(ctx)
    totals = [
        n for n in ctx.xpath(f"{SUMMATION}/ram:TaxTotalAmount") if n.get("currencyID") == currency
    ]
    if len(totals) > 1:
        yield ROOT


@_pp(
    "PEPPOL-EN16931-R054",
    field="BT-111",
    de="Der Umsatzsteuergesamtbetrag in Steuerwährung (BT-111) muss genau dann einmal angegeben "
    "sein, wenn eine Steuerwährung (BT-6) angegeben ist.",
    en="Only one tax total without tax subtotals MUST be provided when tax currency code is "
    "provided.",
)
def tax_currency_total(ctx):
    tax_currency = _tax_currency(ctx)
    wanted = 1 if tax_currency is not None else 0
    if ctx.syntax == "ubl":
        count = len(ctx.xpath("cac:TaxTotal[not(cac:TaxSubtotal)]"))
    else:
        currency = _doc_currency(ctx)
        count = sum(
            1
            for n in ctx.xpath(f"{SUMMATION}/ram:TaxTotalAmount")
            if n.get("currencyID") != currency
        )
    if count != wanted:
        yield ROOT


@_pp(
    "PEPPOL-EN16931-R055",
    field="BT-111",
    de="Umsatzsteuergesamtbetrag (BT-110) und Betrag in Steuerwährung (BT-111) müssen dasselbe "
    "Vorzeichen haben.",
    en="Invoice total VAT amount and Invoice total VAT amount in accounting currency MUST have "
    "the same operational sign.",
)
def same_sign(ctx):
    tax_currency = _tax_currency(ctx)
    currency = _doc_currency(ctx)
    if tax_currency is None or tax_currency == currency:
        return
    if ctx.syntax == "ubl":
        nodes = ctx.xpath("cac:TaxTotal/cbc:TaxAmount")
    else:
        nodes = ctx.xpath(f"{SUMMATION}/ram:TaxTotalAmount")
    doc = [to_decimal(_text(n)) for n in nodes if n.get("currencyID") == currency]
    tax = [to_decimal(_text(n)) for n in nodes if n.get("currencyID") == tax_currency]
    if not (doc and tax) or doc[0] is None or tax[0] is None:
        return
    if (doc[0] < 0) != (tax[0] < 0):
        yield ROOT


@_pp(
    "PEPPOL-EN16931-R061",
    field="BT-89",
    de="Bei Lastschrift (Zahlungsart 49 oder 59) fehlt die Mandatsreferenz (BT-89).",
    en="Mandate reference MUST be provided for direct debit.",
)
def mandate_reference(ctx):
    if ctx.syntax == "ubl":
        for means in ctx.xpath("cac:PaymentMeans"):
            code = normalize_space("".join(_values(ctx, "cbc:PaymentMeansCode", means)))
            if code in ("49", "59") and not _filled(ctx, "cac:PaymentMandate/cbc:ID", means):
                yield ctx.path_of(means)
        return
    for means in ctx.xpath(f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"):
        code = normalize_space("".join(_values(ctx, "ram:TypeCode", means)))
        if code in ("49", "59") and not ctx.xpath(
            f"/*/{SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"
        ):
            yield ctx.path_of(means)


# ---------------------------------------------------------------- lines


@_pp(
    "PEPPOL-EN16931-R101",
    field="BT-128",
    de="Ein Dokumentverweis in einer Rechnungsposition darf nur die Objektkennung (Code 130) sein.",
    en="Element Document reference can only be used for Invoice line object.",
)
def line_document_reference(ctx):
    if ctx.syntax == "ubl":
        refs = ctx.xpath("(cac:InvoiceLine | cac:CreditNoteLine)/cac:DocumentReference")
        code_path = "cbc:DocumentTypeCode"
    else:
        refs = ctx.xpath(
            f"{ST}/ram:IncludedSupplyChainTradeLineItem/ram:SpecifiedLineTradeSettlement"
            "/ram:AdditionalReferencedDocument"
        )
        code_path = "ram:TypeCode"
    for ref in refs:
        codes = [normalize_space(v) for v in _values(ctx, code_path, ref)]
        if codes != ["130"]:
            yield ctx.path_of(ref)


def _line_nodes(ctx):
    if ctx.syntax == "ubl":
        return ctx.xpath("cac:InvoiceLine | cac:CreditNoteLine")
    return ctx.xpath(f"{ST}/ram:IncludedSupplyChainTradeLineItem")


def _periods(ctx):
    """(invoice start, invoice end, [(line, start, end)]) as comparable strings."""

    def norm(values):
        return values[0].strip().replace("-", "") if values else None

    if ctx.syntax == "ubl":
        start = norm(_values(ctx, "cac:InvoicePeriod/cbc:StartDate"))
        end = norm(_values(ctx, "cac:InvoicePeriod/cbc:EndDate"))
        lines = [
            (n, norm(_values(ctx, "cac:InvoicePeriod/cbc:StartDate", n)),
             norm(_values(ctx, "cac:InvoicePeriod/cbc:EndDate", n)))
            for n in _line_nodes(ctx)
        ]  # fmt: skip
    else:
        period = f"{SETTLEMENT}/ram:BillingSpecifiedPeriod"
        start = norm(_values(ctx, f"{period}/ram:StartDateTime/udt:DateTimeString"))
        end = norm(_values(ctx, f"{period}/ram:EndDateTime/udt:DateTimeString"))
        lp = "ram:SpecifiedLineTradeSettlement/ram:BillingSpecifiedPeriod"
        lines = [
            (n, norm(_values(ctx, f"{lp}/ram:StartDateTime/udt:DateTimeString", n)),
             norm(_values(ctx, f"{lp}/ram:EndDateTime/udt:DateTimeString", n)))
            for n in _line_nodes(ctx)
        ]  # fmt: skip
    return start, end, lines


@_pp(
    "PEPPOL-EN16931-R110",
    field="BT-134",
    de="Der Beginn des Positionszeitraums (BT-134) liegt nicht im Rechnungszeitraum.",
    en="Start date of line period MUST be within invoice period.",
)
def line_start_in_period(ctx):
    start, _end, lines = _periods(ctx)
    if start is None:
        return
    for node, line_start, _line_end in lines:
        if line_start is not None and line_start < start:
            yield ctx.path_of(node)


@_pp(
    "PEPPOL-EN16931-R111",
    field="BT-135",
    de="Das Ende des Positionszeitraums (BT-135) liegt nicht im Rechnungszeitraum.",
    en="End date of line period MUST be within invoice period.",
)
def line_end_in_period(ctx):
    _start, end, lines = _periods(ctx)
    if end is None:
        return
    for node, _line_start, line_end in lines:
        if line_end is not None and line_end > end:
            yield ctx.path_of(node)


def _line_values(ctx, node):
    """(net amount, quantity, price, base quantity, charges, allowances, units) of a line."""
    if ctx.syntax == "ubl":
        qty_nodes = ctx.xpath("cbc:InvoicedQuantity | cbc:CreditedQuantity", node)
        base_nodes = ctx.xpath("cac:Price/cbc:BaseQuantity", node)
        charges = [
            to_decimal(v)
            for v in _values(
                ctx, "cac:AllowanceCharge[cbc:ChargeIndicator='true']/cbc:Amount", node
            )
        ]
        allowances = [
            to_decimal(v)
            for v in _values(
                ctx, "cac:AllowanceCharge[cbc:ChargeIndicator='false']/cbc:Amount", node
            )
        ]
        return (
            _dec(ctx, "cbc:LineExtensionAmount", node),
            to_decimal(_text(qty_nodes[0])) if qty_nodes else None,
            _dec(ctx, "cac:Price/cbc:PriceAmount", node),
            base_nodes,
            charges,
            allowances,
            qty_nodes,
        )
    settle = "ram:SpecifiedLineTradeSettlement"
    qty_nodes = ctx.xpath("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", node)
    base_nodes = ctx.xpath(
        "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity", node
    ) or (
        ctx.xpath(
            "ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice/ram:BasisQuantity",
            node,
        )
    )
    ac = f"{settle}/ram:SpecifiedTradeAllowanceCharge"
    charges = [
        to_decimal(v)
        for v in _values(
            ctx, f"{ac}[ram:ChargeIndicator/udt:Indicator='true']/ram:ActualAmount", node
        )
    ]
    allowances = [
        to_decimal(v)
        for v in _values(
            ctx, f"{ac}[ram:ChargeIndicator/udt:Indicator='false']/ram:ActualAmount", node
        )
    ]
    line_total = "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
    net_price = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:ChargeAmount"
    return (
        _dec(ctx, f"{settle}/{line_total}", node),
        to_decimal(_text(qty_nodes[0])) if qty_nodes else None,
        _dec(ctx, net_price, node),
        base_nodes,
        charges,
        allowances,
        qty_nodes,
    )  # fmt: skip


def _line_net_check(ctx):
    slack = _slack(ctx)
    for node in _line_nodes(ctx):
        net, qty, price, base_nodes, charges, allowances, _qty_nodes = _line_values(ctx, node)
        if net is None or qty is None or price is None:
            continue
        base = to_decimal(_text(base_nodes[0])) if base_nodes else Decimal(1)
        if not base:
            continue
        expected = (
            qty * (price / base)
            + sum((c or 0 for c in charges), Decimal(0))
            - sum((a or 0 for a in allowances), Decimal(0))
        )
        if not _within(net, expected, slack):
            yield ctx.path_of(node)


_R120_DE = (
    "Der Nettobetrag einer Position (BT-131) ist nicht Menge mal Preis je Basismenge plus "
    "Zuschläge minus Nachlässe."
)
_R120_EN = (
    "Invoice line net amount MUST equal (Invoiced quantity * (Item net price/item price base "
    "quantity) + Sum of invoice line charge amount - sum of invoice line allowance amount."
)
_pp("PEPPOL-EN16931-R120", field="BT-131", de=_R120_DE, en=_R120_EN, syntaxes=UBL)(_line_net_check)
# KoSIT does not take R120 over for CII; the corpus shows it there as a warning only
_pp("PEPPOL-EN16931-R120", field="BT-131", de=_R120_DE, en=_R120_EN, severity=W, syntaxes=CII)(
    _line_net_check
)


@_pp(
    "PEPPOL-EN16931-R121",
    field="BT-149",
    de="Die Preisbasismenge (BT-149) muss größer als null sein.",
    en="Base quantity MUST be a positive number above zero.",
)
def base_quantity_positive(ctx):
    for node in _line_nodes(ctx):
        for base in _line_values(ctx, node)[3]:
            value = to_decimal(_text(base))
            if value is None or value <= 0:
                yield ctx.path_of(base)


@_pp(
    "PEPPOL-EN16931-R130",
    field="BT-150",
    de="Die Einheit der Preisbasismenge (BT-150) muss der Mengeneinheit der Position (BT-130) "
    "entsprechen.",
    en="Unit code of price base quantity MUST be same as invoiced quantity.",
)
def base_quantity_unit(ctx):
    for node in _line_nodes(ctx):
        values = _line_values(ctx, node)
        qty_nodes, base_nodes = values[6], values[3]
        for base in base_nodes:
            unit = base.get("unitCode")
            if unit is not None and qty_nodes and unit != qty_nodes[0].get("unitCode"):
                yield ctx.path_of(base)


# ---------------------------------------------------------------- P0100 / P0101


def _peppol_profile(ctx) -> str:
    expression = (
        "cbc:ProfileID"
        if ctx.syntax == "ubl"
        else "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter"
        "/ram:ID"
    )
    for value in _values(ctx, expression):
        match = re.search(r"urn:fdc:peppol\.eu:2017:poacc:billing:([0-9]{2}):1\.0", value)
        if match:
            return match.group(1)
    return "Unknown"


_P0100_UBL = set(
    words(
        "71 80 82 84 102 218 219 326 331 380 382 383 384 386 388 393 395 553 575 623 780 817 870 "
        "875 876 877"
    )
)
_P0100_CII = _P0100_UBL | {"381", "396", "81", "83", "532"}
_P0101 = {"381", "396", "81", "83", "532"}


@_pp(
    "PEPPOL-EN16931-P0100",
    field="BT-3",
    de="Der Rechnungstyp (BT-3) „{code}“ ist im Peppol-Prozess 01 nicht zulässig.",
    en="Invoice type code {code} MUST be set according to the profile.",
)
def invoice_type_for_profile(ctx):
    if _peppol_profile(ctx) != "01":
        return
    if ctx.syntax == "ubl":
        nodes, allowed = ctx.xpath("cbc:InvoiceTypeCode"), _P0100_UBL
    else:
        nodes, allowed = ctx.xpath("rsm:ExchangedDocument/ram:TypeCode"), _P0100_CII
    for node in nodes:
        if normalize_space(_text(node)) not in allowed:
            yield Violation(ctx.path_of(node), {"code": _text(node)})


@_pp(
    "PEPPOL-EN16931-P0101",
    field="BT-3",
    de="Der Gutschriftstyp (BT-3) „{code}“ ist im Peppol-Prozess 01 nicht zulässig.",
    en="Credit note type code {code} MUST be set according to the profile.",
    syntaxes=UBL,
)
def credit_note_type_for_profile(ctx):
    if _peppol_profile(ctx) != "01":
        return
    for node in ctx.xpath("cbc:CreditNoteTypeCode"):
        if normalize_space(_text(node)) not in _P0101:
            yield Violation(ctx.path_of(node), {"code": _text(node)})


# ---------------------------------------------------------------- PEPPOL-COMMON identifiers


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def gln_ok(value: str) -> bool:
    if not re.fullmatch(r"[0-9]{13}", value):
        return False
    weights = [1, 3] * 6
    total = sum(int(d) * w for d, w in zip(value[:12], weights, strict=True))
    return (10 - total % 10) % 10 == int(value[12])


def _scheme_nodes(ctx, scheme: str):
    if ctx.syntax == "ubl":
        expression = (
            f"//cbc:EndpointID[@schemeID='{scheme}'] | //cac:PartyIdentification/cbc:ID"
            f"[@schemeID='{scheme}'] | //cbc:CompanyID[@schemeID='{scheme}']"
        )
    else:
        expression = (
            f"//ram:URIID[@schemeID='{scheme}'] | //ram:ID[@schemeID='{scheme}']"
            f" | //ram:GlobalID[@schemeID='{scheme}']"
        )
    return ctx.xpath(expression)


@_pp(
    "PEPPOL-COMMON-R040",
    field="BT-29",
    de="Die GLN „{value}“ hat eine falsche Prüfziffer.",
    en="GLN {value} must have a valid format according to GS1 rules.",
)
def gln_check(ctx):
    for node in _scheme_nodes(ctx, "0088"):
        value = normalize_space(_text(node))
        if not gln_ok(value):
            yield Violation(ctx.path_of(node), {"value": value})


@_pp(
    "PEPPOL-COMMON-R049",
    field="BT-30",
    de="Die schwedische Organisationsnummer „{value}“ ist ungültig (10 Ziffern mit Prüfziffer).",
    en="Swedish organization number {value} MUST be stated in the correct format.",
)
def swedish_org_number(ctx):
    for node in _scheme_nodes(ctx, "0007"):
        value = normalize_space(_text(node))
        if not (re.fullmatch(r"[0-9]{10}", value) and luhn_ok(value)):
            yield Violation(ctx.path_of(node), {"value": value})


# ---------------------------------------------------------------- national rules


def _supplier_country(ctx) -> str:
    if ctx.syntax == "ubl":
        vat = _values(
            ctx,
            "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']"
            "/cbc:CompanyID",
        )
        if vat:
            return vat[0].strip()[:2].upper()
        rep = _values(
            ctx,
            "cac:TaxRepresentativeParty/cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID",
        )
        if rep:
            return rep[0].strip()[:2].upper()
        country = _values(
            ctx,
            "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
        )
    else:
        vat = _values(
            ctx,
            f"{AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']",
        )
        if vat:
            return vat[0].strip()[:2].upper()
        country = _values(
            ctx, f"{AGREEMENT}/ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID"
        )
    return country[0].strip().upper() if country else ""  # fmt: skip


def _customer_country(ctx) -> str:
    if ctx.syntax == "ubl":
        country = _values(
            ctx,
            "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
        )
    else:
        country = _values(
            ctx, f"{AGREEMENT}/ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CountryID"
        )
    return country[0].strip().upper() if country else ""  # fmt: skip


def _german_peppol(ctx) -> bool:
    return (
        ctx.profile == "peppol"
        and _supplier_country(ctx) == "DE"
        and _customer_country(ctx) == "DE"
    )


def _de(rule_id, check, *, field, de, en, severity=F):
    rule(rule_id, layer=PE, severity=severity, field=field, de=de, en=en, applies=_german_peppol)(
        check
    )


def _xr_rule(rule_id: str):
    """The function KoSIT registered for BR-DE-x, per syntax (Peppol mirrors it as DE-R-x)."""
    from invoicing.validation.registry import RULES

    return {entry.syntaxes: entry for key, entry in RULES.items() if entry.id == rule_id}


def _mirror(de_id: str, xr_id: str) -> None:
    for syntaxes, entry in _xr_rule(xr_id).items():
        rule(
            de_id,
            layer=PE,
            severity=entry.severity,
            field=entry.field,
            de=entry.message_de,
            en=entry.message_en,
            syntaxes=syntaxes,
            applies=_german_peppol,
        )(entry.check)


for _n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 20, 22, 26, 27, 28):
    _mirror(f"DE-R-{_n:03d}", f"BR-DE-{_n}")
for _suffix in ("23-a", "23-b", "24-a", "24-b", "25-a", "25-b"):
    _mirror(f"DE-R-0{_suffix.replace('-a', '-1').replace('-b', '-2')}", f"BR-DE-{_suffix}")


@rule(
    "SE-R-013",
    layer=PE,
    severity=F,
    field="BT-30",
    de="Die schwedische Organisationsnummer des Verkäufers hat eine ungültige Prüfziffer.",
    en="The last digit of a Swedish organization number must be valid according to the Luhn "
    "algorithm.",
    applies=lambda ctx: ctx.profile == "peppol",
)
def swedish_seller_luhn(ctx):
    if ctx.syntax == "ubl":
        entities = ctx.xpath(
            "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity"
            "[../cac:PostalAddress/cac:Country/cbc:IdentificationCode = 'SE' and cbc:CompanyID]"
        )
        path = "cbc:CompanyID"
    else:
        entities = ctx.xpath(
            f"{AGREEMENT}/ram:SellerTradeParty/ram:SpecifiedLegalOrganization"
            "[../ram:PostalTradeAddress/ram:CountryID = 'SE' and ram:ID]"
        )
        path = "ram:ID"
    for entity in entities:
        value = normalize_space("".join(_values(ctx, path, entity)))
        if not (value.isdigit() and luhn_ok(value)):
            yield ctx.path_of(entity)
