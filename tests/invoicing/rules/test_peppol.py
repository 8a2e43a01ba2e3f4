"""Peppol BIS 3.0 rules (PEPPOL-EN16931-*, PEPPOL-COMMON-*, DE-R-*, SE-R-*)."""

import pytest

from invoicing.validation.rules.peppol import XRECHNUNG_WHITELIST, gln_ok, luhn_ok
from tests.invoicing import needs_corpus
from tests.invoicing.rules._business import error_ids, listed_cases, run_rules, valid_rows

PREFIXES = ("PEPPOL-", "DE-R-", "SE-R-")


@needs_corpus
@pytest.mark.parametrize(("row", "rule_id"), listed_cases(r"(PEPPOL-|DE-R-|SE-R-)"))
def test_official_error_is_reported(row, rule_id):
    assert rule_id in error_ids(row["path"])


@needs_corpus
@pytest.mark.parametrize("row", valid_rows())
def test_valid_file_gets_no_peppol_error(row):
    assert [r for r in error_ids(row["path"]) if r.startswith(PREFIXES)] == []


def test_check_digit_helpers():
    assert luhn_ok("5560360793")
    assert not luhn_ok("5560360794")
    assert gln_ok("4012345000009")
    assert not gln_ok("4098765000004")


UBL = (
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"'
    ' xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"'
    ' xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
    "<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>{body}</Invoice>"
)


def test_two_tax_totals_with_subtotals_break_r053():
    subtotal = "<cac:TaxTotal><cac:TaxSubtotal/></cac:TaxTotal>"
    xml = UBL.format(body=subtotal * 2).encode()
    assert run_rules({"PEPPOL-EN16931-R053"}, xml=xml, profile="peppol") == ["PEPPOL-EN16931-R053"]
    xml = UBL.format(body=subtotal).encode()
    assert run_rules({"PEPPOL-EN16931-R053"}, xml=xml, profile="peppol") == []


def test_only_whitelisted_rules_run_for_xrechnung():
    xml = UBL.format(body="").encode()
    assert "PEPPOL-EN16931-R003" not in XRECHNUNG_WHITELIST
    assert run_rules({"PEPPOL-EN16931-R003"}, xml=xml, profile="xrechnung") == []
    assert run_rules({"PEPPOL-EN16931-R003"}, xml=xml, profile="peppol") == ["PEPPOL-EN16931-R003"]
    assert run_rules({"PEPPOL-EN16931-R010"}, xml=xml, profile="xrechnung") == [
        "PEPPOL-EN16931-R010"
    ]
