"""EN 16931 VAT category rules BR-S/Z/E/AE/IC/G/O/AF/AG-*."""

from decimal import Decimal

import pytest

from invoicing.model import Address, Delivery, Invoice, Line, Party, TaxRepresentative, VatBreakdown
from tests.invoicing import needs_corpus
from tests.invoicing.rules._business import error_ids, listed_cases, run_rules, valid_rows

PATTERN = r"BR-(S|Z|E|AE|IC|G|O|AF|AG|B)-"


@needs_corpus
@pytest.mark.parametrize(("row", "rule_id"), listed_cases(PATTERN))
def test_official_error_is_reported(row, rule_id):
    assert rule_id in error_ids(row["path"])


@needs_corpus
@pytest.mark.parametrize("row", valid_rows())
def test_valid_file_gets_no_vat_category_error(row):
    import re

    assert [r for r in error_ids(row["path"]) if re.match(PATTERN, r)] == []


def s_line(net="100.00", rate="19") -> Line:
    return Line(id="1", net_amount=Decimal(net), vat_category="S", vat_rate=Decimal(rate))


def s_breakdown(taxable="100.00", tax="19.00") -> VatBreakdown:
    return VatBreakdown(
        category="S", rate=Decimal(19), taxable_amount=Decimal(taxable), tax_amount=Decimal(tax)
    )


def test_standard_rate_line_needs_a_seller_vat_id():
    inv = Invoice(lines=(s_line(),), seller=Party(name="A"), vat_breakdown=(s_breakdown(),))
    assert run_rules({"BR-S-02"}, invoice=inv) == ["BR-S-02"]
    with_rep = Invoice(
        lines=(s_line(),),
        seller=Party(name="A"),
        tax_representative=TaxRepresentative(vat_id="DE123456789"),
        vat_breakdown=(s_breakdown(),),
    )
    assert run_rules({"BR-S-02"}, invoice=with_rep) == []


def test_taxable_amount_per_rate_has_tolerance_of_one():
    inv = Invoice(lines=(s_line("100.00"),), vat_breakdown=(s_breakdown("100.99", "19.19"),))
    assert run_rules({"BR-S-08"}, invoice=inv) == []
    inv = Invoice(lines=(s_line("100.00"),), vat_breakdown=(s_breakdown("101.00", "19.19"),))
    assert run_rules({"BR-S-08"}, invoice=inv) == ["BR-S-08"]


def test_used_category_needs_a_breakdown_but_not_the_other_way_round():
    missing = Invoice(lines=(s_line(),), vat_breakdown=())
    assert run_rules({"BR-S-01"}, invoice=missing) == ["BR-S-01"]
    unused_e = VatBreakdown(category="E", rate=Decimal(0), taxable_amount=Decimal(0),
                            tax_amount=Decimal(0), exemption_reason="steuerfrei")  # fmt: skip
    extra = Invoice(lines=(s_line(),), vat_breakdown=(s_breakdown(), unused_e))
    assert run_rules({"BR-E-01", "BR-S-01"}, invoice=extra) == []


def test_not_subject_to_vat_forbids_vat_ids():
    line = Line(id="1", net_amount=Decimal(10), vat_category="O")
    inv = Invoice(lines=(line,), seller=Party(vat_id="DE123456789"))
    assert run_rules({"BR-O-02"}, invoice=inv) == ["BR-O-02"]


def test_intra_community_supply_needs_delivery_country():
    breakdown = VatBreakdown(
        category="K",
        rate=Decimal(0),
        taxable_amount=Decimal(10),
        tax_amount=Decimal(0),
        exemption_reason_code="VATEX-EU-IC",
    )
    without = Invoice(vat_breakdown=(breakdown,))
    assert sorted(run_rules({"BR-IC-11", "BR-IC-12"}, invoice=without)) == ["BR-IC-11", "BR-IC-12"]
    delivered = Invoice(
        vat_breakdown=(breakdown,),
        delivery=Delivery(
            actual_delivery_date=__import__("datetime").date(2024, 1, 2),
            address=Address(country_code="FR"),
        ),
    )
    assert run_rules({"BR-IC-11", "BR-IC-12"}, invoice=delivered) == []
