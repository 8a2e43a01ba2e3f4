"""CII syntax binding rules (CII-SR-*, CII-DT-*) on real corpus files and snippets."""

from functools import cache

import pytest
from lxml import etree

import invoicing.validation.rules  # noqa: F401  (registers the rules)
from invoicing.syntax import detect
from invoicing.validation.context import ValidationContext
from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import RULES
from tests.invoicing import CORPUS, manifest, needs_corpus

CII_RULES = [
    entry
    for entry in RULES.values()
    if entry.layer == Layer.SYNTAX_BINDING and entry.id.startswith("CII-")
]


def run(root, profile="xrechnung") -> list:
    context = ValidationContext(syntax="cii", profile=profile, root=root)
    return [finding for entry in CII_RULES for finding in entry.run(context)]


@cache
def corpus_findings(path: str) -> tuple:
    detection = detect((CORPUS / path).read_bytes())
    if detection.syntax != "cii" or detection.root is None:
        return ()
    return tuple(run(detection.root, detection.profile))


def listed_cases() -> list:
    return [
        pytest.param(row, rule_id, id=f"{rule_id}:{row['path']}")
        for row in manifest()
        for rule_id in row["fired_errors"].split(",") + row["fired_warnings"].split(",")
        if rule_id.startswith("CII-")
    ]


def valid_cii_rows() -> list:
    return [
        pytest.param(row, id=row["path"])
        for row in manifest()
        if row["syntax"] in ("cii", "pdf") and row["official_verdict"] == "valid"
    ]


@needs_corpus
@pytest.mark.parametrize(("row", "rule_id"), listed_cases())
def test_rule_listed_in_manifest_fires(row, rule_id):
    # CII-SR-452/453 are CEN warnings that the KoSIT scenario raises: any level counts here.
    assert rule_id in {finding.rule for finding in corpus_findings(row["path"])}


@needs_corpus
@pytest.mark.parametrize("row", valid_cii_rows())
def test_valid_cii_file_gets_no_syntax_binding_error(row):
    errors = [f.rule for f in corpus_findings(row["path"]) if f.severity.rejects]
    assert errors == []


@needs_corpus
def test_no_cii_syntax_error_beyond_the_manifest_and_warnings_match():
    for row in manifest():
        if row["syntax"] not in ("cii", "pdf"):
            continue
        found = corpus_findings(row["path"])
        errors = {f.rule for f in found if f.severity.rejects}
        assert errors <= set(row["fired_errors"].split(",")), row["path"]
        listed = {r for r in row["fired_errors"].split(",") + row["fired_warnings"].split(",")}
        listed = {r for r in listed if r.startswith("CII-")}
        assert {f.rule for f in found} == listed, row["path"]


HEAD = """<rsm:CrossIndustryInvoice
 xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
  <ram:ID>urn:cen.eu:en16931:2017</ram:ID>
 </ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:TypeCode>380</ram:TypeCode></rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>{body}</rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"""


def rules_fired(body: str, profile="en16931") -> dict:
    root = etree.fromstring(HEAD.format(body=body).encode())
    return {finding.rule: finding for finding in run(root, profile)}


def test_minimal_document_is_clean():
    assert rules_fired("") == {}


def test_two_tax_point_dates_violate_cii_sr_461():
    fired = rules_fired(
        "<ram:ApplicableHeaderTradeSettlement>"
        "<ram:ApplicableTradeTax><ram:TaxPointDate/></ram:ApplicableTradeTax>"
        "<ram:ApplicableTradeTax><ram:TaxPointDate/></ram:ApplicableTradeTax>"
        "</ram:ApplicableHeaderTradeSettlement>"
    )
    assert fired["CII-SR-461"].severity is Severity.ERROR
    assert "2-mal" in fired["CII-SR-461"].message_de


def test_two_payment_terms_are_a_cen_warning():
    fired = rules_fired(
        "<ram:ApplicableHeaderTradeSettlement>"
        "<ram:SpecifiedTradePaymentTerms/><ram:SpecifiedTradePaymentTerms/>"
        "</ram:ApplicableHeaderTradeSettlement>"
    )
    assert fired["CII-SR-452"].severity is Severity.WARNING


def test_iban_and_proprietary_id_together_violate_cii_sr_470():
    fired = rules_fired(
        "<ram:ApplicableHeaderTradeSettlement><ram:SpecifiedTradeSettlementPaymentMeans>"
        "<ram:TypeCode>58</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount>"
        "<ram:IBANID>DE02120300000000202051</ram:IBANID><ram:ProprietaryID>1</ram:ProprietaryID>"
        "</ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>"
        "</ram:ApplicableHeaderTradeSettlement>"
    )
    assert "CII-SR-470" in fired


def test_currency_on_line_amount_violates_cii_dt_031_but_not_on_tax_total():
    fired = rules_fired(
        "<ram:ApplicableHeaderTradeSettlement>"
        "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
        '<ram:TaxTotalAmount currencyID="EUR">1.00</ram:TaxTotalAmount>'
        "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
        "</ram:ApplicableHeaderTradeSettlement>"
    )
    assert "CII-DT-031" not in fired
    fired = rules_fired(
        "<ram:ApplicableHeaderTradeSettlement>"
        "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
        '<ram:LineTotalAmount currencyID="EUR">1.00</ram:LineTotalAmount>'
        "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
        "</ram:ApplicableHeaderTradeSettlement>"
    )
    assert "Attribut currencyID am Element ram:LineTotalAmount" in fired["CII-DT-031"].message_de


def test_wrong_date_format_102_violates_cii_dt_097():
    fired = rules_fired(
        "<ram:ApplicableHeaderTradeDelivery><ram:ActualDeliverySupplyChainEvent>"
        '<ram:OccurrenceDateTime><udt:DateTimeString format="102">2024-01-31'
        "</udt:DateTimeString></ram:OccurrenceDateTime>"
        "</ram:ActualDeliverySupplyChainEvent></ram:ApplicableHeaderTradeDelivery>"
    )
    assert "„2024-01-31“" in fired["CII-DT-097"].message_de


def test_cen_rules_do_not_run_for_facturx_extended():
    body = (
        "<ram:ApplicableHeaderTradeSettlement>"
        "<ram:ApplicableTradeTax><ram:TaxPointDate/></ram:ApplicableTradeTax>"
        "<ram:ApplicableTradeTax><ram:TaxPointDate/></ram:ApplicableTradeTax>"
        "</ram:ApplicableHeaderTradeSettlement>"
    )
    assert rules_fired(body, profile="extended") == {}
