"""EN 16931 core (BR-01..65), decimal (BR-DEC-*) and calculation (BR-CO-*) rules."""

from decimal import Decimal

import pytest

from invoicing.model import AllowanceCharge, Invoice, Line, Totals, VatBreakdown
from tests.invoicing import needs_corpus
from tests.invoicing.rules._business import error_ids, listed_cases, run_rules, valid_rows

PATTERN = r"BR-([0-9]+|CO-|DEC-)"
OUR_ERROR = ("BR-0", "BR-1", "BR-2", "BR-3", "BR-4", "BR-5", "BR-6", "BR-CO-", "BR-DEC-")


@needs_corpus
@pytest.mark.parametrize(("row", "rule_id"), listed_cases(PATTERN))
def test_official_error_is_reported(row, rule_id):
    assert rule_id in error_ids(row["path"])


@needs_corpus
@pytest.mark.parametrize("row", valid_rows())
def test_valid_file_gets_no_core_error(row):
    assert [r for r in error_ids(row["path"]) if r.startswith(OUR_ERROR)] == []


def invoice(**kwargs) -> Invoice:
    base = {
        "customization_id": "urn:cen.eu:en16931:2017",
        "number": "R-1",
        "type_code": "380",
        "currency": "EUR",
    }
    base.update(kwargs)
    return Invoice(**base)


def test_line_total_must_equal_sum_of_lines():
    lines = (Line(id="1", net_amount=Decimal("10.00")), Line(id="2", net_amount=Decimal("5.01")))
    bad = invoice(lines=lines, totals=Totals(line_net_total=Decimal("15.00")))
    good = invoice(lines=lines, totals=Totals(line_net_total=Decimal("15.01")))
    assert run_rules({"BR-CO-10"}, invoice=bad) == ["BR-CO-10"]
    assert run_rules({"BR-CO-10"}, invoice=good) == []


def test_allowance_total_is_required_when_allowances_exist():
    allowance = AllowanceCharge(amount=Decimal("1.00"), vat_category="S", reason="Rabatt")
    inv = invoice(allowances=(allowance,), totals=Totals(line_net_total=Decimal(10)))
    assert run_rules({"BR-CO-11"}, invoice=inv) == ["BR-CO-11"]


def test_more_than_one_vat_total_breaks_br_co_15():
    totals = Totals(
        tax_exclusive=Decimal("100.00"),
        vat_total=Decimal("19.00"),
        tax_inclusive=Decimal("119.00"),
        vat_total_count=2,
    )
    assert run_rules({"BR-CO-15"}, invoice=invoice(totals=totals)) == ["BR-CO-15"]
    ok = Totals(tax_exclusive=Decimal("100.00"), vat_total=Decimal("19.00"),
                tax_inclusive=Decimal("119.00"), vat_total_count=1)  # fmt: skip
    assert run_rules({"BR-CO-15"}, invoice=invoice(totals=ok)) == []


def test_breakdown_tax_has_the_official_tolerance():
    close = VatBreakdown(
        category="S",
        rate=Decimal(19),
        taxable_amount=Decimal("3986.34"),
        tax_amount=Decimal("757.41"),
    )
    far = VatBreakdown(
        category="S",
        rate=Decimal(19),
        taxable_amount=Decimal("3986.34"),
        tax_amount=Decimal("760.00"),
    )
    assert run_rules({"BR-CO-17"}, invoice=invoice(vat_breakdown=(close,))) == []
    assert run_rules({"BR-CO-17"}, invoice=invoice(vat_breakdown=(far,))) == ["BR-CO-17"]


def test_amounts_with_three_decimals_break_br_dec():
    totals = Totals(payable=Decimal("10.001"), tax_exclusive=Decimal("10.00"))
    assert run_rules({"BR-DEC-18", "BR-DEC-12"}, invoice=invoice(totals=totals)) == ["BR-DEC-18"]


def test_missing_mandatory_fields_are_reported():
    fired = run_rules({"BR-02", "BR-16"}, invoice=invoice(number=None))
    assert sorted(fired) == ["BR-02", "BR-16"]


def test_factur_x_minimum_runs_only_its_own_subset():
    inv = invoice(number=None)
    assert run_rules({"BR-02", "BR-16"}, invoice=inv, profile="minimum", syntax="cii") == ["BR-02"]
