"""XRechnung national rules BR-DE-* and extension rules BR-DEX-*."""

import pytest

from invoicing.validation.rules.xrechnung import skonto_text_ok
from tests.invoicing import needs_corpus
from tests.invoicing.rules._business import error_ids, listed_cases, run_rules, valid_rows


@needs_corpus
@pytest.mark.parametrize(("row", "rule_id"), listed_cases(r"BR-DEX?-"))
def test_official_error_is_reported(row, rule_id):
    assert rule_id in error_ids(row["path"])


@needs_corpus
@pytest.mark.parametrize("row", valid_rows())
def test_valid_file_gets_no_xrechnung_error(row):
    assert [r for r in error_ids(row["path"]) if r.startswith("BR-DE")] == []


@pytest.mark.parametrize(
    "text",
    [
        "Zahlbar innerhalb von 30 Tagen",
        "#SKONTO#TAGE=14#PROZENT=2.00#\n",
        "#SKONTO#TAGE=7#PROZENT=3.00#\n#SKONTO#TAGE=14#PROZENT=2.00#\nDanach netto.",
        "#SKONTO#TAGE=14#PROZENT=2.00#BASISBETRAG=100.00#\n",
        "  #SKONTO#TAGE=14#PROZENT=2.00#  \n",
    ],
)
def test_well_formed_payment_terms_pass_br_de_18(text):
    assert skonto_text_ok(text)


@pytest.mark.parametrize(
    "text",
    [
        "#SKONTO#TAGE=14#PROZENT=2.00#",  # no line break after the entry
        "#skonto#TAGE=14#PROZENT=2.00#\n",  # lower case keyword
        "#SKONTO#TAGE=14#PROZENT=2.0#\n",  # one decimal only
        "#SKONTO#TAGE=14#PROZENT=2.000#\n",  # three decimals
        "#SKONTO# TAGE=14#PROZENT=2.00#\n",  # whitespace inside
        "#SKONTO#TAGE=14#PROZENT=2.00#text\n",  # text after the end
    ],
)
def test_malformed_skonto_breaks_br_de_18(text):
    assert not skonto_text_ok(text)


RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
CII = (
    f'<rsm:CrossIndustryInvoice xmlns:rsm="{RSM}" xmlns:ram="{RAM}">'
    "<rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeSettlement>{settlement}"
    "</ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>"
    "</rsm:CrossIndustryInvoice>"
)


def test_direct_debit_without_creditor_id_breaks_br_de_30():
    settlement = (
        "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>59</ram:TypeCode>"
        "<ram:PayerPartyDebtorFinancialAccount><ram:IBANID>DE02120300000000202051</ram:IBANID>"
        "</ram:PayerPartyDebtorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>"
        "<ram:SpecifiedTradePaymentTerms><ram:DirectDebitMandateID>M-1</ram:DirectDebitMandateID>"
        "</ram:SpecifiedTradePaymentTerms>"
    )
    fired = run_rules(
        {"BR-DE-30", "BR-DE-31", "BR-DE-25-a"},
        xml=CII.format(settlement=settlement).encode(),
        syntax="cii",
        profile="xrechnung",
    )
    assert fired == ["BR-DE-30"]


def test_xrechnung_rules_do_not_run_for_other_profiles():
    xml = CII.format(settlement="").encode()
    assert run_rules({"BR-DE-1", "BR-DE-15"}, xml=xml, syntax="cii", profile="en16931") == []
    assert sorted(
        run_rules({"BR-DE-1", "BR-DE-15"}, xml=xml, syntax="cii", profile="xrechnung")
    ) == [
        "BR-DE-1",
        "BR-DE-15",
    ]
