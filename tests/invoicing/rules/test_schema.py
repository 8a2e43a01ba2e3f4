"""XML Schema layer (rule id XSD): official XSD per syntax and profile, German messages."""

from functools import cache

import pytest
from lxml import etree

from invoicing.syntax import detect
from invoicing.validation.context import ValidationContext
from invoicing.validation.findings import Severity
from invoicing.validation.registry import RULES
from invoicing.validation.rules.schema import german_detail, schema_for
from tests.invoicing import CORPUS, manifest, needs_corpus

XSD_RULES = [entry for entry in RULES.values() if entry.id == "XSD"]


def xsd_findings(syntax: str, profile: str, root) -> list:
    context = ValidationContext(syntax=syntax, profile=profile, root=root)
    return [finding for entry in XSD_RULES for finding in entry.run(context)]


@cache
def corpus_findings(path: str) -> tuple:
    detection = detect((CORPUS / path).read_bytes())
    if detection.root is None or detection.syntax is None:
        return ()
    return tuple(xsd_findings(detection.syntax, detection.profile, detection.root))


def rows(kind: str) -> list:
    selected = []
    for row in manifest():
        listed = "XSD" in row["fired_errors"].split(",")
        valid = row["official_verdict"] == "valid"
        if (kind == "listed" and listed) or (kind == "valid" and valid):
            selected.append(pytest.param(row, id=row["path"]))
    return selected


@needs_corpus
@pytest.mark.parametrize("row", rows("listed"))
def test_schema_violation_of_corpus_file_is_reported_as_fatal(row):
    detection = detect((CORPUS / row["path"]).read_bytes())
    if detection.root is None:
        pytest.skip("not well-formed: reported by the well-formedness layer")
    found = corpus_findings(row["path"])
    assert found
    assert all(finding.severity is Severity.FATAL for finding in found)
    assert all(finding.message_de.startswith("Die Rechnung entspricht nicht") for finding in found)


@needs_corpus
@pytest.mark.parametrize("row", rows("valid"))
def test_valid_corpus_file_passes_its_schema(row):
    assert corpus_findings(row["path"]) == ()


UBL_TEMPLATE = """<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
 <cbc:ID>R-1</cbc:ID>
 <cbc:IssueDate>{date}</cbc:IssueDate>
</Invoice>"""


def test_ubl_date_in_wrong_format_is_named_in_german():
    root = etree.fromstring(UBL_TEMPLATE.format(date="01.02.2024").encode())
    found = xsd_findings("ubl", "en16931", root)
    assert found
    assert any("„01.02.2024“" in finding.message_de for finding in found)
    assert any("cbc:IssueDate" in finding.message_de for finding in found)


def test_ubl_missing_mandatory_children_is_reported():
    root = etree.fromstring(UBL_TEMPLATE.format(date="2024-02-01").encode())
    found = xsd_findings("ubl", "en16931", root)
    assert found
    assert "fehlt" in found[0].message_de


def test_unknown_root_is_reported_instead_of_validated():
    root = etree.fromstring(b"<Rechnung/>")
    found = xsd_findings("ubl", "other", root)
    assert len(found) == 1
    assert "Wurzelelement Rechnung" in found[0].message_de


def test_facturx_profiles_use_their_own_schema_and_others_the_full_cii_schema():
    root = etree.fromstring(
        b"<rsm:CrossIndustryInvoice xmlns:rsm="
        b'"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>'
    )
    assert schema_for("cii", "minimum", root)[1] == "Factur-X MINIMUM"
    assert schema_for("cii", "extended", root)[1] == "Factur-X EXTENDED"
    assert schema_for("cii", "xrechnung", root)[1] == "UN/CEFACT CII"
    assert schema_for("cii", "en16931", root)[1] == "UN/CEFACT CII"


def test_unknown_libxml2_message_keeps_the_english_text():
    assert german_detail("something odd").startswith("Verstoß gegen das XML-Schema")


def test_attribute_not_allowed_is_translated():
    message = (
        "Element '{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}ID', "
        "attribute 'foo': The attribute 'foo' is not allowed."
    )
    assert german_detail(message) == "Das Attribut foo ist am Element cbc:ID nicht erlaubt."
