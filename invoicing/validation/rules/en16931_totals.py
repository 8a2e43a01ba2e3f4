"""EN 16931 calculation and conditional rules BR-CO-* on the invoice model.

Sums are rounded half up to two decimals before comparing, as the CEN Schematron does
(`round(x * 100) div 100`), and compared exactly unless the official rule has a tolerance.
"""

from __future__ import annotations

from decimal import Decimal

from invoicing.validation.codelists import COUNTRIES
from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import Violation
from invoicing.validation.rules._shared import (
    cen_rule,
    has_text,
    num,
    round2,
)

EN = Layer.EN16931
F = Severity.FATAL


_cen = cen_rule


def _sum(values) -> Decimal:
    return sum((num(v) for v in values), Decimal(0))


@_cen(
    "BR-CO-03",
    field="BT-7",
    de="Steuerdatum (BT-7) und Code für das Steuerdatum (BT-8) dürfen nicht beide angegeben sein.",
    en="Value added tax point date (BT-7) and its code (BT-8) are mutually exclusive.",
)
def tax_point_exclusive(ctx):
    inv = ctx.invoice
    if inv is not None and inv.tax_point_date is not None and has_text(inv.tax_point_date_code):
        yield inv.where("tax_point_date")


@_cen(
    "BR-CO-04",
    field="BT-151",
    de="Eine Rechnungsposition hat keine Umsatzsteuerkategorie (BT-151).",
    en="Each invoice line shall be categorized with an invoiced item VAT category code (BT-151).",
)
def line_category(ctx):
    inv = ctx.invoice
    for line in inv.lines if inv else ():
        if not has_text(line.vat_category):
            yield line.where("vat_category")


@_cen(
    "BR-CO-09",
    field="BT-31",
    de="Die USt-IdNr. „{value}“ beginnt nicht mit einem gültigen Ländercode (z. B. DE).",
    en="The VAT identifier {value} shall have an ISO 3166-1 alpha-2 country prefix.",
)
def vat_prefix(ctx):
    inv = ctx.invoice
    if inv is None:
        return
    holders = [inv.seller, inv.buyer, inv.tax_representative]
    for holder in holders:
        vat = getattr(holder, "vat_id", None) if holder is not None else None
        if vat is None:
            continue
        prefix = vat[:2]
        if prefix not in COUNTRIES and prefix != "EL":
            yield Violation(holder.where("vat_id"), {"value": vat})


@_cen(
    "BR-CO-10",
    field="BT-106",
    de="Die Summe der Positionsnettobeträge (BT-106) stimmt nicht mit der Summe der "
    "Rechnungspositionen (BT-131) überein.",
    en="Sum of invoice line net amount (BT-106) = sum of invoice line net amounts (BT-131).",
)
def line_total(ctx):
    inv = ctx.invoice
    if inv is None or inv.totals is None or inv.totals.line_net_total is None:
        return
    if inv.totals.line_net_total != round2(_sum(line.net_amount for line in inv.lines)):
        yield inv.totals.where("line_net_total")


@_cen(
    "BR-CO-11",
    field="BT-107",
    de="Die Summe der Nachlässe (BT-107) stimmt nicht mit den einzelnen Nachlässen (BT-92) "
    "überein.",
    en="Sum of allowances on document level (BT-107) = sum of allowance amounts (BT-92).",
)
def allowance_total(ctx):
    inv = ctx.invoice
    if inv is None or inv.totals is None:
        return
    total = inv.totals.allowance_total
    if total is None:
        if inv.allowances:
            yield inv.totals.where("allowance_total")
        return
    if total != round2(_sum(a.amount for a in inv.allowances)):
        yield inv.totals.where("allowance_total")


@_cen(
    "BR-CO-12",
    field="BT-108",
    de="Die Summe der Zuschläge (BT-108) stimmt nicht mit den einzelnen Zuschlägen (BT-99) "
    "überein.",
    en="Sum of charges on document level (BT-108) = sum of charge amounts (BT-99).",
)
def charge_total(ctx):
    inv = ctx.invoice
    if inv is None or inv.totals is None:
        return
    total = inv.totals.charge_total
    if total is None:
        if inv.charges:
            yield inv.totals.where("charge_total")
        return
    if total != round2(_sum(c.amount for c in inv.charges)):
        yield inv.totals.where("charge_total")


