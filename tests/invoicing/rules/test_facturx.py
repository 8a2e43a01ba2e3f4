"""Factur-X profile rules: FX-NOT-USED and the FX-SCH-A-* code list / cardinality assertions."""

from functools import cache

import pytest
from lxml import etree

import invoicing.validation.rules  # noqa: F401  (registers the rules)
from invoicing.syntax import detect
from invoicing.validation.context import ValidationContext
from invoicing.validation.findings import Layer
from invoicing.validation.registry import RULES
from tests.invoicing import CORPUS, manifest, needs_corpus

FX_RULES = [entry for entry in RULES.values() if entry.layer == Layer.FACTURX]


def run(root, profile) -> list:
    context = ValidationContext(syntax="cii", profile=profile, root=root)
    return [finding for entry in FX_RULES for finding in entry.run(context)]


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
        for rule_id in row["fired_errors"].split(",")
        if rule_id.startswith("FX-")
    ]


@needs_corpus
@pytest.mark.parametrize(("row", "rule_id"), listed_cases())
def test_rule_listed_in_manifest_fires(row, rule_id):
    assert rule_id in {finding.rule for finding in corpus_findings(row["path"])}


@needs_corpus
def test_no_facturx_error_beyond_the_manifest():
    for row in manifest():
        if row["syntax"] not in ("cii", "pdf"):
            continue
        errors = {f.rule for f in corpus_findings(row["path"]) if f.severity.rejects}
        assert errors <= set(row["fired_errors"].split(",")), row["path"]


@needs_corpus
@pytest.mark.parametrize(
    "row",
    [
        pytest.param(row, id=row["path"])
        for row in manifest()
        if row["profile"] in ("basic", "extended") and row["official_verdict"] == "valid"
    ],
)
def test_valid_facturx_file_gets_no_profile_finding(row):
    assert corpus_findings(row["path"]) == ()


def document(guideline: str, agreement: str = "", settlement: str = ""):
    text = f"""<rsm:CrossIndustryInvoice
 xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter>
  <ram:ID>{guideline}</ram:ID>
 </ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
 <rsm:ExchangedDocument><ram:ID>1</ram:ID><ram:TypeCode>380</ram:TypeCode>
 </rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction>
  <ram:ApplicableHeaderTradeAgreement>{agreement}</ram:ApplicableHeaderTradeAgreement>
  <ram:ApplicableHeaderTradeDelivery/>
  <ram:ApplicableHeaderTradeSettlement>{settlement}</ram:ApplicableHeaderTradeSettlement>
 </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>"""
    return etree.fromstring(text.encode())


MINIMUM = "urn:factur-x.eu:1p0:minimum"
EXTENDED = "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended"
BUYER_ADDRESS = (
    "<ram:BuyerTradeParty><ram:Name>Stadt</ram:Name>"
    "<ram:PostalTradeAddress><ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>"
    "</ram:BuyerTradeParty>"
)


def test_buyer_address_is_not_used_in_minimum():
    found = run(document(MINIMUM, BUYER_ADDRESS), "minimum")
    not_used = [f for f in found if f.rule == "FX-NOT-USED"]
    assert len(not_used) == 1
    assert "ram:PostalTradeAddress" in not_used[0].message_de
    assert "MINIMUM" in not_used[0].message_de
    assert not_used[0].path.endswith("ram:BuyerTradeParty/ram:PostalTradeAddress")


def test_profile_rules_need_a_facturx_guideline():
    found = run(document("urn:cen.eu:en16931:2017", BUYER_ADDRESS), "minimum")
    assert found == []


def test_profile_rules_do_not_run_for_xrechnung():
    assert run(document(MINIMUM, BUYER_ADDRESS), "xrechnung") == []


def test_unknown_allowance_reason_code_in_extended_is_reported():
    settlement = (
        "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false"
        "</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>1.00</ram:ActualAmount>"
        "<ram:ReasonCode>XYZ</ram:ReasonCode></ram:SpecifiedTradeAllowanceCharge>"
    )
    found = run(document(EXTENDED, settlement=settlement), "extended")
    codes = [f for f in found if f.rule.startswith("FX-SCH-A-") and "„XYZ“" in f.message_de]
    assert codes
    assert "EXTENDED" in codes[0].message_de


def test_missing_seller_in_extended_violates_a_cardinality_assertion():
    found = run(document(EXTENDED), "extended")
    messages = [f.message_de for f in found if f.rule.startswith("FX-SCH-A-")]
    assert any("ram:SellerTradeParty genau 1-mal" in message for message in messages)
