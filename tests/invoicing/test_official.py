"""The optional cross-check against a KoSIT validator configuration (`invoicing.official`).

The configuration under tests/data/official/ is a tiny self-written stand-in (see its README);
the mechanism is the same as with the real XRechnung configuration.
"""

import os
import shutil
import threading
from pathlib import Path

import pytest

from invoicing.official import (
    SCHEMA_RULE,
    WELLFORMED_RULE,
    OfficialMessage,
    OfficialRules,
    OfficialRulesError,
    OfficialVerdict,
    Scenario,
    UnavailableRules,
    compare,
    load_scenarios,
    official_rules,
    parse_svrl,
)
from invoicing.validation.findings import Finding, Layer, Severity
from invoicing.validation.run import NOT_CHECKED, ValidationResult, validate
from tests.invoicing import CORPUS, needs_corpus

DATA = Path(__file__).resolve().parents[1] / "data" / "official"
CONFIG = DATA / "config"
INVOICES = DATA / "invoices"
UBL_SCENARIO = "Test XRechnung (UBL Invoice)"
CII_SCENARIO = "Test XRechnung (CII)"
STANDARD = "xrechnung-testsuite/src/test/business-cases/standard"
CORPUS_UBL = f"{STANDARD}/01.01a-INVOICE_ubl.xml"
CORPUS_CII = f"{STANDARD}/01.01a-INVOICE_uncefact.xml"
CORPUS_BR_DE_18 = (
    "xrechnung-schematron/test/instances/ubl-inv/ubl-inv-br-de-18-case-sensitive-keyword-3.xml"
)
CORPUS_EN16931 = "eInvoicing-EN16931/ubl/examples/ubl-tc434-example3.xml"

SVRL = b"""<?xml version="1.0" encoding="UTF-8"?>
<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
  <svrl:active-pattern id="p"/>
  <svrl:fired-rule context="/"/>
  <svrl:failed-assert id="BR-DE-15" flag="fatal" location="/*:Invoice[1]">
    <svrl:text>[BR-DE-15] BT-10
      missing</svrl:text>
  </svrl:failed-assert>
  <svrl:failed-assert id="BR-CL-21" flag="fatal" location="/a"><svrl:text>x</svrl:text>
  </svrl:failed-assert>
  <svrl:failed-assert id="W-1" flag="warning" location="/b"><svrl:text>w</svrl:text>
  </svrl:failed-assert>
  <svrl:failed-assert id="NO-FLAG"><svrl:text>n</svrl:text></svrl:failed-assert>
  <svrl:failed-assert id="ROLE" role="information"><svrl:text>r</svrl:text></svrl:failed-assert>
  <svrl:successful-report id="REP-1" flag="error" location="/c">
    <svrl:text>reported</svrl:text>
  </svrl:successful-report>
  <svrl:failed-assert flag="error"><svrl:text>without id</svrl:text></svrl:failed-assert>
</svrl:schematron-output>
"""


def invoice(name: str) -> bytes:
    return (INVOICES / name).read_bytes()


def corpus(relative: str) -> bytes:
    return (CORPUS / relative).read_bytes()


def ours(valid: bool | None, *rules: str) -> ValidationResult:
    """A ValidationResult of our own validator with error findings for `rules`."""
    errors = tuple(
        Finding(
            rule=rule,
            severity=Severity.ERROR,
            layer=Layer.EN16931,
            message_de=rule,
            message_en=rule,
        )
        for rule in rules
    )
    if valid is None:
        errors += (
            Finding(
                rule=NOT_CHECKED,
                severity=Severity.FATAL,
                layer=Layer.EN16931,
                message_de="nicht geprüft",
                message_en="not checked",
            ),
        )
    return ValidationResult(
        syntax="ubl",
        profile="xrechnung",
        customization_id="",
        valid=valid,
        checked=valid is not None,
        findings=errors,
        errors=errors,
        warnings=(),
    )


def official(valid: bool | None, *rules: str, error: str | None = None) -> OfficialVerdict:
    return OfficialVerdict(
        scenario=UBL_SCENARIO if valid is not None else None,
        valid=valid,
        errors=tuple(OfficialMessage(rule, "fatal", rule, None) for rule in rules),
        error=error,
    )


@pytest.fixture
def rules():
    pytest.importorskip("saxonche")
    loaded = official_rules(CONFIG)
    assert isinstance(loaded, OfficialRules), loaded
    return loaded


@pytest.fixture
def config_copy(tmp_path):
    """A private copy of the test configuration, free to be broken by the test."""
    return Path(shutil.copytree(CONFIG, tmp_path / "config"))


