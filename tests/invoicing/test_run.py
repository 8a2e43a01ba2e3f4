import io
from types import MappingProxyType

import pytest
from pypdf import PdfWriter

from invoicing.validation import registry, run
from invoicing.validation.findings import Layer, Severity
from invoicing.validation.registry import rule
from invoicing.validation.run import NOT_CHECKED, XML_WELLFORMED, validate
from invoicing.validation.scenarios import Scenario, scenario_for
from tests.invoicing import CORPUS, needs_corpus

UBL_NS = (
    b'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
    b'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)
CREDIT_NOTE = (
    b'<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" '
    b'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
    b"<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>"
    b"<cbc:ID>GS-1</cbc:ID><cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode></CreditNote>"
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Invoice>&b;</Invoice>'
)
EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<Invoice " + UBL_NS + b"><cbc:Note>&x;</cbc:Note></Invoice>"
)


def pdf_with(name: str, content: bytes) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment(name, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def only_finding(result):
    assert len(result.findings) == 1, result.findings
    return result.findings[0]


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "xxe"])
def test_entity_attacks_are_invalid_with_german_finding(data):
    result = validate(data)
    assert result.valid is False and result.checked
    finding = only_finding(result)
    assert (finding.rule, finding.layer, finding.severity) == (
        XML_WELLFORMED,
        Layer.WELLFORMED,
        Severity.FATAL,
    )
    assert "Sicherheitsgründen" in finding.message_de


def test_fifty_megabyte_xml_is_refused():
    result = validate(b"<Invoice " + UBL_NS + b">" + b" " * (50 * 1024 * 1024) + b"</Invoice>")
    assert result.valid is False
    assert "zu groß" in only_finding(result).message_de


def test_utf16_invoice_is_read():
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
        'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        "<cbc:ID>Rechnung-Ä</cbc:ID></Invoice>"
    ).encode("utf-16")
    result = validate(xml)
    assert result.syntax == "ubl"
    assert result.invoice.number == "Rechnung-Ä"
    assert not any(f.rule == XML_WELLFORMED for f in result.findings)


def test_broken_utf8_is_invalid_with_german_message():
    result = validate(b"<Invoice " + UBL_NS + b"><cbc:ID>M\xfcller</cbc:ID></Invoice>")
    assert result.valid is False
    assert result.syntax == "ubl"
    assert "UTF-8" in only_finding(result).message_de


def test_pdf_with_not_wellformed_embedded_xml_is_invalid():
    result = validate(pdf_with("factur-x.xml", b"<rsm:CrossIndustryInvoice><open>"))
    assert result.syntax == "pdf"
    assert result.valid is False
    finding = only_finding(result)
    assert finding.rule == XML_WELLFORMED
    assert "factur-x.xml" in finding.message_de
    assert result.xml == b"<rsm:CrossIndustryInvoice><open>"


def test_pdf_without_invoice_is_not_checked():
    result = validate(pdf_with("bild.png", b"\x89PNG"))
    assert result.valid is None and not result.checked
    assert "keine eingebettete" in only_finding(result).message_de


def test_credit_note_is_validated_as_ubl():
    result = validate(CREDIT_NOTE)
    assert result.syntax == "ubl"
    assert result.invoice.is_credit_note
    assert result.invoice.number == "GS-1"
    assert result.profile == "en16931"


@pytest.mark.parametrize(
    "data",
    [
        b"<Bestellung/>",
        b'<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"/>',
        b"",
        b"\x00\x01 binary",
    ],
    ids=["unknown-root", "zugferd1", "empty", "binary"],
)
def test_unsupported_input_is_not_checked_with_german_finding(data):
    result = validate(data)
    assert result.valid is None
    assert not result.checked
    finding = only_finding(result)
    assert finding.message_de and finding.message_de != finding.message_en
    assert result.errors == (finding,)


def test_a_failing_rule_makes_the_result_not_checked(monkeypatch):
    monkeypatch.setattr(registry, "RULES", dict(registry.RULES))
    monkeypatch.setattr(run, "RULES", registry.RULES)

    @rule("TEST-BOOM", layer=Layer.OWN, de="kaputt", en="broken")
    def boom(ctx):
        raise RuntimeError("rule bug")

    result = validate(CREDIT_NOTE)
    assert result.valid is None
    assert not result.checked
    (marker,) = [
        f for f in result.findings if f.rule == NOT_CHECKED and "TEST-BOOM" in f.message_de
    ]
    assert marker.layer == Layer.OWN
    assert "nicht geprüft" in marker.message_de


