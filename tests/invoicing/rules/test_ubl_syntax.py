"""UBL syntax binding rules (UBL-CR-*, UBL-SR-*, UBL-DT-*) on real corpus files and snippets."""

from functools import cache

import pytest
from lxml import etree

import invoicing.validation.rules  # noqa: F401  (registers the rules)
from invoicing.syntax import detect
from invoicing.validation.context import ValidationContext
from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import RULES
from tests.invoicing import CORPUS, manifest, needs_corpus

UBL_RULES = [
    entry
    for entry in RULES.values()
    if entry.layer == Layer.SYNTAX_BINDING and entry.id.startswith("UBL-")
]


def run(root, profile="xrechnung") -> list:
    context = ValidationContext(syntax="ubl", profile=profile, root=root)
    return [finding for entry in UBL_RULES for finding in entry.run(context)]


@cache
def corpus_findings(path: str) -> tuple:
    detection = detect((CORPUS / path).read_bytes())
    return tuple(run(detection.root, detection.profile))


def listed_cases() -> list:
    return [
        pytest.param(row, rule_id, id=f"{rule_id}:{row['path']}")
        for row in manifest()
        for rule_id in row["fired_errors"].split(",") + row["fired_warnings"].split(",")
        if rule_id.startswith("UBL-")
    ]


def valid_ubl_rows() -> list:
    return [
        pytest.param(row, id=row["path"])
        for row in manifest()
        if row["syntax"] == "ubl" and row["official_verdict"] == "valid"
    ]


@needs_corpus
@pytest.mark.parametrize(("row", "rule_id"), listed_cases())
def test_rule_listed_in_manifest_fires(row, rule_id):
    assert rule_id in {finding.rule for finding in corpus_findings(row["path"])}


@needs_corpus
@pytest.mark.parametrize("row", valid_ubl_rows())
def test_valid_ubl_file_gets_no_syntax_binding_error(row):
    errors = [f.rule for f in corpus_findings(row["path"]) if f.severity.rejects]
    assert errors == []


@needs_corpus
def test_no_ubl_syntax_error_beyond_the_manifest():
    for row in manifest():
        if row["syntax"] != "ubl":
            continue
        expected = set(row["fired_errors"].split(","))
        errors = {f.rule for f in corpus_findings(row["path"]) if f.severity.rejects}
        assert errors <= expected, row["path"]


HEAD = """<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
 {body}
</Invoice>"""


def snippet(body: str):
    return etree.fromstring(HEAD.format(body=body).encode())


def rules_fired(body: str, profile="xrechnung") -> dict:
    return {finding.rule: finding for finding in run(snippet(body), profile)}


def test_tax_scheme_without_company_id_violates_ubl_sr_53():
    fired = rules_fired(
        "<cac:AccountingSupplierParty><cac:Party><cac:PartyTaxScheme>"
        "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
        "</cac:PartyTaxScheme></cac:Party></cac:AccountingSupplierParty>"
    )
    assert fired["UBL-SR-53"].severity is Severity.ERROR
    assert fired["UBL-SR-53"].path.endswith("cac:PartyTaxScheme")
    assert "cbc:CompanyID" in fired["UBL-SR-53"].message_de


def test_complete_tax_scheme_is_fine():
    fired = rules_fired(
        "<cac:AccountingSupplierParty><cac:Party><cac:PartyTaxScheme>"
        "<cbc:CompanyID>DE123456789</cbc:CompanyID>"
        "<cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>"
        "</cac:PartyTaxScheme></cac:Party></cac:AccountingSupplierParty>"
    )
    assert "UBL-SR-53" not in fired


def test_sub_invoice_line_is_a_cen_warning():
    fired = rules_fired("<cac:InvoiceLine><cac:SubInvoiceLine/></cac:InvoiceLine>")
    assert fired["UBL-CR-646"].severity is Severity.WARNING
    assert "cac:SubInvoiceLine" in fired["UBL-CR-646"].message_de


def test_scheme_id_on_tax_category_names_the_attribute():
    fired = rules_fired(
        '<cac:TaxTotal><cac:TaxSubtotal><cac:TaxCategory><cbc:ID schemeID="UNCL5305">S</cbc:ID>'
        "</cac:TaxCategory></cac:TaxSubtotal></cac:TaxTotal>"
    )
    assert "Attribut schemeID am Element cbc:ID" in fired["UBL-CR-678"].message_de
    assert fired["UBL-CR-678"].path.endswith("/@schemeID")


def test_amount_with_three_decimals_violates_ubl_dt_01():
    fired = rules_fired(
        '<cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">10.005</cbc:PayableAmount>'
        "</cac:LegalMonetaryTotal>"
    )
    assert "„10.005“" in fired["UBL-DT-01"].message_de


def test_price_amount_may_have_more_decimals():
    fired = rules_fired(
        '<cac:InvoiceLine><cac:Price><cbc:PriceAmount currencyID="EUR">1.2345</cbc:PriceAmount>'
        "</cac:Price></cac:InvoiceLine>"
    )
    assert "UBL-DT-01" not in fired


def test_two_invoice_periods_violate_ubl_sr_08():
    fired = rules_fired("<cac:InvoicePeriod/><cac:InvoicePeriod/>")
    assert "höchstens 1-mal" in fired["UBL-SR-08"].message_de


def test_different_payment_means_codes_violate_ubl_sr_47():
    fired = rules_fired(
        "<cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode></cac:PaymentMeans>"
        "<cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode></cac:PaymentMeans>"
    )
    assert "30, 58" in fired["UBL-SR-47"].message_de


def test_cen_rules_do_not_run_for_facturx_profiles():
    assert rules_fired("<cac:InvoicePeriod/><cac:InvoicePeriod/>", profile="extended") == {}
