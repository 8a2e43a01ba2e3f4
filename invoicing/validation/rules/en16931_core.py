"""EN 16931 core business rules BR-01 .. BR-65 and the decimal rules BR-DEC-*.

Written once against the invoice model (`ctx.invoice`), so they hold for UBL and CII alike.
Mandatory-field rules are table driven: a getter walks to the group(s) concerned and the
rule fires for every group that lacks the value.
"""

from __future__ import annotations

from decimal import Decimal

from invoicing.model import decimals
from invoicing.validation.findings import Layer, Severity
from invoicing.validation.rules._shared import (
    cen_rule,
    has_text,
    words,
)

EN = Layer.EN16931
F = Severity.FATAL


_cen = cen_rule


def _present(value) -> bool:
    if hasattr(value, "value") and not isinstance(value, Decimal):
        return has_text(value.value)
    return has_text(value)


_NON_TEXT = words(
    "issue_date line_net_total tax_exclusive tax_inclusive payable quantity net_amount "
    "net_price amount taxable_amount tax_amount"
)


def _required(rule_id, field, de, en, groups, attr):
    """`groups(invoice)` yields the groups that must carry `attr`."""

    @_cen(rule_id, field=field, de=de, en=en)
    def check(ctx):
        inv = ctx.invoice
        if inv is None:
            return
        for group in groups(inv):
            if group is None:
                continue
            value = getattr(group, attr)
            if value is None and attr in _NON_TEXT and attr in group.paths:
                continue  # the element is there; its format is the schema's concern
            if not _present(value):
                yield group.where(attr)

    return check


def _doc(inv):
    return [inv]


def _seller(inv):
    return [inv.seller] if inv.seller else []


def _buyer(inv):
    return [inv.buyer] if inv.buyer else []


def _totals(inv):
    return [inv.totals] if inv.totals else []


def _lines(inv):
    return list(inv.lines)


def _items(inv):
    return [line.item for line in inv.lines if line.item is not None]


def _prices(inv):
    return [line.price for line in inv.lines if line.price is not None]


def _allowances(inv):
    return list(inv.allowances)


def _charges(inv):
    return list(inv.charges)


def _line_allowances(inv):
    return [a for line in inv.lines for a in line.allowances]


def _line_charges(inv):
    return [c for line in inv.lines for c in line.charges]


def _breakdowns(inv):
    return list(inv.vat_breakdown)


def _rep(inv):
    return [inv.tax_representative] if inv.tax_representative else []