# --------------------------------------------------------------------------- scenarios.xml


def test_scenarios_xml_is_read_in_document_order():
    name, scenarios = load_scenarios(CONFIG / "scenarios.xml")
    assert name == "Aktenfluss test configuration"
    assert [s.name for s in scenarios] == [UBL_SCENARIO, CII_SCENARIO]
    ubl, cii = scenarios
    assert (
        dict(ubl.namespaces)["invoice"] == "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
    )
    assert ubl.match.startswith("exists(/invoice:Invoice/cbc:CustomizationID")
    resources = CONFIG.resolve() / "resources"
    assert ubl.schemas == (resources / "ubl" / "tiny-ubl-invoice.xsd",)
    assert ubl.schematrons == (
        resources / "ubl" / "tiny-en16931-ubl.xsl",
        resources / "ubl" / "tiny-xrechnung-ubl.xsl",
    )
    assert ubl.accept_match == "/rep:report/rep:assessment[1]/rep:accept[1]"
    assert cii.accept_match is None


def test_custom_levels_one_id_per_element_and_token_lists():
    _, (ubl, cii) = load_scenarios(CONFIG / "scenarios.xml")
    assert ubl.level_for("BR-CL-21", "fatal") == "warning"
    assert ubl.level_for("BR-TEST-I1", "information") == "error"
    assert ubl.level_for("BR-DE-15", "fatal") == "fatal"
    # <customLevel level="information">BR-TEST-W2 BR-CL-23</customLevel>
    assert cii.level_for("BR-TEST-W2", "warning") == "information"
    assert cii.level_for("BR-CL-23", "fatal") == "information"
    assert cii.level_for("BR-CL-21", "fatal") == "fatal"


def test_unknown_custom_level_is_refused(config_copy):
    scenarios = config_copy / "scenarios.xml"
    text = scenarios.read_text(encoding="utf-8").replace('level="warning"', 'level="ignore"')
    scenarios.write_text(text, encoding="utf-8")
    with pytest.raises(OfficialRulesError, match="ignore"):
        load_scenarios(scenarios)


# --------------------------------------------------------------------------- SVRL


def test_svrl_messages_with_levels_and_custom_overrides():
    scenario = Scenario(
        name="s",
        match="true()",
        namespaces=(),
        schemas=(),
        schematrons=(),
        custom_levels=(("BR-CL-21", "warning"),),
    )
    messages = parse_svrl(SVRL, scenario)
    assert [(m.rule, m.level) for m in messages] == [
        ("BR-DE-15", "fatal"),
        ("BR-CL-21", "warning"),  # customLevel
        ("W-1", "warning"),
        ("NO-FLAG", "error"),  # no flag: an error, as in the KoSIT report
        ("ROLE", "information"),  # role when there is no flag
        ("REP-1", "error"),  # successful-report counts like failed-assert
        ("(ohne ID)", "error"),
    ]
    first = messages[0]
    assert first.text == "[BR-DE-15] BT-10 missing"
    assert first.location == "/*:Invoice[1]"
    assert messages[3].location is None
    assert parse_svrl(SVRL)[1].level == "fatal"  # without a scenario: the flag as it is


def test_output_that_is_not_svrl_is_refused():
    with pytest.raises(ValueError, match="kein SVRL"):
        parse_svrl(b"<report/>")
    with pytest.raises(ValueError, match="kein lesbares SVRL"):
        parse_svrl(b"<svrl:schematron-output")


# --------------------------------------------------------------------------- running the rules


def test_ubl_scenario_selected_and_clean_invoice_valid(rules):
    verdict = rules.check(invoice("ubl-minimal.xml"))
    assert (verdict.scenario, verdict.valid, verdict.error) == (UBL_SCENARIO, True, None)
    assert verdict.errors == () and verdict.warnings == ()


def test_cii_scenario_selected_and_clean_invoice_valid(rules):
    verdict = rules.check(invoice("cii-minimal.xml"))
    assert (verdict.scenario, verdict.valid, verdict.error) == (CII_SCENARIO, True, None)


