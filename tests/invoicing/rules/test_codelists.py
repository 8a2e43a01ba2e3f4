"""EN 16931 code list rules BR-CL-* and the code list tables."""

import pytest

from invoicing.validation import codelists
from tests.invoicing import needs_corpus
from tests.invoicing.rules._business import error_ids, listed_cases, run_rules, valid_rows


@needs_corpus
@pytest.mark.parametrize(("row", "rule_id"), listed_cases(r"BR-CL-"))
def test_official_error_is_reported(row, rule_id):
    assert rule_id in error_ids(row["path"])


@needs_corpus
@pytest.mark.parametrize("row", valid_rows())
def test_valid_file_gets_no_code_list_error(row):
    assert [r for r in error_ids(row["path"]) if r.startswith("BR-CL-")] == []


def test_tables_contain_the_common_codes():
    assert {"EUR", "USD", "CHF"} <= codelists.CURRENCIES
    assert {"DE", "FR", "XI", "1A"} <= codelists.COUNTRIES
    assert {"C62", "H87", "HUR", "XPP"} <= codelists.UNIT_CODES
    assert {"EM", "0204", "9930"} <= codelists.EAS_SCHEMES
    assert "9958" not in codelists.EAS_SCHEMES  # withdrawn DE:LID scheme
    assert {"58", "59", "30", "ZZZ"} <= codelists.PAYMENT_MEANS
    assert "384" in codelists.INVOICE_TYPE_CODES and "381" in codelists.CREDIT_NOTE_TYPE_CODES


UBL = (
    '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"'
    ' xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"'
    ' xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
    "<cbc:InvoiceTypeCode>{type_code}</cbc:InvoiceTypeCode>"
    "<cbc:DocumentCurrencyCode>{currency}</cbc:DocumentCurrencyCode>"
    '<cac:AccountingSupplierParty><cac:Party><cbc:EndpointID schemeID="{eas}">x</cbc:EndpointID>'
    "</cac:Party></cac:AccountingSupplierParty>"
    '<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="{currency}">1</cbc:PayableAmount>'
    "</cac:LegalMonetaryTotal></Invoice>"
)
IDS = {"BR-CL-01", "BR-CL-03", "BR-CL-04", "BR-CL-25"}


def test_good_codes_pass():
    xml = UBL.format(type_code="380", currency="EUR", eas="0204").encode()
    assert run_rules(IDS, xml=xml) == []


def test_bad_codes_are_reported_once_per_place():
    xml = UBL.format(type_code="381", currency="EURO", eas="9958").encode()
    assert sorted(run_rules(IDS, xml=xml)) == ["BR-CL-01", "BR-CL-03", "BR-CL-04", "BR-CL-25"]


def test_code_list_rules_do_not_run_for_factur_x_profiles():
    xml = UBL.format(type_code="381", currency="EURO", eas="9958").encode()
    assert run_rules(IDS, xml=xml, profile="basic") == []