_REQUIRED = (
    ("BR-01", "BT-24", "Die Spezifikationskennung (BT-24) fehlt.",
     "An invoice shall have a specification identifier (BT-24).", _doc, "customization_id"),
    ("BR-02", "BT-1", "Die Rechnungsnummer (BT-1) fehlt.",
     "An invoice shall have an invoice number (BT-1).", _doc, "number"),
    ("BR-03", "BT-2", "Das Rechnungsdatum (BT-2) fehlt.",
     "An invoice shall have an issue date (BT-2).", _doc, "issue_date"),
    ("BR-04", "BT-3", "Der Rechnungstyp (BT-3) fehlt.",
     "An invoice shall have an invoice type code (BT-3).", _doc, "type_code"),
    ("BR-05", "BT-5", "Die Rechnungswährung (BT-5) fehlt.",
     "An invoice shall have an invoice currency code (BT-5).", _doc, "currency"),
    ("BR-06", "BT-27", "Der Name des Verkäufers (BT-27) fehlt.",
     "An invoice shall contain the seller name (BT-27).", _seller, "name"),
    ("BR-07", "BT-44", "Der Name des Käufers (BT-44) fehlt.",
     "An invoice shall contain the buyer name (BT-44).", _buyer, "name"),
    ("BR-08", "BG-5", "Die Anschrift des Verkäufers (BG-5) fehlt.",
     "An invoice shall contain the seller postal address (BG-5).", _seller, "address"),
    ("BR-10", "BG-8", "Die Anschrift des Käufers (BG-8) fehlt.",
     "An invoice shall contain the buyer postal address (BG-8).", _buyer, "address"),
    ("BR-12", "BT-106", "Die Summe der Positionsnettobeträge (BT-106) fehlt.",
     "An invoice shall have the sum of invoice line net amounts (BT-106).", _totals,
     "line_net_total"),
    ("BR-13", "BT-109", "Der Gesamtbetrag ohne Umsatzsteuer (BT-109) fehlt.",
     "An invoice shall have the invoice total amount without VAT (BT-109).", _totals,
     "tax_exclusive"),
    ("BR-14", "BT-112", "Der Gesamtbetrag mit Umsatzsteuer (BT-112) fehlt.",
     "An invoice shall have the invoice total amount with VAT (BT-112).", _totals,
     "tax_inclusive"),
    ("BR-15", "BT-115", "Der fällige Zahlbetrag (BT-115) fehlt.",
     "An invoice shall have the amount due for payment (BT-115).", _totals, "payable"),
    ("BR-18", "BT-62", "Der Name des Steuervertreters (BT-62) fehlt.",
     "The seller tax representative name (BT-62) shall be provided.", _rep, "name"),
    ("BR-19", "BG-12", "Die Anschrift des Steuervertreters (BG-12) fehlt.",
     "The seller tax representative postal address (BG-12) shall be provided.", _rep,
     "address"),
    ("BR-56", "BT-63", "Die USt-IdNr. des Steuervertreters (BT-63) fehlt.",
     "The seller tax representative VAT identifier (BT-63) shall be provided.", _rep, "vat_id"),
    ("BR-21", "BT-126", "Eine Rechnungsposition hat keine Positionsnummer (BT-126).",
     "Each invoice line shall have an invoice line identifier (BT-126).", _lines, "id"),
    ("BR-22", "BT-129", "Eine Rechnungsposition hat keine Menge (BT-129).",
     "Each invoice line shall have an invoiced quantity (BT-129).", _lines, "quantity"),
    ("BR-23", "BT-130", "Eine Rechnungsposition hat keine Mengeneinheit (BT-130).",
     "An invoice line shall have an invoiced quantity unit of measure code (BT-130).", _lines,
     "unit"),
    ("BR-24", "BT-131", "Eine Rechnungsposition hat keinen Nettobetrag (BT-131).",
     "Each invoice line shall have an invoice line net amount (BT-131).", _lines, "net_amount"),
    ("BR-25", "BT-153", "Eine Rechnungsposition hat keine Artikelbezeichnung (BT-153).",
     "Each invoice line shall contain the item name (BT-153).", _items, "name"),
    ("BR-26", "BT-146", "Eine Rechnungsposition hat keinen Nettopreis (BT-146).",
     "Each invoice line shall contain the item net price (BT-146).", _prices, "net_price"),
    ("BR-31", "BT-92", "Ein Nachlass auf Dokumentebene hat keinen Betrag (BT-92).",
     "Each document level allowance shall have an allowance amount (BT-92).", _allowances,
     "amount"),
    ("BR-36", "BT-99", "Ein Zuschlag auf Dokumentebene hat keinen Betrag (BT-99).",
     "Each document level charge shall have a charge amount (BT-99).", _charges, "amount"),
    ("BR-41", "BT-136", "Ein Positionsnachlass hat keinen Betrag (BT-136).",
     "Each invoice line allowance shall have an amount (BT-136).", _line_allowances, "amount"),
    ("BR-43", "BT-141", "Ein Positionszuschlag hat keinen Betrag (BT-141).",
     "Each invoice line charge shall have an amount (BT-141).", _line_charges, "amount"),
    ("BR-45", "BT-116", "Eine Steueraufschlüsselung hat keine Bemessungsgrundlage (BT-116).",
     "Each VAT breakdown shall have a VAT category taxable amount (BT-116).", _breakdowns,
     "taxable_amount"),
    ("BR-46", "BT-117", "Eine Steueraufschlüsselung hat keinen Steuerbetrag (BT-117).",
     "Each VAT breakdown shall have a VAT category tax amount (BT-117).", _breakdowns,
     "tax_amount"),
    ("BR-47", "BT-118", "Eine Steueraufschlüsselung hat keine Umsatzsteuerkategorie (BT-118).",
     "Each VAT breakdown shall be defined through a VAT category code (BT-118).", _breakdowns,
     "category"),
)  # fmt: skip