def test_ubl_findings_with_custom_levels(rules):
    verdict = rules.check(invoice("ubl-findings.xml"))
    assert verdict.scenario == UBL_SCENARIO
    assert verdict.valid is False and verdict.checked
    assert {(m.rule, m.level) for m in verdict.errors} == {
        ("BR-DE-15", "fatal"),
        ("BR-TEST-R1", "error"),  # successful-report
        ("BR-TEST-I1", "error"),  # information raised by customLevel
    }
    assert {(m.rule, m.level) for m in verdict.warnings} == {
        ("BR-TEST-W1", "warning"),
        ("BR-CL-21", "warning"),  # fatal lowered by customLevel
    }
    br_de_15 = next(m for m in verdict.errors if m.rule == "BR-DE-15")
    assert "BT-10 missing" in br_de_15.text
    assert br_de_15.location.endswith("Invoice[1]")
    assert verdict.error_rules == ("BR-DE-15", "BR-TEST-I1", "BR-TEST-R1")


def test_custom_level_token_list_lowers_cii_findings(rules):
    verdict = rules.check(invoice("cii-findings.xml"))
    assert verdict.scenario == CII_SCENARIO
    assert verdict.error_rules == ("BR-DE-15",)
    assert verdict.warnings == ()  # BR-TEST-W2 and BR-CL-23 are information only


def test_xml_schema_of_the_scenario_is_applied(rules):
    verdict = rules.check(invoice("ubl-schema-error.xml"))
    assert verdict.valid is False
    assert [m.rule for m in verdict.errors] == [SCHEMA_RULE]
    assert "Unexpected" in verdict.errors[0].text
    assert verdict.errors[0].location == "Zeile 11"


def test_no_matching_scenario_is_not_checked(rules):
    verdict = rules.check(invoice("ubl-en16931.xml"))
    assert verdict.valid is None and not verdict.checked
    assert verdict.scenario is None
    assert "Kein Szenario" in verdict.error
    comparison = compare(ours(True), verdict)
    assert not comparison.agree and not comparison.checked
    assert comparison.summary_de.startswith("Nicht geprüft:")
    assert "Kein Szenario" in comparison.summary_de


def test_not_wellformed_xml_is_invalid_and_entities_not_checked(rules):
    verdict = rules.check(b"<Invoice><unclosed></Invoice>")
    assert verdict.valid is False
    assert [m.rule for m in verdict.errors] == [WELLFORMED_RULE]
    entities = (
        b'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<Invoice>&x;</Invoice>"
    )
    verdict = rules.check(entities)
    assert verdict.valid is None and "Sicherheitsgründen" in verdict.error


# --------------------------------------------------------------------------- never fail open


def _checked_against(config: Path, data: bytes) -> OfficialVerdict:
    pytest.importorskip("saxonche")
    return official_rules(config).check(data)


def _assert_not_checked(verdict: OfficialVerdict, *words: str) -> None:
    assert verdict.valid is None and verdict.errors == ()
    for word in words:
        assert word in verdict.error
    comparison = compare(ours(True), verdict)
    assert comparison.agree is False
    assert comparison.summary_de.startswith("Nicht geprüft:")
    assert comparison.reason == verdict.error


def test_broken_xslt_is_not_checked_never_agree(config_copy):
    (config_copy / "resources/ubl/tiny-xrechnung-ubl.xsl").write_text(
        '<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:template match="/"><xsl:value-of select="(("/></xsl:template></xsl:stylesheet>',
        encoding="utf-8",
    )
    verdict = _checked_against(config_copy, invoice("ubl-minimal.xml"))
    _assert_not_checked(verdict, "tiny-xrechnung-ubl.xsl", "nicht übersetzen")
    assert verdict.scenario == UBL_SCENARIO
    # the other scenario still works
    assert official_rules(config_copy).check(invoice("cii-minimal.xml")).valid is True


def test_xslt_that_is_not_wellformed_is_not_checked(config_copy):
    (config_copy / "resources/cii/tiny-xrechnung-cii.xsl").write_text("<xsl:stylesheet")
    _assert_not_checked(
        _checked_against(config_copy, invoice("cii-minimal.xml")), "tiny-xrechnung-cii.xsl"
    )


def test_missing_xslt_is_not_checked(config_copy):
    (config_copy / "resources/ubl/tiny-en16931-ubl.xsl").unlink()
    _assert_not_checked(
        _checked_against(config_copy, invoice("ubl-minimal.xml")), "tiny-en16931-ubl.xsl", "fehlt"
    )


def test_missing_schema_is_not_checked(config_copy):
    (config_copy / "resources/ubl/tiny-ubl-invoice.xsd").write_text("<xs:schema", "utf-8")
    _assert_not_checked(
        _checked_against(config_copy, invoice("ubl-minimal.xml")), "tiny-ubl-invoice.xsd"
    )