def test_an_applicability_test_that_fails_for_a_whole_layer_makes_it_not_checked(monkeypatch):
    monkeypatch.setattr(registry, "RULES", {})
    monkeypatch.setattr(run, "RULES", registry.RULES)

    def broken_applies(ctx):
        raise RuntimeError("applicability bug")

    for rule_id in ("TEST-A", "TEST-B"):
        rule(rule_id, layer=Layer.OWN, de="x", en="x", applies=broken_applies)(lambda ctx: ())

    result = validate(CREDIT_NOTE)
    assert result.valid is None
    (marker,) = [f for f in result.findings if f.rule == NOT_CHECKED]
    assert "TEST-A, TEST-B" in marker.message_de


def test_findings_get_the_scenario_severity(monkeypatch):
    monkeypatch.setattr(registry, "RULES", dict(registry.RULES))
    monkeypatch.setattr(run, "RULES", registry.RULES)
    real_scenario_for = run.scenario_for

    def with_override(*args, **kwargs):
        scenario = real_scenario_for(*args, **kwargs)
        overrides = {**scenario.overrides, "TEST-DOWNGRADED": Severity.WARNING}
        return Scenario(scenario.name, scenario.layers, MappingProxyType(overrides))

    monkeypatch.setattr(run, "scenario_for", with_override)

    @rule("TEST-DOWNGRADED", layer=Layer.OWN, de="Einheit {unit}", en="unit {unit}")
    def always(ctx):
        yield registry.Violation("/*", {"unit": "XYZ"})

    result = validate(CREDIT_NOTE)
    mine = [f for f in result.findings if f.rule == "TEST-DOWNGRADED"]
    assert len(mine) == 1 and mine[0].severity == Severity.WARNING
    assert mine[0].message_de == "Einheit XYZ"
    assert mine[0] in result.warnings and mine[0] not in result.errors


def test_rules_that_cannot_be_loaded_never_give_valid(monkeypatch):
    monkeypatch.setattr(run, "_rules_loaded", True)
    monkeypatch.setattr(run, "_rules_error", "SyntaxError: bad module")
    result = validate(CREDIT_NOTE)
    assert result.valid is None
    assert any(f.rule == NOT_CHECKED for f in result.findings)


@pytest.mark.parametrize(
    ("profile", "syntax", "cid", "credit", "rule_id", "severity"),
    [
        ("xrechnung", "ubl", "urn:x:xrechnung_3.0", False, "UBL-CR-646", Severity.ERROR),
        ("xrechnung", "ubl", "urn:x:xrechnung_3.0", True, "BR-CL-21", Severity.WARNING),
        ("xrechnung", "cii", "urn:x:xrechnung_3.0", False, "CII-SR-453", Severity.ERROR),
        (
            "xrechnung",
            "cii",
            "urn:x#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0",
            False,
            "BR-CL-25",
            Severity.INFORMATION,
        ),
    ],
)
def test_xrechnung_scenarios_override_severities(profile, syntax, cid, credit, rule_id, severity):
    scenario = scenario_for(profile, syntax, cid, credit_note=credit)
    assert scenario.overrides[rule_id] == severity
    assert Layer.XRECHNUNG in scenario.layers


def test_non_xrechnung_profiles_have_no_overrides_and_no_xrechnung_layer():
    scenario = scenario_for("en16931", "cii")
    assert not scenario.overrides
    assert Layer.XRECHNUNG not in scenario.layers


@needs_corpus
def test_corpus_pdf_gives_embedded_xml_and_model():
    path = CORPUS / "zugferd-corpus/ZUGFeRDv2/correct/intarsys/BASIC/zugferd_2p0_BASIC_Einfach.pdf"
    result = validate(path.read_bytes(), filename=path.name)
    assert (result.syntax, result.xml_syntax, result.profile) == ("pdf", "cii", "basic")
    assert result.xml.lstrip().startswith(b"<")
    assert result.invoice is not None and result.invoice.totals.payable is not None
    assert result.as_json()["path"] == path.name
