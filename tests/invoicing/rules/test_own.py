"""Our own plausibility checks: Leitweg-ID, IBAN, Skonto syntax, recomputed amounts."""

from decimal import Decimal

import pytest

from invoicing.model import CreditTransfer, Invoice, Line, PaymentInstructions, Price, Totals
from invoicing.validation.findings import Severity
from invoicing.validation.registry import RULES
from invoicing.validation.rules.own import iban_ok, leitweg_check_ok
from tests.invoicing import needs_corpus
from tests.invoicing.rules._business import corpus_result, run_rules, valid_rows


def test_own_rules_are_warnings_only():
    own = [entry for entry in RULES.values() if entry.id.startswith("OWN-")]
    assert own and all(entry.severity == Severity.WARNING for entry in own)


@needs_corpus
@pytest.mark.parametrize("row", valid_rows())
def test_own_checks_never_reject_a_file(row):
    assert not [f for f in corpus_result(row["path"]).errors if f.rule.startswith("OWN-")]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("992-80013-14", True),
        ("991-33333TEST-33", True),
        ("04011000-12345-03", True),
        ("04011000-1234512345-06", True),
        ("04011000-12345-34", False),
        ("12345678-12345-12", False),
    ],
)
def test_leitweg_id_check_digits(value, ok):
    assert leitweg_check_ok(value) is ok


def test_leitweg_rule_only_looks_at_values_that_look_like_one():
    assert run_rules({"OWN-LEITWEG-ID"}, invoice=Invoice(buyer_reference="Abteilung 4")) == []
    assert run_rules({"OWN-LEITWEG-ID"}, invoice=Invoice(buyer_reference="992-80013-14")) == []
    assert run_rules({"OWN-LEITWEG-ID"}, invoice=Invoice(buyer_reference="992-80013-15")) == [
        "OWN-LEITWEG-ID"
    ]


def test_iban_check():
    assert iban_ok("DE02120300000000202051")
    assert not iban_ok("DE02120300000000202052")
    pay = PaymentInstructions(
        means_code="58",
        credit_transfers=(CreditTransfer(account_id="DE02 1203 0000 0000 2020 52"),),
    )
    assert run_rules({"OWN-IBAN"}, invoice=Invoice(payment_instructions=(pay,))) == ["OWN-IBAN"]


def test_skonto_syntax_outside_xrechnung():
    inv = Invoice(payment_terms="#SKONTO#TAGE=14#PROZENT=2#")
    assert run_rules({"OWN-SKONTO"}, invoice=inv, profile="en16931") == ["OWN-SKONTO"]
    assert run_rules({"OWN-SKONTO"}, invoice=inv, profile="xrechnung") == []


def test_recomputed_line_amount_uses_base_quantity():
    price = Price(net_price=Decimal("10.00"), base_quantity=Decimal("100"))
    good = Line(id="1", quantity=Decimal("250"), net_amount=Decimal("25.00"), price=price)
    bad = Line(id="2", quantity=Decimal("250"), net_amount=Decimal("2500.00"), price=price)
    assert run_rules({"OWN-LINE-AMOUNT"}, invoice=Invoice(lines=(good, bad))) == ["OWN-LINE-AMOUNT"]


def test_recomputed_payable():
    totals = Totals(
        tax_exclusive=Decimal("100.00"),
        vat_total=Decimal("19.00"),
        prepaid=Decimal("10.00"),
        payable=Decimal("109.00"),
        vat_total_count=1,
    )
    assert run_rules({"OWN-PAYABLE"}, invoice=Invoice(totals=totals)) == []
