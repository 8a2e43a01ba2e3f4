"""Receiving e-invoices in the back office: upload in the UI, the API, hand-over from the
intake flow; the original kept, the verdict and findings recorded, permissions per department."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from viewflow.workflow import STATUS

from efile.blobs import blob_read
from efile.models import AuditEvent, IntakeStatus
from efile.roles import Role
from invoicing.models import InvoiceChannel, OwnRuleLevel, ReceivedInvoice, Verdict
from invoicing.services import invoice_receive
from tests.factories import OrgUnitFactory, UserFactory
from workflows.intake import IntakeFlow, process_of

from . import CORPUS, needs_corpus

pytestmark = [pytest.mark.django_db, needs_corpus]

VALID_UBL = "xrechnung-testsuite/src/test/business-cases/standard/01.01a-INVOICE_ubl.xml"
VALID_CII = "xrechnung-testsuite/src/test/business-cases/standard/01.01a-INVOICE_uncefact.xml"
INVALID_UBL = (
    "validator-configuration-xrechnung/src/test/cen-unit-test/"
    "ubl-br-o-02-and-br-o-04-with-bt-31.xml"
)
FACTURX_PDF = "zugferd-corpus/XML-Rechnung/FX/EN16931_Rechnungskorrektur.pdf"


def _bytes(path: str) -> bytes:
    return (CORPUS / path).read_bytes()


@pytest.fixture
def finanzen(db):
    return OrgUnitFactory(code="finanzen", name="Finanzen")


@pytest.fixture
def accountant(finanzen):
    return UserFactory(username="kreditoren", role=Role.ACCOUNTING, org_units=[finanzen])


@pytest.fixture
def accountant_client(client, accountant):
    client.force_login(accountant)
    return client


def _receive(unit, path: str, *, actor=None, content: bytes | None = None):
    return invoice_receive(
        actor=actor,
        org_unit=unit,
        stream=io.BytesIO(content if content is not None else _bytes(path)),
        filename=path.rsplit("/", 1)[-1],
    )


def test_valid_xrechnung_uploaded_in_the_ui_is_stored_checked_and_shown(
    accountant_client, finanzen
):
    response = accountant_client.post(
        reverse("invoicing:invoices:upload"),
        {"org_unit": finanzen.pk, "files": [SimpleUploadedFile("re.xml", _bytes(VALID_UBL))]},
        follow=True,
    )
    invoice = ReceivedInvoice.objects.get()
    assert response.redirect_chain[-1][0] == reverse("invoicing:invoices:detail", args=[invoice.pk])
    assert invoice.verdict == Verdict.VALID
    assert invoice.syntax == "ubl" and invoice.profile == "xrechnung"
    assert invoice.number and invoice.seller_name and invoice.amount_due is not None
    assert blob_read(invoice.blob) == _bytes(VALID_UBL)
    page = response.content.decode()
    assert invoice.number in page
    assert "gültig" in page
    assert AuditEvent.objects.filter(action="invoice.receive", object_id=str(invoice.pk)).exists()
    pdf = accountant_client.get(reverse("invoicing:invoices:pdf", args=[invoice.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_invalid_invoice_records_the_official_rule_ids_in_german(finanzen):
    invoice, created = _receive(finanzen, INVALID_UBL)
    assert created
    assert invoice.verdict == Verdict.INVALID
    rules = {row["rule"] for row in invoice.findings if row["severity"] in ("error", "fatal")}
    assert {"BR-DE-1", "BR-O-02", "BR-O-04", "UBL-SR-53"} <= rules
    assert invoice.error_count == len(
        [row for row in invoice.findings if row["severity"] in ("error", "fatal")]
    )
    assert all(row["message_de"] for row in invoice.findings)


def test_same_bytes_twice_return_the_earlier_invoice(finanzen):
    first, _ = _receive(finanzen, VALID_CII)
    second, created = _receive(finanzen, VALID_CII)
    assert not created and second.pk == first.pk
    assert ReceivedInvoice.objects.count() == 1


def test_same_invoice_number_of_the_same_seller_is_flagged_as_possible_duplicate(finanzen):
    original = _bytes(VALID_UBL)
    _receive(finanzen, VALID_UBL)
    resent = original.replace(b"<cbc:Note>", b"<cbc:Note>Kopie ", 1)
    assert resent != original
    invoice, created = _receive(finanzen, VALID_UBL, content=resent)
    assert created
    duplicate = [row for row in invoice.findings if row["rule"] == "OWN-DUPLICATE"]
    assert duplicate and duplicate[0]["severity"] == "warning"
    assert "möglicherweise doppelt" in duplicate[0]["message_de"]
    assert invoice.verdict == Verdict.VALID  # own checks warn; the verdict is the official one


def test_administrator_can_make_an_own_check_reject_invoices(finanzen):
    OwnRuleLevel.objects.create(rule="OWN-DUPLICATE", reject=True)
    _receive(finanzen, VALID_UBL)
    resent = _bytes(VALID_UBL).replace(b"<cbc:Note>", b"<cbc:Note>Kopie ", 1)
    invoice, _ = _receive(finanzen, VALID_UBL, content=resent)
    assert invoice.verdict == Verdict.INVALID
    assert invoice.error_count == 1


@pytest.mark.parametrize(
    ("content", "verdict", "words"),
    [
        (b"", Verdict.NOT_CHECKED, "leer"),
        (b"<root><child/></root>", Verdict.NOT_CHECKED, "root"),
        (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<Invoice>&b;</Invoice>",
            Verdict.INVALID,
            "Entit",
        ),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\nkaputt", Verdict.NOT_CHECKED, "PDF"),
    ],
    ids=["empty", "unknown-root", "entity-bomb", "broken-pdf"],
)
def test_bad_input_is_kept_with_a_german_finding(finanzen, content, verdict, words):
    invoice, created = _receive(finanzen, "upload.xml", content=content)
    assert created
    assert invoice.verdict == verdict
    assert blob_read(invoice.blob) == content
    assert any(words.lower() in row["message_de"].lower() for row in invoice.findings), (
        invoice.findings
    )


def test_invoices_are_visible_to_their_department_only(client, accountant_client, finanzen):
    invoice, _ = _receive(finanzen, VALID_UBL)
    detail = reverse("invoicing:invoices:detail", args=[invoice.pk])
    assert accountant_client.get(detail).status_code == 200
    other_unit = OrgUnitFactory(code="bauamt", name="Bauamt")
    client.force_login(
        UserFactory(username="kreditoren2", role=Role.ACCOUNTING, org_units=[other_unit])
    )
    assert client.get(detail).status_code == 404
    assert client.get(reverse("invoicing:invoices:original", args=[invoice.pk])).status_code == 404
    assert invoice.number not in client.get(reverse("invoicing:invoices:index")).content.decode()
    # Clerks see invoices routed to their department for the factual check only.
    client.force_login(UserFactory(username="clerk2", role=Role.CLERK, org_units=[other_unit]))
    assert invoice.number not in client.get(reverse("invoicing:invoices:index")).content.decode()
    client.force_login(UserFactory(username="registry", role=Role.REGISTRY, org_units=[finanzen]))
    assert client.get(reverse("invoicing:invoices:index")).status_code == 403


def test_api_receives_an_invoice_and_answers_with_verdict_and_findings(
    client, accountant, finanzen
):
    client.force_login(accountant)
    url = reverse("api-invoice-list")
    upload = SimpleUploadedFile("falsch.xml", _bytes(INVALID_UBL))
    response = client.post(url, {"file": upload, "org_unit": "finanzen"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["verdict"] == "invalid"
    assert "BR-O-02" in {finding["rule"] for finding in body["findings"]}
    again = client.post(
        url, {"file": SimpleUploadedFile("x.xml", _bytes(INVALID_UBL)), "org_unit": "finanzen"}
    )
    assert again.status_code == 200
    assert client.get(url).json()["count"] == 1
    original = client.get(reverse("api-invoice-original", args=[body["id"]]))
    assert b"".join(original.streaming_content) == _bytes(INVALID_UBL)
    assert ReceivedInvoice.objects.get().channel == InvoiceChannel.API


def test_api_refuses_invoices_for_a_foreign_department(client, accountant, finanzen):
    OrgUnitFactory(code="bauamt", name="Bauamt")
    client.force_login(accountant)
    response = client.post(
        reverse("api-invoice-list"),
        {"file": SimpleUploadedFile("re.xml", _bytes(VALID_UBL)), "org_unit": "bauamt"},
    )
    assert response.status_code == 403
    assert response.json()["message"].startswith("Sie dürfen für „Bauamt“")
    assert not ReceivedInvoice.objects.exists()


def test_intake_hands_an_einvoice_over_to_the_invoice_reception(client, finanzen):
    clerk = UserFactory(username="post", role=Role.CLERK, org_units=[finanzen])
    client.force_login(clerk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(
            reverse("efile:intake:upload"),
            {
                "org_unit": finanzen.pk,
                "files": [SimpleUploadedFile("rechnung.pdf", _bytes(FACTURX_PDF))],
            },
        )
    invoice = ReceivedInvoice.objects.get()
    item = invoice.intake_item
    assert item.status == IntakeStatus.INVOICE
    assert invoice.channel == InvoiceChannel.INTAKE and invoice.syntax == "pdf"
    process = process_of(item)
    assert process.status == STATUS.DONE
    assert process.data["invoice"] == invoice.pk
    assert not process.task_set.filter(flow_task=IntakeFlow.file_item).exists()


def test_official_cross_check_is_shown_on_the_invoice_page(settings, accountant_client, finanzen):
    pytest.importorskip("saxonche")
    config = Path(__file__).resolve().parents[1] / "data" / "official" / "config"
    settings.AKTENFLUSS_OFFICIAL_RULES_DIR = config
    invoice, _ = _receive(finanzen, VALID_UBL)
    assert invoice.official_check["checked"] and invoice.official_check["agree"]
    page = accountant_client.get(reverse("invoicing:invoices:detail", args=[invoice.pk]))
    text = page.content.decode()
    assert "Abgleich mit den offiziellen KoSIT-Regeln" in text
    assert "Nicht geprüft" not in text


def test_administrator_raises_an_own_check_in_the_admin_with_an_audit_event(client, finanzen):
    from django.contrib.auth.models import Permission

    admin_user = UserFactory(username="admin2", role=Role.ADMINISTRATOR)
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    assert Permission.objects.filter(codename="add_ownrulelevel", group__name=Role.ADMINISTRATOR)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:invoicing_ownrulelevel_add"), {"rule": "OWN-IBAN", "reject": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert OwnRuleLevel.objects.get().rule == "OWN-IBAN"
    assert AuditEvent.objects.filter(action="ownrulelevel.create").exists()
