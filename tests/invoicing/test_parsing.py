import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from invoicing.model import Invoice, decimals
from invoicing.parsing import parse_invoice
from invoicing.syntax import detect
from invoicing.validation.context import NAMESPACES
from tests.invoicing import CORPUS, corpus_rows, needs_corpus


def load(path: Path) -> Invoice:
    detection = detect(path.read_bytes())
    assert detection.problem is None, detection.problem
    return parse_invoice(detection.root, detection.syntax)


def pairs() -> list:
    """The same business case in UBL and CII (XRechnung test suite, CEN example 4)."""
    found = [
        (ubl, ubl.with_name(ubl.name.replace("_ubl.xml", "_uncefact.xml")))
        for ubl in sorted((CORPUS / "xrechnung-testsuite").rglob("*_ubl.xml"))
    ]
    found.append(
        (
            CORPUS / "eInvoicing-EN16931/ubl/examples/ubl-tc434-example4.xml",
            CORPUS / "eInvoicing-EN16931/cii/examples/CII_example4.xml",
        )
    )
    return [
        pytest.param(ubl, cii, id=ubl.name) for ubl, cii in found if ubl.is_file() and cii.is_file()
    ]


def same_amount(a, b) -> bool:
    return (a or Decimal(0)) == (b or Decimal(0))


@needs_corpus
@pytest.mark.parametrize(("ubl_path", "cii_path"), pairs())
def test_ubl_and_cii_of_the_same_case_give_the_same_key_figures(ubl_path, cii_path):
    ubl, cii = load(ubl_path), load(cii_path)
    assert (ubl.syntax, cii.syntax) == ("ubl", "cii")
    for name in ("number", "issue_date", "type_code", "currency", "buyer_reference"):
        assert getattr(ubl, name) == getattr(cii, name), name
    for name in ("line_net_total", "tax_exclusive", "tax_inclusive", "payable", "prepaid"):
        assert same_amount(getattr(ubl.totals, name), getattr(cii.totals, name)), name
    assert len(ubl.lines) == len(cii.lines)
    assert [line.net_amount for line in ubl.lines] == [line.net_amount for line in cii.lines]
    assert sorted((v.category, v.rate, v.tax_amount) for v in ubl.vat_breakdown) == sorted(
        (v.category, v.rate, v.tax_amount) for v in cii.vat_breakdown
    )
    assert ubl.seller.address.country_code == cii.seller.address.country_code


@needs_corpus
@pytest.mark.parametrize("row", corpus_rows())
def test_every_wellformed_corpus_invoice_parses(row):
    detection = detect((CORPUS / row["path"]).read_bytes())
    if detection.problem is not None:
        pytest.skip(detection.problem.code)
    invoice = parse_invoice(detection.root, detection.syntax)
    assert invoice.customization_id == detection.customization_id
    assert invoice.where() == detection.root.getroottree().getpath(detection.root)


@needs_corpus
def test_cen_example_values_and_source_paths():
    invoice = load(CORPUS / "eInvoicing-EN16931/ubl/examples/ubl-tc434-example4.xml")
    assert isinstance(invoice.issue_date, datetime.date)
    assert invoice.totals.payable == Decimal("4675.00")
    assert decimals(invoice.totals.payable) == 2
    assert invoice.totals.vat_total == Decimal("675.00")
    assert invoice.seller.vat_id == "DK16356706"
    assert invoice.seller.where("vat_id").endswith("cbc:CompanyID")
    assert invoice.payment.means_code == "30"
    assert invoice.payment.credit_transfers[0].account_id == "DK1212341234123412"
    line = invoice.lines[0]
    assert (line.quantity, line.unit, line.vat_category) == (Decimal(1000), "EA", "S")
    path = line.where("net_amount")
    node = (
        detect((CORPUS / "eInvoicing-EN16931/ubl/examples/ubl-tc434-example4.xml").read_bytes())
        .root.getroottree()
        .xpath(path, namespaces=NAMESPACES)[0]
    )
    assert node.text == "1000.00"


def test_source_paths_are_the_getpath_of_each_source_element():
    xml = (
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
        b'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        b"<cbc:ID>R-1</cbc:ID><cbc:Note>a</cbc:Note><cbc:Note>b</cbc:Note>"
        b"<cbc:IssueDate>2024-02-01</cbc:IssueDate></Invoice>"
    )
    detection = detect(xml)
    invoice = parse_invoice(detection.root, "ubl")
    assert "issue_date" in invoice.paths and "due_date" not in invoice.paths
    assert dict(invoice.paths) == {
        ".": "/*",
        "number": "/*/cbc:ID",
        "issue_date": "/*/cbc:IssueDate",
    }
    assert [note.where() for note in invoice.notes] == ["/*/cbc:Note[1]", "/*/cbc:Note[2]"]
    assert invoice.where("due_date") == "/*"


@needs_corpus
def test_credit_note_lines_and_type_code():
    invoice = load(CORPUS / "eInvoicing-EN16931/ubl/examples/ubl-tc434-creditnote1.xml")
    assert invoice.is_credit_note
    assert invoice.type_code == "381"
    assert invoice.lines and invoice.lines[0].quantity is not None


@needs_corpus
def test_cii_dates_in_format_102():
    invoice = load(CORPUS / "eInvoicing-EN16931/cii/examples/CII_example4.xml")
    assert isinstance(invoice.issue_date, datetime.date)


def test_unparseable_values_become_none():
    xml = (
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
        b'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2" '
        b'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2">'
        b"<cbc:ID> R-1 </cbc:ID><cbc:IssueDate>2024-02-30</cbc:IssueDate>"
        b"<cac:LegalMonetaryTotal><cbc:PayableAmount>12,50</cbc:PayableAmount>"
        b"</cac:LegalMonetaryTotal></Invoice>"
    )
    detection = detect(xml)
    invoice = parse_invoice(detection.root, "ubl")
    assert invoice.number == "R-1"
    assert invoice.issue_date is None
    assert invoice.where("issue_date") == "/*/cbc:IssueDate"
    assert invoice.totals.payable is None
    assert invoice.totals.where("payable") is not None
    assert invoice.seller is None and invoice.lines == ()


def test_cii_sub_lines_are_nested_under_their_parent():
    ns = (
        'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
        'xmlns:ram="urn:un:unece:uncefact:data:standard:'
        'ReusableAggregateBusinessInformationEntity:100"'
    )

    def item(line_id, parent=""):
        parent_xml = f"<ram:ParentLineID>{parent}</ram:ParentLineID>" if parent else ""
        return (
            "<ram:IncludedSupplyChainTradeLineItem><ram:AssociatedDocumentLineDocument>"
            f"<ram:LineID>{line_id}</ram:LineID>{parent_xml}</ram:AssociatedDocumentLineDocument>"
            "</ram:IncludedSupplyChainTradeLineItem>"
        )

    xml = (
        f"<rsm:CrossIndustryInvoice {ns}><rsm:SupplyChainTradeTransaction>"
        + item("1")
        + item("1.1", "1")
        + item("1.1.1", "1.1")
        + item("2")
        + "</rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>"
    ).encode()
    invoice = parse_invoice(detect(xml).root, "cii")
    assert [line.id for line in invoice.lines] == ["1", "2"]
    assert invoice.lines[0].sub_lines[0].sub_lines[0].id == "1.1.1"
    assert [line.id for line in invoice.all_lines()] == ["1", "1.1", "1.1.1", "2"]