@_cen(
    "BR-CO-13",
    field="BT-109",
    de="Der Gesamtbetrag ohne Umsatzsteuer (BT-109) ist nicht Positionssumme (BT-106) minus "
    "Nachlässe (BT-107) plus Zuschläge (BT-108).",
    en="Invoice total amount without VAT (BT-109) = BT-106 - BT-107 + BT-108.",
)
def tax_exclusive(ctx):
    inv = ctx.invoice
    t = inv.totals if inv else None
    if t is None or t.tax_exclusive is None or t.line_net_total is None:
        return
    expected = round2(t.line_net_total - num(t.allowance_total) + num(t.charge_total))
    if t.tax_exclusive != expected:
        yield t.where("tax_exclusive")


@_cen(
    "BR-CO-14",
    field="BT-110",
    de="Der Umsatzsteuergesamtbetrag (BT-110) ist nicht die Summe der Steuerbeträge der "
    "Aufschlüsselung (BT-117).",
    en="Invoice total VAT amount (BT-110) = sum of VAT category tax amounts (BT-117).",
)
def vat_total(ctx):
    inv = ctx.invoice
    t = inv.totals if inv else None
    if t is None or t.vat_total is None or not inv.vat_breakdown or t.vat_total_count > 1:
        return  # several VAT totals are BR-CO-15's concern
    if t.vat_total != round2(_sum(b.tax_amount for b in inv.vat_breakdown)):
        yield t.where("vat_total")


@_cen(
    "BR-CO-15",
    field="BT-112",
    de="Der Gesamtbetrag mit Umsatzsteuer (BT-112) ist nicht Nettobetrag (BT-109) plus "
    "Umsatzsteuer (BT-110), oder der Umsatzsteuergesamtbetrag ist mehrfach angegeben.",
    en="Invoice total amount with VAT (BT-112) = BT-109 + BT-110 (with exactly one BT-110).",
)
def tax_inclusive(ctx):
    inv = ctx.invoice
    t = inv.totals if inv else None
    if t is None:
        return
    if t.vat_total_count > 1:
        yield t.where("vat_total")
        return
    if t.tax_inclusive is None or t.tax_exclusive is None:
        return
    if t.tax_inclusive != round2(t.tax_exclusive + num(t.vat_total)):
        yield t.where("tax_inclusive")


@_cen(
    "BR-CO-16",
    field="BT-115",
    de="Der fällige Betrag (BT-115) ist nicht Gesamtbetrag (BT-112) minus gezahlter Betrag "
    "(BT-113) plus Rundungsbetrag (BT-114).",
    en="Amount due for payment (BT-115) = BT-112 - BT-113 + BT-114.",
)
def payable(ctx):
    inv = ctx.invoice
    t = inv.totals if inv else None
    if t is None or t.payable is None or t.tax_inclusive is None:
        return
    if ctx.profile == "xrechnung" and ctx.xpath("/*/*[local-name()='PrepaidPayment']"):
        return  # the XRechnung extension replaces this rule by BR-DEX-09
    expected = round2(t.tax_inclusive - num(t.prepaid) + num(t.rounding))
    if t.payable != expected:
        yield t.where("payable")


@_cen(
    "BR-CO-17",
    field="BT-117",
    de="Der Steuerbetrag (BT-117) ist nicht Bemessungsgrundlage (BT-116) mal Steuersatz "
    "(BT-119), auf zwei Stellen gerundet.",
    en="VAT category tax amount (BT-117) = BT-116 x (BT-119 / 100), rounded to two decimals.",
)
def breakdown_tax(ctx):
    inv = ctx.invoice
    for b in inv.vat_breakdown if inv else ():
        if b.tax_amount is None or b.taxable_amount is None or b.rate is None:
            continue
        if _xpath_round(b.rate) == 0:
            ok = _xpath_round(b.tax_amount) == 0
        else:
            expected = round2(abs(b.taxable_amount) * b.rate / 100)
            ok = abs(b.tax_amount) - 1 < expected < abs(b.tax_amount) + 1
        if not ok:
            yield b.where("tax_amount")