def test_xslt_raising_at_run_time_is_not_checked(config_copy):
    (config_copy / "resources/ubl/tiny-xrechnung-ubl.xsl").write_text(
        '<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:template match="/"><xsl:sequence select="error((), \'kaputt\')"/>'
        "</xsl:template></xsl:stylesheet>",
        encoding="utf-8",
    )
    _assert_not_checked(
        _checked_against(config_copy, invoice("ubl-minimal.xml")), "abgebrochen", "kaputt"
    )


def test_xslt_not_producing_svrl_is_not_checked(config_copy):
    (config_copy / "resources/ubl/tiny-xrechnung-ubl.xsl").write_text(
        '<xsl:stylesheet version="2.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:template match="/"><report/></xsl:template></xsl:stylesheet>',
        encoding="utf-8",
    )
    _assert_not_checked(_checked_against(config_copy, invoice("ubl-minimal.xml")), "kein SVRL")


def test_broken_match_expression_is_not_checked(config_copy):
    scenarios = config_copy / "scenarios.xml"
    text = scenarios.read_text(encoding="utf-8").replace(
        "exists(/invoice:Invoice", "exists(/undeclared:Invoice", 1
    )
    scenarios.write_text(text, encoding="utf-8")
    _assert_not_checked(
        _checked_against(config_copy, invoice("ubl-minimal.xml")), UBL_SCENARIO, "match"
    )


@pytest.mark.parametrize("content", [None, "<scenarios/>", "<scenarios"])
def test_unusable_configuration_is_not_checked(tmp_path, content):
    if content is not None:
        (tmp_path / "scenarios.xml").write_text(content, encoding="utf-8")
    with pytest.raises(OfficialRulesError):
        OfficialRules.from_directory(tmp_path)
    rules = official_rules(tmp_path)
    assert isinstance(rules, UnavailableRules)
    verdict = rules.check(invoice("ubl-minimal.xml"))
    assert verdict.valid is None and verdict.error == rules.reason
    assert compare(ours(True), verdict).agree is False


# --------------------------------------------------------------------------- caching, threads


def test_stylesheets_compiled_once_and_configuration_cached(config_copy):
    pytest.importorskip("saxonche")
    rules = OfficialRules.from_directory(config_copy)
    assert OfficialRules.from_directory(config_copy) is rules
    assert official_rules(str(config_copy)) is rules
    assert OfficialRules.from_directory(config_copy / "scenarios.xml") is rules
    assert rules.compilations == 0  # compiled on first use only
    for _ in range(3):
        assert rules.check(invoice("ubl-minimal.xml")).valid is True
    assert rules.compilations == 2
    for _ in range(2):
        assert rules.check(invoice("cii-minimal.xml")).valid is True
    assert rules.compilations == 3
    assert rules.check(invoice("ubl-findings.xml")).valid is False
    assert rules.compilations == 3

    # a changed stylesheet is compiled again, a changed scenarios.xml gives a new instance
    stylesheet = config_copy / "resources/cii/tiny-xrechnung-cii.xsl"
    stylesheet.write_text(stylesheet.read_text("utf-8") + "\n", "utf-8")
    assert rules.check(invoice("cii-minimal.xml")).valid is True
    assert rules.compilations == 4
    scenarios = config_copy / "scenarios.xml"
    scenarios.write_text(scenarios.read_text("utf-8") + "\n", "utf-8")
    stat = scenarios.stat()
    os.utime(scenarios, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert OfficialRules.from_directory(config_copy) is not rules


def test_concurrent_checks_from_several_threads(rules):
    expected = {
        "ubl-minimal.xml": (UBL_SCENARIO, True),
        "ubl-findings.xml": (UBL_SCENARIO, False),
        "cii-minimal.xml": (CII_SCENARIO, True),
        "cii-findings.xml": (CII_SCENARIO, False),
    }
    results: list[tuple[str, tuple]] = []
    failures: list[BaseException] = []

    def work(name: str) -> None:
        try:
            for _ in range(5):
                verdict = rules.check(invoice(name))
                results.append((name, (verdict.scenario, verdict.valid)))
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(name,)) for name in expected for _ in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures
    assert len(results) == 40
    assert all(outcome == expected[name] for name, outcome in results)


# --------------------------------------------------------------------------- compare


def test_compare_official_invalid_ours_valid():
    comparison = compare(ours(True), official(False, "BR-DE-15"))
    assert comparison.agree is False and comparison.checked
    assert (comparison.ours_valid, comparison.official_valid) == (True, False)
    assert comparison.only_official == ("BR-DE-15",) and comparison.only_ours == ()
    assert comparison.summary_de == (
        "Die offiziellen KoSIT-Regeln halten die Rechnung für ungültig (BR-DE-15), "
        "unsere Prüfung für gültig."
    )
    assert "invalid (BR-DE-15)" in comparison.summary_en


