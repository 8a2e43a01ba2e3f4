"""Our own plausibility checks (layer OWN). They are warnings: they never reject an invoice,
they point the accountant at values that are probably wrong.

* OWN-LEITWEG-ID: BT-10 looks like a Leitweg-ID but its check digits (ISO 7064 MOD 97-10)
  or its syntax are wrong;
* OWN-IBAN: a payment account (BT-84) or debited account (BT-91) that looks like an IBAN
  fails the IBAN check (country length and check digits, via `schwifty`);
* OWN-SKONTO: payment terms (BT-20) contain a Skonto line that does not follow the
  XRechnung format ``#SKONTO#TAGE=14#PROZENT=2.00#`` (outside XRechnung, where BR-DE-18
  already rejects it);
* OWN-LINE-AMOUNT, OWN-VAT-AMOUNT, OWN-PAYABLE: amounts recomputed with the standard's
  rounding (half up, two decimals) differ from the stated ones, also where the official
  rules leave a tolerance.
"""

from __future__ import annotations

import re
from decimal import Decimal

from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import Violation, rule
from invoicing.validation.rules._shared import arithmetic_safe, has_text, num, round2
from invoicing.validation.rules.xrechnung import skonto_text_ok

OWN = Layer.OWN
W = Severity.WARNING


def _own(rule_id, *, field, de, en):
    register = rule(rule_id, layer=OWN, severity=W, field=field, de=de, en=en)

    def decorate(check):
        register(arithmetic_safe(check))
        return check

    return decorate


LEITWEG_SHAPE = re.compile(r"[0-9]{2,12}(-[0-9A-Za-z]{1,30})?-[0-9]{2}")
LOOKS_LIKE_LEITWEG = re.compile(r"[0-9]{2,12}-[0-9A-Za-z-]*[0-9]{2}")
IBAN_LIKE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}")


def leitweg_check_ok(value: str) -> bool:
    """ISO 7064 MOD 97-10 over coarse + fine addressing, letters as 10..35."""
    parts = value.split("-")
    body, check = "".join(parts[:-1]), parts[-1]
    digits = "".join(str(int(char, 36)) for char in body.upper())
    return int(digits + check) % 97 == 1


def _relevant_leitweg(value: str | None) -> bool:
    return bool(value) and LOOKS_LIKE_LEITWEG.fullmatch(value.strip()) is not None


@_own(
    "OWN-LEITWEG-ID",
    field="BT-10",
    de="Die Leitweg-ID „{value}“ (BT-10) ist ungültig: {reason}.",
    en="The Leitweg-ID {value} (BT-10) is not valid: {reason_en}.",
)
def leitweg_id(ctx):
    inv = ctx.invoice
    if inv is None or not _relevant_leitweg(inv.buyer_reference):
        return
    value = inv.buyer_reference.strip()
    if not LEITWEG_SHAPE.fullmatch(value):
        yield Violation(
            inv.where("buyer_reference"),
            {
                "value": value,
                "reason": "der Aufbau Grobadressierung-Feinadressierung-Prüfziffer stimmt nicht",
                "reason_en": "it does not follow coarse-fine-check digits",
            },
        )
    elif not leitweg_check_ok(value):
        yield Violation(
            inv.where("buyer_reference"),
            {
                "value": value,
                "reason": "die Prüfziffer stimmt nicht",
                "reason_en": "the check digits are wrong",
            },
        )


def iban_ok(value: str) -> bool:
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    try:
        IBAN(value)
    except SchwiftyException:
        return False
    return True