def _xpath_round(value: Decimal) -> Decimal:
    """XPath round() to an integer: halves go towards positive infinity."""
    return (value + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR")


@_cen(
    "BR-CO-18",
    field="BG-23",
    de="Die Rechnung enthält keine Umsatzsteueraufschlüsselung (BG-23).",
    en="An invoice shall at least have one VAT breakdown group (BG-23).",
)
def has_breakdown(ctx):
    inv = ctx.invoice
    if inv is not None and not inv.vat_breakdown:
        yield inv.where()


def _period_filled(period) -> bool:
    return period.start is not None or period.end is not None


@_cen(
    "BR-CO-19",
    field="BG-14",
    de="Ein Rechnungszeitraum (BG-14) ist angegeben, aber ohne Anfangs- oder Enddatum.",
    en="If the invoicing period (BG-14) is used, its start or end date shall be filled.",
)
def invoicing_period_filled(ctx):
    inv = ctx.invoice
    period = inv.invoicing_period if inv else None
    if period is None or _period_filled(period):
        return
    if any(k in period.paths for k in ("start", "end")) or ctx.syntax == "cii":
        yield period.where()


@_cen(
    "BR-CO-20",
    field="BG-26",
    de="Ein Positionszeitraum (BG-26) ist angegeben, aber ohne Anfangs- oder Enddatum.",
    en="If the invoice line period (BG-26) is used, its start or end date shall be filled.",
)
def line_period_filled(ctx):
    inv = ctx.invoice
    for line in inv.lines if inv else ():
        if line.period is not None and not _period_filled(line.period):
            yield line.period.where()


def _reason_rule(rule_id, field, source, name_de, name_en):
    @_cen(
        rule_id,
        field=field,
        de=f"Ein {name_de} braucht einen Grund als Text oder Code.",
        en=f"Each {name_en} shall contain a reason or a reason code, or both.",
    )
    def check(ctx):
        inv = ctx.invoice
        for item in source(inv) if inv else []:
            if not (has_text(item.reason) or has_text(item.reason_code)):
                yield item.where()


@_cen(
    "BR-CO-25",
    field="BT-9",
    de="Bei positivem Zahlbetrag (BT-115) fehlen Fälligkeitsdatum (BT-9) und "
    "Zahlungsbedingungen (BT-20).",
    en="If the amount due (BT-115) is positive, a due date (BT-9) or payment terms (BT-20) "
    "shall be present.",
)
def due_date_or_terms(ctx):
    inv = ctx.invoice
    t = inv.totals if inv else None
    if t is None or t.payable is None or t.payable <= 0:
        return
    if inv.is_credit_note:
        return  # the CEN UBL test does not apply to credit notes
    if inv.due_date is None and not has_text(inv.payment_terms):
        yield inv.where("due_date")


@_cen(
    "BR-CO-26",
    field="BT-29",
    de="Zur Identifizierung des Verkäufers fehlt eine Kennung (BT-29), Registernummer (BT-30) "
    "oder USt-IdNr. (BT-31).",
    en="The seller identifier (BT-29), legal registration identifier (BT-30) or VAT "
    "identifier (BT-31) shall be present.",
)
def seller_identified(ctx):
    inv = ctx.invoice
    seller = inv.seller if inv else None
    if seller is None:
        return
    legal = seller.legal_registration_id
    if has_text(seller.vat_id) or (legal is not None and has_text(legal.value)):
        return
    if any(has_text(i.value) for i in seller.identifiers):
        return
    if ctx.syntax == "ubl" and ctx.xpath(
        "cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/cbc:ID[normalize-space()]"
    ):
        return  # a SEPA creditor id counts as seller identifier in the UBL test
    yield seller.where()


_reason_rule("BR-CO-21", "BT-97", lambda inv: inv.allowances, "Nachlass auf Dokumentebene",
             "document level allowance")  # fmt: skip
_reason_rule("BR-CO-22", "BT-104", lambda inv: inv.charges, "Zuschlag auf Dokumentebene",
             "document level charge")  # fmt: skip
_reason_rule("BR-CO-23", "BT-139", lambda inv: [a for ln in inv.lines for a in ln.allowances],
             "Positionsnachlass", "invoice line allowance")  # fmt: skip
_reason_rule("BR-CO-24", "BT-144", lambda inv: [c for ln in inv.lines for c in ln.charges],
             "Positionszuschlag", "invoice line charge")  # fmt: skip
