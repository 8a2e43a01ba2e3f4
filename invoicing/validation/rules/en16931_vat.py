"""EN 16931 VAT category rules: BR-S (standard rate), BR-Z (zero rated), BR-E (exempt),
BR-AE (reverse charge), BR-IC (intra-community, code K), BR-G (export, code G),
BR-O (not subject to VAT), BR-AF (IGIC, code L), BR-AG (IPSI, code M) and BR-B (split payment).

Every category has the same ten rules (-01 .. -10); they are generated from one table, so
each rule exists once and works on the invoice model for both syntaxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from invoicing.validation.findings import Layer, Severity
from invoicing.validation.rules._shared import (
    cen_rule,
    has_text,
    num,
    round2,
)

EN = Layer.EN16931
F = Severity.FATAL


@dataclass(frozen=True)
class Category:
    prefix: str  # rule id prefix, e.g. "BR-S"
    code: str  # UNTDID 5305 code
    name_de: str
    name_en: str
    single_breakdown: bool  # -01 demands exactly one breakdown (all but S, L, M)
    rate: str  # "positive", "zero", "none" (O), "non-negative"
    seller_ids: str  # -02..-04: "any" (S/Z/E), "seller_vat" (G), "ae", "ic", "none" (O)
    exemption: str  # -10: "required", "forbidden"
    per_rate: bool  # -08 groups by rate (S, L, M)


CATEGORIES = (
    Category("BR-S", "S", "Normalsatz", "Standard rated", False, "positive", "any",
             "forbidden", True),
    Category("BR-Z", "Z", "Nullsatz", "Zero rated", True, "zero", "any", "forbidden", False),
    Category("BR-E", "E", "steuerbefreit", "Exempt from VAT", True, "zero", "any", "required",
             False),
    Category("BR-AE", "AE", "Steuerschuldnerschaft des Leistungsempfängers", "Reverse charge",
             True, "zero", "ae", "required", False),
    Category("BR-IC", "K", "innergemeinschaftliche Lieferung", "Intra-community supply", True,
             "zero", "ic", "required", False),
    Category("BR-G", "G", "Ausfuhr außerhalb der EU", "Export outside the EU", True, "zero",
             "seller_vat", "required", False),
    Category("BR-O", "O", "nicht steuerbar", "Not subject to VAT", True, "none", "none",
             "required", False),
    Category("BR-AF", "L", "IGIC (Kanaren)", "IGIC", False, "non-negative", "any", "forbidden",
             True),
    Category("BR-AG", "M", "IPSI (Ceuta/Melilla)", "IPSI", False, "non-negative", "any",
             "forbidden", True),
)  # fmt: skip


_cen = cen_rule


def _lines(inv):
    return [line for line in inv.lines if line.vat_category is not None]


def _seller_has_vat(inv) -> bool:
    seller = inv.seller
    rep = inv.tax_representative
    return bool(
        (seller and (has_text(seller.vat_id) or has_text(seller.tax_registration_id)))
        or (rep and has_text(rep.vat_id))
    )


def _seller_or_rep_vat(inv) -> bool:
    seller = inv.seller
    rep = inv.tax_representative
    return bool((seller and has_text(seller.vat_id)) or (rep and has_text(rep.vat_id)))


def _buyer_vat(inv) -> bool:
    return bool(inv.buyer and has_text(inv.buyer.vat_id))


def _buyer_vat_or_legal(inv) -> bool:
    buyer = inv.buyer
    return bool(
        buyer
        and (
            has_text(buyer.vat_id)
            or (
                buyer.legal_registration_id is not None
                and has_text(buyer.legal_registration_id.value)
            )
        )
    )


def _ids_ok(cat: Category, inv) -> bool:
    if cat.seller_ids == "any":
        return _seller_has_vat(inv)
    if cat.seller_ids == "seller_vat":
        return _seller_or_rep_vat(inv)
    if cat.seller_ids == "ae":
        return _seller_has_vat(inv) and _buyer_vat_or_legal(inv)
    if cat.seller_ids == "ic":
        return _seller_or_rep_vat(inv) and _buyer_vat(inv)
    return True  # "none" is handled by BR-O-02..04 below


def _rate_ok(cat: Category, rate: Decimal | None) -> bool:
    if cat.rate == "positive":
        return rate is not None and rate > 0
    if cat.rate == "zero":
        return rate is not None and rate == 0
    if cat.rate == "non-negative":
        return rate is not None and rate >= 0
    return rate is None


def _uses(inv, code: str) -> bool:
    return (
        any(line.vat_category == code for line in inv.lines)
        or any(a.vat_category == code for a in inv.allowances)
        or any(c.vat_category == code for c in inv.charges)
    )


def _make(cat: Category):
    code = cat.code
    p = cat.prefix
    name_de = f"„{cat.name_de}“ ({code})"

    @_cen(
        f"{p}-01",
        field="BG-23",
        de=f"Positionen, Nachlässe oder Zuschläge mit Umsatzsteuerkategorie {name_de} und die "
        f"Steueraufschlüsselung (BG-23) passen nicht zusammen: die Kategorie muss "
        f"{'genau einmal' if cat.single_breakdown else 'mindestens einmal'} in der "
        f"Aufschlüsselung stehen.",
        en=f"An invoice using VAT category {cat.name_en} shall contain "
        f"{'exactly one' if cat.single_breakdown else 'at least one'} VAT breakdown with it.",
    )
    def breakdown_present(ctx, code=code, cat=cat):
        inv = ctx.invoice
        if inv is None:
            return
        count = sum(1 for b in inv.vat_breakdown if b.category == code)
        used = _uses(inv, code)
        if not used:
            return  # a breakdown without items of the category is checked by -08
        if not (count == 1 if cat.single_breakdown else count > 0):
            yield inv.where("vat_breakdown")

    if cat.seller_ids != "none":
        for suffix, kind in (("02", "line"), ("03", "allowance"), ("04", "charge")):
            _make_ids(cat, suffix, kind)
    for suffix, kind in (("05", "line"), ("06", "allowance"), ("07", "charge")):
        _make_rate(cat, suffix, kind)

    @_cen(
        f"{p}-08",
        field="BT-116",
        de=f"Die Bemessungsgrundlage (BT-116) für Kategorie {name_de} stimmt nicht mit der Summe "
        "der Positionsbeträge plus Zuschläge minus Nachlässe dieser Kategorie überein.",
        en=f"VAT category taxable amount (BT-116) for {cat.name_en} shall equal the sum of line "
        "net amounts plus charges minus allowances of that category.",
    )
    def taxable_amount(ctx, code=code, cat=cat):
        inv = ctx.invoice
        if inv is None:
            return
        for b in inv.vat_breakdown:
            if b.category != code or b.taxable_amount is None:
                continue

            def same(category, rate, b=b):
                if category != code:
                    return False
                if not cat.per_rate:
                    return True
                return rate is not None and b.rate is not None and rate == b.rate

            lines = [line for line in inv.lines if same(line.vat_category, line.vat_rate)]
            allowances = [a for a in inv.allowances if same(a.vat_category, a.vat_rate)]
            charges = [c for c in inv.charges if same(c.vat_category, c.vat_rate)]
            if cat.per_rate and not (lines or allowances or charges):
                continue  # nothing at this rate: the official test passes
            expected = (
                sum((num(line.net_amount) for line in lines), Decimal(0))
                + sum((num(c.amount) for c in charges), Decimal(0))
                - sum((num(a.amount) for a in allowances), Decimal(0))
            )
            if not (b.taxable_amount - 1 < expected < b.taxable_amount + 1):
                yield b.where("taxable_amount")

    @_cen(
        f"{p}-09",
        field="BT-117",
        de=f"Der Steuerbetrag (BT-117) für Kategorie {name_de} ist falsch berechnet.",
        en=f"VAT category tax amount (BT-117) for {cat.name_en} is not correct.",
    )
    def tax_amount(ctx, code=code, cat=cat):
        inv = ctx.invoice
        if inv is None:
            return
        for b in inv.vat_breakdown:
            if b.category != code or b.tax_amount is None:
                continue
            if cat.rate in ("zero", "none"):
                if b.tax_amount != 0:
                    yield b.where("tax_amount")
                continue
            if b.taxable_amount is None or b.rate is None:
                continue
            expected = round2(abs(b.taxable_amount) * b.rate / 100)
            if not (abs(b.tax_amount) - 1 < expected < abs(b.tax_amount) + 1):
                yield b.where("tax_amount")

    if cat.exemption == "required":
        de10 = f"Für Kategorie {name_de} fehlt der Befreiungsgrund (BT-120 oder BT-121)."
        en10 = f"A VAT breakdown with {cat.name_en} shall have an exemption reason (BT-120/121)."
    else:
        de10 = f"Für Kategorie {name_de} darf kein Befreiungsgrund (BT-120, BT-121) angegeben sein."
        en10 = f"A VAT breakdown with {cat.name_en} shall not have an exemption reason."

    @_cen(f"{p}-10", field="BT-120", de=de10, en=en10)
    def exemption(ctx, code=code, cat=cat):
        inv = ctx.invoice
        if inv is None:
            return
        for b in inv.vat_breakdown:
            if b.category != code:
                continue
            given = has_text(b.exemption_reason) or has_text(b.exemption_reason_code)
            if given != (cat.exemption == "required"):
                yield b.where("exemption_reason")


def _items(inv, kind):
    if kind == "line":
        return [(x, x.vat_category, x.vat_rate) for x in inv.lines]
    source = inv.allowances if kind == "allowance" else inv.charges
    return [(x, x.vat_category, x.vat_rate) for x in source]


_KIND_DE = {"line": "Rechnungsposition", "allowance": "Nachlass", "charge": "Zuschlag"}
_KIND_EN = {"line": "invoice line", "allowance": "document level allowance", "charge": "charge"}
_RATE_FIELD = {"line": "BT-152", "allowance": "BT-96", "charge": "BT-103"}


def _make_ids(cat: Category, suffix: str, kind: str) -> None:
    what = {
        "any": ("die USt-IdNr. oder Steuernummer des Verkäufers (BT-31/BT-32) oder die USt-IdNr. "
                "des Steuervertreters (BT-63)", "the seller VAT identifier (BT-31/32/63)"),
        "seller_vat": ("die USt-IdNr. des Verkäufers (BT-31) oder des Steuervertreters (BT-63)",
                       "the seller VAT identifier (BT-31) or tax representative (BT-63)"),
        "ae": ("die Steuernummer/USt-IdNr. des Verkäufers (BT-31/32/63) und die USt-IdNr. oder "
               "Registernummer des Käufers (BT-48/BT-47)",
               "the seller VAT/tax id and the buyer VAT identifier or legal registration"),
        "ic": ("die USt-IdNr. des Verkäufers (BT-31/BT-63) und des Käufers (BT-48)",
               "the seller and buyer VAT identifiers"),
    }[cat.seller_ids]  # fmt: skip

    @_cen(
        f"{cat.prefix}-{suffix}",
        field="BT-31",
        de=f"Ein {_KIND_DE[kind]} mit Umsatzsteuerkategorie {cat.code} erfordert {what[0]}.",
        en=f"An {_KIND_EN[kind]} with VAT category {cat.name_en} requires {what[1]}.",
    )
    def check(ctx, cat=cat, kind=kind):
        inv = ctx.invoice
        if inv is None or _ids_ok(cat, inv):
            return
        for item, category, _rate in _items(inv, kind):
            if category == cat.code:
                yield item.where("vat_category")


def _make_rate(cat: Category, suffix: str, kind: str) -> None:
    want = {
        "positive": ("größer als 0 sein", "be greater than zero"),
        "zero": ("0 sein", "be 0"),
        "non-negative": ("0 oder größer sein", "be 0 or greater"),
        "none": ("nicht angegeben sein", "not be given"),
    }[cat.rate]

    @_cen(
        f"{cat.prefix}-{suffix}",
        field=_RATE_FIELD[kind],
        de=f"Der Steuersatz ({_RATE_FIELD[kind]}) in einem {_KIND_DE[kind]} mit Kategorie "
        f"{cat.code} muss {want[0]}.",
        en=f"The VAT rate of an {_KIND_EN[kind]} with category {cat.name_en} shall {want[1]}.",
    )
    def check(ctx, cat=cat, kind=kind):
        inv = ctx.invoice
        if inv is None:
            return
        for item, category, rate in _items(inv, kind):
            if category == cat.code and not _rate_ok(cat, rate):
                yield item.where("vat_rate")


for _category in CATEGORIES:
    _make(_category)


# ---------------------------------------------------------------- BR-O specials


def _o_forbidden(rule_id, field, name_de, name_en, attr):
    @_cen(
        rule_id,
        field=field,
        de=f"Eine Rechnung mit nicht steuerbaren Positionen (Kategorie O) darf {name_de} nicht "
        "enthalten.",
        en=f"An invoice with VAT category Not subject to VAT shall not contain {name_en}.",
    )
    def check(ctx):
        inv = ctx.invoice
        if inv is None or not _uses_o_item(inv, rule_id):
            return
        if attr(inv):
            yield inv.where()


def _uses_o_item(inv, rule_id) -> bool:
    # BR-O-02/03/04 are stated per line, allowance and charge; the first letter decides
    kind = {"2": "line", "3": "allowance", "4": "charge"}[rule_id[-1]]
    return any(category == "O" for _x, category, _r in _items(inv, kind))


def _o_ids(inv):
    return (
        (inv.seller and has_text(inv.seller.vat_id))
        or (inv.tax_representative and has_text(inv.tax_representative.vat_id))
        or _buyer_vat(inv)
    )


_o_forbidden("BR-O-02", "BT-31", "die USt-IdNr. von Verkäufer, Steuervertreter oder Käufer",
             "seller, tax representative or buyer VAT identifiers", _o_ids)  # fmt: skip
_o_forbidden("BR-O-03", "BT-31", "die USt-IdNr. von Verkäufer, Steuervertreter oder Käufer",
             "seller, tax representative or buyer VAT identifiers", _o_ids)  # fmt: skip
_o_forbidden("BR-O-04", "BT-31", "die USt-IdNr. von Verkäufer, Steuervertreter oder Käufer",
             "seller, tax representative or buyer VAT identifiers", _o_ids)  # fmt: skip


@_cen(
    "BR-O-11",
    field="BG-23",
    de="Eine Rechnung mit Kategorie O in der Steueraufschlüsselung darf keine weitere "
    "Umsatzsteuerkategorie enthalten.",
    en="An invoice with a VAT breakdown of category O shall not contain other VAT breakdowns.",
)
def o_alone_in_breakdown(ctx):
    inv = ctx.invoice
    if inv is None:
        return
    cats = [b.category for b in inv.vat_breakdown]
    if "O" in cats and any(c != "O" for c in cats):
        yield inv.where("vat_breakdown")


def _o_alone(rule_id, kind, name_de, name_en):
    @_cen(
        rule_id,
        field="BT-151",
        de=f"Eine Rechnung mit Kategorie O darf keine {name_de} mit anderer Kategorie enthalten.",
        en=f"An invoice with VAT category O shall not contain {name_en} of another category.",
    )
    def check(ctx):
        inv = ctx.invoice
        if inv is None or not any(b.category == "O" for b in inv.vat_breakdown):
            return
        for item, category, _rate in _items(inv, kind):
            if category is not None and category != "O":
                yield item.where("vat_category")


_o_alone("BR-O-12", "line", "Rechnungspositionen", "invoice lines")
_o_alone("BR-O-13", "allowance", "Nachlässe", "allowances")
_o_alone("BR-O-14", "charge", "Zuschläge", "charges")


# ---------------------------------------------------------------- BR-IC specials


@_cen(
    "BR-IC-11",
    field="BT-72",
    de="Bei einer innergemeinschaftlichen Lieferung (Kategorie K) muss das Lieferdatum (BT-72) "
    "oder der Rechnungszeitraum (BG-14) angegeben sein.",
    en="With intra-community supply (K) the actual delivery date (BT-72) or invoicing period "
    "(BG-14) shall be given.",
)
def ic_delivery_date(ctx):
    inv = ctx.invoice
    if inv is None or not any(b.category == "K" for b in inv.vat_breakdown):
        return
    delivered = inv.delivery is not None and inv.delivery.actual_delivery_date is not None
    period = inv.invoicing_period is not None and (
        inv.invoicing_period.start is not None or inv.invoicing_period.end is not None
    )
    if not (delivered or period):
        yield inv.where("delivery")


@_cen(
    "BR-IC-12",
    field="BT-80",
    de="Bei einer innergemeinschaftlichen Lieferung (Kategorie K) muss das Land der "
    "Lieferanschrift (BT-80) angegeben sein.",
    en="With intra-community supply (K) the deliver-to country code (BT-80) shall be given.",
)
def ic_delivery_country(ctx):
    inv = ctx.invoice
    if inv is None or not any(b.category == "K" for b in inv.vat_breakdown):
        return
    address = inv.delivery.address if inv.delivery else None
    if address is None or not has_text(address.country_code):
        yield inv.where("delivery")