def test_compare_official_valid_ours_invalid():
    comparison = compare(ours(False, "BR-CO-10", "BR-S-08"), official(True))
    assert comparison.agree is False
    assert comparison.only_ours == ("BR-CO-10", "BR-S-08") and comparison.only_official == ()
    assert comparison.summary_de == (
        "Die offiziellen KoSIT-Regeln halten die Rechnung für gültig, unsere Prüfung für "
        "ungültig (BR-CO-10, BR-S-08)."
    )


def test_compare_agreement_and_differing_rules():
    same = compare(ours(False, "BR-DE-15"), official(False, "BR-DE-15"))
    assert same.agree and same.same_rules
    assert (
        same.summary_de
        == "Die offiziellen KoSIT-Regeln bestätigen unser Ergebnis: ungültig (BR-DE-15)."
    )
    valid = compare(ours(True), official(True))
    assert valid.agree and valid.summary_de.endswith("gültig.")
    differing = compare(ours(False, "BR-DE-15", "BR-CO-10"), official(False, "BR-DE-15", "XSD"))
    assert differing.agree and not differing.same_rules
    assert differing.only_ours == ("BR-CO-10",) and differing.only_official == ("XSD",)
    assert "nur offiziell: XSD; nur bei uns: BR-CO-10" in differing.summary_de


def test_compare_never_agrees_when_a_side_is_not_checked():
    not_run = compare(ours(True), official(None, error="Das Prüfskript x.xsl fehlt."))
    assert not_run.agree is False and not not_run.checked
    assert not_run.summary_de == (
        "Nicht geprüft: Die offiziellen KoSIT-Regeln konnten nicht angewandt werden. "
        "Das Prüfskript x.xsl fehlt."
    )
    without_reason = compare(ours(False, "BR-01"), OfficialVerdict(scenario=None, valid=None))
    assert without_reason.agree is False and "nicht geprüft" in without_reason.summary_de.lower()
    ours_incomplete = compare(ours(None), official(True))
    assert ours_incomplete.agree is False
    assert "nicht geprüft" in ours_incomplete.summary_de
    assert NOT_CHECKED not in ours_incomplete.only_ours


def test_long_rule_lists_are_shortened():
    rules = [f"BR-{n:02d}" for n in range(1, 13)]
    comparison = compare(ours(True), official(False, *rules))
    assert "BR-08 und 4 weitere" in comparison.summary_de
    assert comparison.only_official == tuple(rules)


# --------------------------------------------------------------------------- with our validator


@needs_corpus
@pytest.mark.parametrize(
    ("path", "scenario"), [(CORPUS_UBL, UBL_SCENARIO), (CORPUS_CII, CII_SCENARIO)]
)
def test_corpus_invoices_agree(rules, path, scenario):
    result = validate(corpus(path))
    verdict = rules.check(result.xml)
    assert verdict.scenario == scenario
    comparison = compare(result, verdict)
    assert comparison.agree and comparison.same_rules
    assert (
        comparison.summary_de == "Die offiziellen KoSIT-Regeln bestätigen unser Ergebnis: gültig."
    )


@needs_corpus
def test_corpus_disagreement_is_reported(rules):
    result = validate(corpus(CORPUS_BR_DE_18))  # the tiny test rules do not know BR-DE-18
    comparison = compare(result, rules.check(result.xml))
    assert comparison.agree is False
    assert (comparison.ours_valid, comparison.official_valid) == (False, True)
    assert comparison.only_ours == ("BR-DE-18",)
    assert comparison.summary_de == (
        "Die offiziellen KoSIT-Regeln halten die Rechnung für gültig, unsere Prüfung für "
        "ungültig (BR-DE-18)."
    )


@needs_corpus
def test_corpus_invoice_without_scenario_is_not_checked(rules):
    result = validate(corpus(CORPUS_EN16931))
    assert result.valid is True
    comparison = compare(result, rules.check(result.xml))
    assert comparison.agree is False and comparison.official_valid is None


def test_our_invalid_invoice_agrees_on_br_de_15(rules):
    data = invoice("ubl-findings.xml")
    comparison = compare(validate(data), rules.check(data))
    assert comparison.agree is True
    assert "BR-DE-15" not in comparison.only_ours + comparison.only_official