@_own(
    "OWN-IBAN",
    field="BT-84",
    de="Die IBAN „{value}“ ist ungültig (Länge oder Prüfziffer stimmen nicht).",
    en="The IBAN {value} is not valid (length or check digits).",
)
def iban(ctx):
    inv = ctx.invoice
    if inv is None:
        return
    for pi in inv.payment_instructions:
        accounts = [(ct, "account_id", ct.account_id) for ct in pi.credit_transfers]
        if pi.direct_debit is not None:
            dd = pi.direct_debit
            accounts.append((dd, "debited_account_id", dd.debited_account_id))
        for group, attr, value in accounts:
            compact = re.sub(r"\s", "", value or "").upper()
            if IBAN_LIKE.fullmatch(compact) and not iban_ok(compact):
                yield Violation(group.where(attr), {"value": value})


@_own(
    "OWN-SKONTO",
    field="BT-20",
    de="Die Skonto-Angabe in den Zahlungsbedingungen (BT-20) folgt nicht dem Format "
    "#SKONTO#TAGE=14#PROZENT=2.00# (ein Eintrag je Zeile, Zeilenumbruch am Ende); sie wird "
    "deshalb möglicherweise nicht automatisch ausgewertet.",
    en="The Skonto entry in payment terms (BT-20) does not follow #SKONTO#TAGE=14#PROZENT=2.00#.",
)
def skonto(ctx):
    inv = ctx.invoice
    if inv is None or ctx.profile == "xrechnung" or not has_text(inv.payment_terms):
        return
    if "SKONTO" in inv.payment_terms.upper() and not skonto_text_ok(inv.payment_terms):
        yield inv.where("payment_terms")


@_own(
    "OWN-LINE-AMOUNT",
    field="BT-131",
    de="Der Nettobetrag der Position {line} ({stated}) weicht vom nachgerechneten Betrag "
    "({expected}) ab (Menge × Preis / Basismenge + Zuschläge − Nachlässe).",
    en="Line {line} net amount {stated} differs from the recomputed {expected}.",
)
def line_amount(ctx):
    inv = ctx.invoice
    if inv is None:
        return
    for line in inv.lines:
        price = line.price
        if line.net_amount is None or line.quantity is None or price is None:
            continue
        if price.net_price is None:
            continue
        base = price.base_quantity if price.base_quantity else Decimal(1)
        expected = round2(
            line.quantity * price.net_price / base
            + sum((num(c.amount) for c in line.charges), Decimal(0))
            - sum((num(a.amount) for a in line.allowances), Decimal(0))
        )
        if expected != line.net_amount:
            yield Violation(
                line.where("net_amount"),
                {"line": line.id or "?", "stated": line.net_amount, "expected": expected},
            )


@_own(
    "OWN-VAT-AMOUNT",
    field="BT-117",
    de="Der Steuerbetrag der Kategorie {category} ({stated}) weicht vom nachgerechneten Betrag "
    "({expected}) ab.",
    en="VAT amount of category {category} {stated} differs from the recomputed {expected}.",
)
def vat_amount(ctx):
    inv = ctx.invoice
    if inv is None:
        return
    for b in inv.vat_breakdown:
        if b.taxable_amount is None or b.rate is None or b.tax_amount is None:
            continue
        expected = round2(b.taxable_amount * b.rate / 100)
        if expected != b.tax_amount:
            yield Violation(
                b.where("tax_amount"),
                {"category": b.category or "?", "stated": b.tax_amount, "expected": expected},
            )


@_own(
    "OWN-PAYABLE",
    field="BT-115",
    de="Der fällige Betrag ({stated}) weicht von Nettosumme plus Umsatzsteuer minus Anzahlung "
    "plus Rundung ({expected}) ab.",
    en="Amount due {stated} differs from the recomputed {expected}.",
)
def payable(ctx):
    inv = ctx.invoice
    t = inv.totals if inv else None
    if t is None or t.payable is None or t.tax_exclusive is None:
        return
    if t.vat_total_count > 1:
        return
    expected = round2(t.tax_exclusive + num(t.vat_total) - num(t.prepaid) + num(t.rounding))
    if expected != t.payable:
        yield Violation(t.where("payable"), {"stated": t.payable, "expected": expected})