for _row in _REQUIRED:
    _required(*_row)


@_cen(
    "BR-09",
    field="BT-40",
    de="Der Ländercode der Verkäuferanschrift (BT-40) fehlt.",
    en="The seller postal address shall contain a seller country code (BT-40).",
)
def seller_country(ctx):
    inv = ctx.invoice
    if inv is None or inv.seller is None or inv.seller.address is None:
        return
    if not has_text(inv.seller.address.country_code):
        yield inv.seller.address.where("country_code")


@_cen(
    "BR-11",
    field="BT-55",
    de="Der Ländercode der Käuferanschrift (BT-55) fehlt.",
    en="The buyer postal address shall contain a buyer country code (BT-55).",
)
def buyer_country(ctx):
    inv = ctx.invoice
    if inv is None or inv.buyer is None or inv.buyer.address is None:
        return
    if not has_text(inv.buyer.address.country_code):
        yield inv.buyer.address.where("country_code")


@_cen(
    "BR-20",
    field="BT-69",
    de="Der Ländercode der Anschrift des Steuervertreters (BT-69) fehlt.",
    en="The seller tax representative postal address shall contain a country code (BT-69).",
)
def representative_country(ctx):
    inv = ctx.invoice
    rep = inv.tax_representative if inv else None
    if rep is None or rep.address is None:
        return
    if not has_text(rep.address.country_code):
        yield rep.address.where("country_code")


@_cen(
    "BR-57",
    field="BT-80",
    de="Der Ländercode der Lieferanschrift (BT-80) fehlt.",
    en="Each deliver-to address shall contain a deliver-to country code (BT-80).",
)
def delivery_country(ctx):
    inv = ctx.invoice
    address = inv.delivery.address if inv and inv.delivery else None
    if address is not None and not has_text(address.country_code):
        yield address.where("country_code")


@_cen(
    "BR-16",
    field="BG-25",
    de="Die Rechnung enthält keine Rechnungsposition (BG-25).",
    en="An invoice shall have at least one invoice line (BG-25).",
)
def has_lines(ctx):
    inv = ctx.invoice
    if inv is not None and not inv.lines:
        yield inv.where()


@_cen(
    "BR-17",
    field="BT-59",
    de="Der Name des Zahlungsempfängers (BT-59) fehlt.",
    en="The payee name (BT-59) shall be provided if the payee differs from the seller.",
)
def payee_name(ctx):
    inv = ctx.invoice
    if inv is not None and inv.payee is not None and not has_text(inv.payee.name):
        yield inv.payee.where("name")


@_cen(
    "BR-27",
    field="BT-146",
    de="Der Nettopreis eines Artikels (BT-146) darf nicht negativ sein.",
    en="The item net price (BT-146) shall not be negative.",
)
def net_price_not_negative(ctx):
    inv = ctx.invoice
    for price in _prices(inv) if inv else []:
        if price.net_price is not None and price.net_price < 0:
            yield price.where("net_price")


@_cen(
    "BR-28",
    field="BT-148",
    de="Der Bruttopreis eines Artikels (BT-148) darf nicht negativ sein.",
    en="The item gross price (BT-148) shall not be negative.",
)
def gross_price_not_negative(ctx):
    inv = ctx.invoice
    for price in _prices(inv) if inv else []:
        if price.gross_price is not None and price.gross_price < 0:
            yield price.where("gross_price")


def _period_ok(period) -> bool:
    return (
        period is None or period.start is None or period.end is None or period.end >= period.start
    )


@_cen(
    "BR-29",
    field="BT-74",
    de="Das Ende des Rechnungszeitraums (BT-74) liegt vor dessen Beginn (BT-73).",
    en="The invoicing period end date (BT-74) shall be later or equal to the start (BT-73).",
)
def invoicing_period_order(ctx):
    inv = ctx.invoice
    if inv is not None and not _period_ok(inv.invoicing_period):
        yield inv.invoicing_period.where("end")


