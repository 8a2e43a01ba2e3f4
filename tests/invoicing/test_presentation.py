"""The German presentation of received invoices (HTML partial and archive PDF)."""

import dataclasses
import datetime
import io
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from invoicing.archive_pdf import invoice_pdf
from invoicing.presentation import (
    format_amount,
    format_code,
    format_date,
    format_iban,
    format_number,
    format_percent,
    normalise_path,
    present,
    skonto_text,
)
from invoicing.validation.findings import Finding, Layer, Severity
from invoicing.validation.run import validate
from tests.invoicing import CORPUS, manifest, needs_corpus

TEMPLATE = Path(__file__).resolve().parents[2] / "invoicing/templates/invoicing/_invoice.html"


@cache
def result_for(path: str):
    return validate((CORPUS / path).read_bytes(), filename=path)


def all_paths() -> list:
    return [pytest.param(row["path"], id=row["path"]) for row in manifest()]


def pdf_sample() -> list:
    """20 corpus files: every n-th one, plus invalid, PDF (Factur-X) and unreadable ones."""
    rows = list(manifest())
    if not rows:
        return []
    chosen = {row["path"] for row in rows[:: max(1, len(rows) // 14)]}
    pdfs = [r["path"] for r in rows if r["syntax"] == "pdf"]
    invalid = [r["path"] for r in rows if r["official_verdict"] == "invalid"]
    chosen.update(pdfs[:2] + [p for p in pdfs if p.endswith("invalid-xml-encoding-attribute.pdf")])
    chosen.update(invalid[:: max(1, len(invalid) // 3)])
    return [pytest.param(path, id=path) for path in sorted(chosen)[:20]]


def shown_indexes(presentation) -> list[int]:
    return sorted(view.index for view in presentation.shown_findings())


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def field_with(presentation, term: str):
    for section in presentation.sections:
        for block in section.blocks:
            for item in block.fields:
                if term in item.terms:
                    return section, item
        for line in section.lines:
            for item in (*line.columns, *line.details):
                if term in item.terms:
                    return section, item
    raise AssertionError(f"no field {term}")


@cache
def without_leitweg_id():
    """A valid UBL XRechnung with cbc:BuyerReference (BT-10) removed."""
    for row in manifest():
        if (row["syntax"], row["profile"], row["official_verdict"]) != (
            "ubl",
            "xrechnung",
            "valid",
        ):
            continue
        data = (CORPUS / row["path"]).read_bytes()
        stripped, count = re.subn(
            rb"<cbc:BuyerReference\s*>[^<]*</cbc:BuyerReference\s*>", b"", data
        )
        if count == 1:
            return validate(stripped, filename="ohne-leitweg-id.xml")
    pytest.skip("no valid UBL XRechnung with a BuyerReference in the corpus")


# ---------------------------------------------------------------- formatting


def test_german_number_and_amount_format():
    assert format_amount(Decimal("1234.56"), "EUR") == "1.234,56 EUR"
    assert format_amount(Decimal("-1234567.5"), "EUR") == "-1.234.567,50 EUR"
    assert format_amount(Decimal("12"), "EUR") == "12,00 EUR"
    assert format_amount(Decimal("0.1250"), "EUR") == "0,1250 EUR"  # decimals as written
    assert format_amount(None, "EUR") == ""
    assert format_number(Decimal("1500")) == "1.500"
    assert format_number(Decimal("2.5")) == "2,5"
    assert format_percent(Decimal("19.00")) == "19 %"
    assert format_percent(Decimal("7.50")) == "7,5 %"


def test_german_date_and_codes():
    assert format_date(datetime.date(2026, 12, 24)) == "24.12.2026"
    assert format_date(None) == ""
    assert format_code("380", {"380": "Rechnung"}) == "Rechnung (380)"
    assert format_code("999", {"380": "Rechnung"}) == "999"


def test_iban_in_groups_of_four_and_skonto_in_words():
    assert format_iban("DE02120300000000202051") == "DE02 1203 0000 0000 2020 51"
    assert format_iban("123 456") == "123 456"  # not an IBAN: unchanged
    text = skonto_text("#SKONTO#TAGE=14#PROZENT=2.00#BASISBETRAG=100.00#\n", "EUR")
    assert text == "2,00 % Skonto bei Zahlung innerhalb von 14 Tagen (Basisbetrag 100,00 EUR)."


def test_paths_are_compared_without_root_name_and_first_index():
    assert normalise_path("/ubl:Invoice/cac:InvoiceLine/cbc:ID") == normalise_path(
        "/*/cac:InvoiceLine[1]/cbc:ID"
    )
    assert normalise_path("/*/cac:InvoiceLine[10]") != normalise_path("/*/cac:InvoiceLine[1]")


# ---------------------------------------------------------------- the corpus


@needs_corpus
@pytest.mark.parametrize("path", all_paths())
def test_present_shows_every_finding_exactly_once(path):
    result = result_for(path)
    presentation = present(result)
    assert shown_indexes(presentation) == list(range(len(result.findings)))
    assert len(presentation.summary.errors) == len(result.errors)
    assert len(presentation.summary.warnings) == len(result.warnings)
    if result.valid is True:
        assert presentation.summary.sentence == "Die Rechnung ist gültig."
    elif result.valid is False:
        assert presentation.summary.sentence == (
            f"Die Rechnung ist ungültig: {len(result.errors)} Fehler."
        )
    if result.invoice is not None and result.invoice.number:
        assert field_with(presentation, "BT-1")[1].value == result.invoice.number


@needs_corpus
def test_leitweg_id_finding_is_shown_at_bt_10():
    result = without_leitweg_id()
    assert result.valid is False
    presentation = present(result)
    section, bt10 = field_with(presentation, "BT-10")
    assert section.key == "header"
    assert bt10.label == "Leitweg-ID / Käuferreferenz (BT-10)"
    assert bt10.value == ""  # shown although empty, because a finding is attached
    assert "BR-DE-15" in [f.rule for f in bt10.findings]
    summary_messages = [f.message for f in presentation.summary.errors]
    assert "Die Leitweg-ID bzw. Käuferreferenz (BT-10) fehlt." in summary_messages


@needs_corpus
def test_findings_without_field_are_placed_by_path():
    row = next(r for r in manifest() if r["syntax"] == "cii" and r["official_verdict"] == "valid")
    result = result_for(row["path"])
    line = result.invoice.lines[-1]
    net_path = line.paths["net_amount"]
    by_path = Finding(
        rule="TEST-PATH",
        severity=Severity.WARNING,
        layer=Layer.OWN,
        message_de="Pfadtest.",
        message_en="path test",
        path="/*" + net_path[net_path.index("/", 1) :] + "/@currencyID",
    )
    by_term = dataclasses.replace(
        by_path, rule="TEST-TERM", field="BT-131", path=line.paths["."] + "/ram:Whatever"
    )
    nowhere = dataclasses.replace(by_path, rule="TEST-NOWHERE", path="/*/ram:Unknown")
    presentation = present(
        dataclasses.replace(result, findings=(*result.findings, by_path, by_term, nowhere))
    )
    last = next(s for s in presentation.sections if s.key == "lines").lines[-1]
    net = next(c for c in last.columns if "BT-131" in c.terms)
    ours = [f for f in net.findings if f.rule.startswith("TEST-")]
    assert [f.rule for f in ours] == ["TEST-PATH", "TEST-TERM"]
    assert ours[1].message == "Pfadtest (BT-131)."
    assert [f.rule for f in presentation.other] == ["TEST-NOWHERE"]


def test_unreadable_file_is_not_checked_and_still_presented():
    result = validate(b"Dies ist keine Rechnung.", filename="notiz.txt")
    assert result.valid is None and result.invoice is None
    presentation = present(result)
    assert presentation.summary.verdict == "unchecked"
    assert presentation.summary.sentence.startswith("Die Rechnung wurde nicht geprüft: ")
    assert presentation.sections == ()
    assert shown_indexes(presentation) == list(range(len(result.findings)))
    text = text_of(invoice_pdf(presentation))
    assert "Die Rechnung wurde nicht geprüft" in text
    assert "Seite 1 von 1" in text


@needs_corpus
@pytest.mark.parametrize("path", pdf_sample())
def test_archive_pdf_has_number_and_verdict(path):
    presentation = present(result_for(path))
    pdf = invoice_pdf(presentation)
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == presentation.title
    text = text_of(pdf)
    assert " ".join(presentation.summary.sentence.split()) in text
    if presentation.number:
        assert presentation.number in text
        assert presentation.title.startswith(f"Rechnung {presentation.number}")
    assert f"Seite 1 von {len(reader.pages)}" in text


@needs_corpus
def test_archive_pdf_embeds_a_unicode_font():
    if not Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").is_file():
        pytest.skip("DejaVu Sans not installed")
    pdf = invoice_pdf(present(without_leitweg_id()))
    assert b"DejaVuSans" in pdf
    assert "Käuferreferenz" in text_of(pdf)


# ---------------------------------------------------------------- the HTML partial


@needs_corpus
def test_partial_renders_summary_and_finding_beside_the_field():
    from django.template import Context, Template

    presentation = present(without_leitweg_id())
    html = Template(TEMPLATE.read_text(encoding="utf-8")).render(
        Context({"presentation": presentation})
    )
    assert "{% extends" not in TEMPLATE.read_text(encoding="utf-8")
    assert "Die Rechnung ist ungültig:" in html
    assert 'role="alert"' in html
    _section, bt10 = field_with(presentation, "BT-10")
    finding = next(f for f in bt10.findings if f.rule == "BR-DE-15")
    # the finding is shown right after the BT-10 label, and linked from the summary
    after_label = html.split("Leitweg-ID / Käuferreferenz (BT-10)</dt>", 1)[1]
    assert after_label.index(f'id="{finding.anchor}"') < after_label.index("</dd>")
    assert html.count(f'id="{finding.anchor}"') == 1
    assert f'href="#{finding.anchor}"' in html
    assert "Die Leitweg-ID bzw. Käuferreferenz (BT-10) fehlt." in html
    assert 'scope="col"' in html and "af-inv-finding--error" in html
