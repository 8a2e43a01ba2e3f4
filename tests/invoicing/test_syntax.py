import io

import pytest
from pypdf import PdfWriter

from invoicing.syntax import detect, profile_of
from tests.invoicing import CORPUS, corpus_rows, needs_corpus

UBL_INVOICE = (
    b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
    b'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
    b"<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:"
    b"xrechnung_3.0</cbc:CustomizationID></Invoice>"
)
UBL_CREDIT_NOTE = (
    b'<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" '
    b'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
    b"<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID></CreditNote>"
)
ZUGFERD1 = b'<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"/>'


def pdf_with(attachments: dict[str, bytes]) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    for name, content in attachments.items():
        writer.add_attachment(name, content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("customization_id", "profile"),
    [
        ("urn:cen.eu:en16931:2017", "en16931"),
        ("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0", "xrechnung"),
        (
            "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
            "#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0",
            "xrechnung",
        ),
        ("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", "peppol"),
        ("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended", "extended"),
        ("urn:cen.eu:en16931:2017#conformant#urn:zugferd.de:2p0:extended", "extended"),
        ("urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic", "basic"),
        ("urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:basic", "basic"),
        ("urn:factur-x.eu:1p0:basicwl", "basicwl"),
        ("urn:factur-x.eu:1p0:minimum", "minimum"),
        ("urn:zugferd.de:2p0:minimum", "minimum"),
        ("urn:cen.eu:en16931:2017#compliant#urn:example.org:cius", "other"),
        ("", "other"),
    ],
)
def test_profile_follows_the_specification_identifier(customization_id, profile):
    assert profile_of(customization_id) == profile


@needs_corpus
@pytest.mark.parametrize("row", corpus_rows())
def test_detects_syntax_and_profile_of_corpus_files_from_bytes(row):
    detection = detect((CORPUS / row["path"]).read_bytes())
    assert detection.reported_syntax == row["syntax"]
    assert detection.profile == row["profile"]


def test_ubl_invoice_from_bytes_regardless_of_name():
    detection = detect(UBL_INVOICE)
    assert (detection.container, detection.syntax, detection.profile) == ("xml", "ubl", "xrechnung")
    assert not detection.is_credit_note
    assert detection.problem is None


def test_ubl_credit_note_is_recognised():
    detection = detect(UBL_CREDIT_NOTE)
    assert detection.syntax == "ubl"
    assert detection.is_credit_note
    assert detection.profile == "en16931"


def test_zugferd_1_is_unsupported_with_german_message():
    detection = detect(ZUGFERD1)
    assert detection.syntax is None
    assert detection.problem.code == "zugferd1"
    assert "ZUGFeRD 1.0" in detection.problem.message_de
    assert not detection.problem.wellformed


def test_unknown_root_is_unsupported():
    detection = detect(b"<Bestellung><Nr>1</Nr></Bestellung>")
    assert detection.problem.code == "unknown-root"
    assert "Bestellung" in detection.problem.message_de


def test_neither_xml_nor_pdf_is_unknown_format():
    detection = detect(b"PK\x03\x04 this is a zip file")
    assert detection.container == "unknown"
    assert detection.problem.code == "unknown-format"


def test_pdf_with_embedded_facturx_xml():
    cii = (
        b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:'
        b'CrossIndustryInvoice:100"/>'
    )
    detection = detect(pdf_with({"factur-x.xml": cii}))
    assert detection.reported_syntax == "pdf"
    assert detection.syntax == "cii"
    assert detection.attachment_name == "factur-x.xml"
    assert detection.xml == cii


def test_pdf_prefers_the_invoice_attachment_over_others():
    detection = detect(pdf_with({"anlage.xml": b"<other/>", "xrechnung.xml": UBL_INVOICE}))
    assert detection.syntax == "ubl"
    assert detection.attachment_name == "xrechnung.xml"


def test_pdf_without_invoice_xml_gives_german_finding():
    detection = detect(pdf_with({"lieferschein.txt": b"hallo"}))
    assert detection.problem.code == "pdf-no-invoice"
    assert "keine eingebettete elektronische Rechnung" in detection.problem.message_de
    assert "lieferschein.txt" in detection.problem.message_de


def test_plain_pdf_without_attachments():
    detection = detect(pdf_with({}))
    assert detection.problem.code == "pdf-no-invoice"


def test_pdf_with_not_wellformed_embedded_xml():
    detection = detect(pdf_with({"factur-x.xml": b"<rsm:CrossIndustryInvoice><unclosed>"}))
    assert detection.reported_syntax == "pdf"
    assert detection.problem.wellformed
    assert "factur-x.xml" in detection.problem.message_de
    assert "wohlgeformt" in detection.problem.message_de


def test_damaged_pdf_gives_german_finding():
    detection = detect(b"%PDF-1.7\n garbage without objects")
    assert detection.problem is not None
    assert detection.problem.message_de


def test_not_wellformed_xml_still_names_its_syntax():
    detection = detect(UBL_INVOICE[:-5])
    assert detection.problem.wellformed
    assert detection.syntax == "ubl"