@_cen(
    "BR-30",
    field="BT-135",
    de="Das Ende des Positionszeitraums (BT-135) liegt vor dessen Beginn (BT-134).",
    en="The invoice line period end date (BT-135) shall be later or equal to the start (BT-134).",
)
def line_period_order(ctx):
    inv = ctx.invoice
    for line in inv.lines if inv else ():
        if not _period_ok(line.period):
            yield line.period.where("end")


def _category_required(rule_id, field, source, name_de, name_en):
    @_cen(
        rule_id,
        field=field,
        de=f"Ein {name_de} hat keine Umsatzsteuerkategorie ({field}).",
        en=f"Each {name_en} shall have a VAT category code ({field}).",
    )
    def check(ctx):
        inv = ctx.invoice
        for item in source(inv) if inv else []:
            if not has_text(item.vat_category):
                yield item.where("vat_category")


_category_required("BR-32", "BT-95", _allowances, "Nachlass auf Dokumentebene",
                   "document level allowance")  # fmt: skip
_category_required("BR-37", "BT-102", _charges, "Zuschlag auf Dokumentebene",
                   "document level charge")  # fmt: skip


def _reason_required(rule_id, field, source, name_de, name_en):
    @_cen(
        rule_id,
        field=field,
        de=f"Ein {name_de} hat weder Grund (Text) noch Grund-Code.",
        en=f"Each {name_en} shall have a reason or a reason code.",
    )
    def check(ctx):
        inv = ctx.invoice
        for item in source(inv) if inv else []:
            if not (has_text(item.reason) or has_text(item.reason_code)):
                yield item.where("reason")


_reason_required("BR-33", "BT-97", _allowances, "Nachlass auf Dokumentebene",
                 "document level allowance")  # fmt: skip
_reason_required("BR-38", "BT-104", _charges, "Zuschlag auf Dokumentebene",
                 "document level charge")  # fmt: skip
_reason_required("BR-42", "BT-139", _line_allowances, "Positionsnachlass",
                 "invoice line allowance")  # fmt: skip
_reason_required("BR-44", "BT-144", _line_charges, "Positionszuschlag",
                 "invoice line charge")  # fmt: skip


@_cen(
    "BR-48",
    field="BT-119",
    de="Eine Steueraufschlüsselung hat keinen Steuersatz (BT-119), obwohl die Kategorie nicht "
    "„nicht steuerbar“ (O) ist.",
    en="Each VAT breakdown shall have a VAT category rate (BT-119), except if not subject to VAT.",
)
def breakdown_rate(ctx):
    inv = ctx.invoice
    for b in inv.vat_breakdown if inv else ():
        if b.category != "O" and b.rate is None:
            yield b.where("rate")


@_cen(
    "BR-49",
    field="BT-81",
    de="Die Zahlungsart (BT-81) fehlt in den Zahlungsanweisungen.",
    en="Payment instructions shall specify the payment means type code (BT-81).",
)
def payment_means_code(ctx):
    inv = ctx.invoice
    for pi in inv.payment_instructions if inv else ():
        if not has_text(pi.means_code):
            yield pi.where("means_code")


@_cen(
    "BR-50",
    field="BT-84",
    de="Bei Überweisung fehlt die Kontonummer (IBAN) des Zahlungsempfängers (BT-84).",
    en="A payment account identifier (BT-84) shall be present if credit transfer is given.",
)
def credit_transfer_account(ctx):
    inv = ctx.invoice
    for pi in inv.payment_instructions if inv else ():
        for ct in pi.credit_transfers:
            if not has_text(ct.account_id):
                yield ct.where("account_id")


@_cen(
    "BR-61",
    field="BT-84",
    de="Bei Zahlungsart Überweisung (Code 30 oder 58) fehlt die Kontonummer (BT-84).",
    en="If the payment means is SEPA or other credit transfer (30, 58), BT-84 shall be present.",
)
def credit_transfer_code_account(ctx):
    inv = ctx.invoice
    for pi in inv.payment_instructions if inv else ():
        if (pi.means_code or "").strip() not in ("30", "58"):
            continue
        if ctx.syntax == "cii" and not pi.credit_transfers:
            continue  # the CEN CII test looks at the creditor account only
        if not any(has_text(ct.account_id) for ct in pi.credit_transfers):
            yield pi.where()


@_cen(
    "BR-52",
    field="BT-122",
    de="Eine Anlage (BG-24) hat keine Kennung (BT-122).",
    en="Each additional supporting document (BG-24) shall contain a reference (BT-122).",
)
def attachment_reference(ctx):
    inv = ctx.invoice
    for att in inv.attachments if inv else ():
        if not has_text(att.reference):
            yield att.where("reference")


@_cen(
    "BR-53",
    field="BT-111",
    de="Eine Steuerwährung (BT-6) ist angegeben, aber der Umsatzsteuerbetrag in dieser Währung "
    "(BT-111) fehlt.",
    en="If the VAT accounting currency (BT-6) is given, the VAT total in that currency (BT-111) "
    "shall be provided.",
)
def tax_currency_total(ctx):
    inv = ctx.invoice
    if inv is None or not has_text(inv.tax_currency):
        return
    if inv.totals is not None and inv.totals.vat_total_tax_currency is not None:
        return
    same = inv.tax_currency == inv.currency
    if ctx.syntax == "ubl" and same and inv.totals is not None and inv.totals.vat_total is not None:
        return  # UBL: the VAT total is already given in that currency (CII wants two)
    yield inv.where("tax_currency")


@_cen(
    "BR-54",
    field="BG-32",
    de="Ein Artikelmerkmal (BG-32) braucht Name (BT-160) und Wert (BT-161).",
    en="Each item attribute (BG-32) shall contain a name (BT-160) and a value (BT-161).",
)
def item_attributes(ctx):
    inv = ctx.invoice
    for item in _items(inv) if inv else []:
        for attribute in item.attributes:
            if not (has_text(attribute.name) and has_text(attribute.value)):
                yield attribute.where()


@_cen(
    "BR-55",
    field="BT-25",
    de="Ein Verweis auf eine vorausgegangene Rechnung (BG-3) enthält keine Rechnungsnummer "
    "(BT-25).",
    en="Each preceding invoice reference (BG-3) shall contain the preceding invoice number.",
)
def preceding_number(ctx):
    inv = ctx.invoice
    for ref in inv.preceding_invoices if inv else ():
        if not has_text(ref.number):
            yield ref.where("number")


def _scheme_required(rule_id, field, getter, name_de, name_en):
    @_cen(
        rule_id,
        field=field,
        de=f"Zu {name_de} ({field}) fehlt die Schema-Kennung.",
        en=f"The {name_en} ({field}) shall have a scheme identifier.",
    )
    def check(ctx):
        inv = ctx.invoice
        for ident in getter(inv) if inv else []:
            if ident is not None and not has_text(ident.scheme):
                yield ident.where()


_scheme_required(
    "BR-62", "BT-34", lambda inv: [inv.seller.electronic_address] if inv.seller else [],
    "der elektronischen Adresse des Verkäufers", "seller electronic address",
)  # fmt: skip
_scheme_required(
    "BR-63", "BT-49", lambda inv: [inv.buyer.electronic_address] if inv.buyer else [],
    "der elektronischen Adresse des Käufers", "buyer electronic address",
)  # fmt: skip
_scheme_required(
    "BR-64", "BT-157", lambda inv: [i.standard_id for i in _items(inv)],
    "der Artikelkennung", "item standard identifier",
)  # fmt: skip
_scheme_required(
    "BR-65", "BT-158", lambda inv: [c for i in _items(inv) for c in i.classifications],
    "der Artikelklassifizierung", "item classification identifier",
)  # fmt: skip


# ---------------------------------------------------------------- BR-DEC: at most 2 decimals


def _decimals_rule(rule_id, field, getter, name_de, name_en):
    @_cen(
        rule_id,
        field=field,
        de=f"{name_de} ({field}) darf höchstens zwei Nachkommastellen haben.",
        en=f"The allowed maximum number of decimals for the {name_en} ({field}) is 2.",
    )
    def check(ctx):
        inv = ctx.invoice
        if inv is None:
            return
        for group, attr in getter(inv):
            if group is not None and decimals(getattr(group, attr)) > 2:
                yield group.where(attr)


def _each(source, attr):
    return lambda inv: [(x, attr) for x in source(inv)]


def _total(attr):
    return lambda inv: [(inv.totals, attr)]


_DECIMALS = (
    ("BR-DEC-01", "BT-92", _each(_allowances, "amount"), "Der Nachlassbetrag", "allowance amount"),
    ("BR-DEC-02", "BT-93", _each(_allowances, "base_amount"), "Der Grundbetrag des Nachlasses",
     "allowance base amount"),
    ("BR-DEC-05", "BT-99", _each(_charges, "amount"), "Der Zuschlagsbetrag", "charge amount"),
    ("BR-DEC-06", "BT-100", _each(_charges, "base_amount"), "Der Grundbetrag des Zuschlags",
     "charge base amount"),
    ("BR-DEC-09", "BT-106", _total("line_net_total"), "Die Summe der Positionsnettobeträge",
     "sum of invoice line net amount"),
    ("BR-DEC-10", "BT-107", _total("allowance_total"), "Die Summe der Nachlässe",
     "sum of allowances on document level"),
    ("BR-DEC-11", "BT-108", _total("charge_total"), "Die Summe der Zuschläge",
     "sum of charges on document level"),
    ("BR-DEC-12", "BT-109", _total("tax_exclusive"), "Der Gesamtbetrag ohne Umsatzsteuer",
     "invoice total amount without VAT"),
    ("BR-DEC-13", "BT-110", _total("vat_total"), "Der Umsatzsteuergesamtbetrag",
     "invoice total VAT amount"),
    ("BR-DEC-14", "BT-112", _total("tax_inclusive"), "Der Gesamtbetrag mit Umsatzsteuer",
     "invoice total amount with VAT"),
    ("BR-DEC-15", "BT-111", _total("vat_total_tax_currency"),
     "Der Umsatzsteuergesamtbetrag in Steuerwährung", "invoice total VAT amount in accounting "
     "currency"),
    ("BR-DEC-16", "BT-113", _total("prepaid"), "Der bereits gezahlte Betrag", "paid amount"),
    ("BR-DEC-17", "BT-114", _total("rounding"), "Der Rundungsbetrag", "rounding amount"),
    ("BR-DEC-18", "BT-115", _total("payable"), "Der fällige Zahlbetrag", "amount due for payment"),
    ("BR-DEC-19", "BT-116", _each(_breakdowns, "taxable_amount"), "Die Bemessungsgrundlage",
     "VAT category taxable amount"),
    ("BR-DEC-20", "BT-117", _each(_breakdowns, "tax_amount"), "Der Steuerbetrag der Kategorie",
     "VAT category tax amount"),
    ("BR-DEC-23", "BT-131", _each(_lines, "net_amount"), "Der Positionsnettobetrag",
     "invoice line net amount"),
    ("BR-DEC-24", "BT-136", _each(_line_allowances, "amount"), "Der Positionsnachlass",
     "invoice line allowance amount"),
    ("BR-DEC-25", "BT-137", _each(_line_allowances, "base_amount"),
     "Der Grundbetrag des Positionsnachlasses", "invoice line allowance base amount"),
    ("BR-DEC-27", "BT-141", _each(_line_charges, "amount"), "Der Positionszuschlag",
     "invoice line charge amount"),
    ("BR-DEC-28", "BT-142", _each(_line_charges, "base_amount"),
     "Der Grundbetrag des Positionszuschlags", "invoice line charge base amount"),
)  # fmt: skip

for _row in _DECIMALS:
    _decimals_rule(*_row)
