"""The validation report of a received invoice as JSON."""

import io

import pytest

from efile.roles import Role
from invoicing.services import invoice_receive
from tests.factories import OrgUnitFactory, UserFactory
from tests.invoicing import CORPUS, needs_corpus

pytestmark = [pytest.mark.django_db, needs_corpus]

VALID_UBL = "xrechnung-testsuite/src/test/business-cases/standard/01.01a-INVOICE_ubl.xml"
INVALID_UBL = (
    "validator-configuration-xrechnung/src/test/cen-unit-test/"
    "ubl-br-o-02-and-br-o-04-with-bt-31.xml"
)


@pytest.fixture
def finanzen(db):
    return OrgUnitFactory(code="finanzen", name="Finanzen")


@pytest.fixture
def accountant_client(client, finanzen):
    client.force_login(
        UserFactory(username="kreditoren", role=Role.ACCOUNTING, org_units=[finanzen])
    )
    return client


def _receive(unit, path: str):
    invoice, _created = invoice_receive(
        actor=None,
        org_unit=unit,
        stream=io.BytesIO((CORPUS / path).read_bytes()),
        filename=path.rsplit("/", 1)[-1],
    )
    return invoice


def test_report_of_an_invalid_invoice_names_each_rule_in_german(accountant_client, finanzen):
    invoice = _receive(finanzen, INVALID_UBL)
    response = accountant_client.get(f"/api/v1/invoices/{invoice.pk}/report/")
    assert response.status_code == 200
    report = response.json()
    assert report["invoice"] == invoice.pk
    assert report["verdict"] == "invalid"
    assert "ungültig" in report["sentence"]
    rules = {finding["rule"] for finding in report["errors"]}
    assert rules == {
        row["rule"] for row in invoice.findings if row["severity"] in ("error", "fatal")
    }
    assert {"BR-O-02", "BR-O-04"} <= rules
    for finding in report["errors"]:
        assert finding["level"] == "error"
        assert finding["message"] and finding["location"]


def test_report_of_a_valid_invoice(accountant_client, finanzen):
    invoice = _receive(finanzen, VALID_UBL)
    report = accountant_client.get(f"/api/v1/invoices/{invoice.pk}/report/").json()
    assert report["verdict"] == "valid"
    assert report["errors"] == []
    assert "UBL" in report["format"] and "XRechnung" in report["format"]
    assert invoice.number in report["title"]


def test_report_of_another_departments_invoice_is_a_404(client, finanzen):
    invoice = _receive(finanzen, VALID_UBL)
    other = OrgUnitFactory(code="andere", name="Andere")
    client.force_login(UserFactory(username="fremd", role=Role.ACCOUNTING, org_units=[other]))
    response = client.get(f"/api/v1/invoices/{invoice.pk}/report/")
    assert response.status_code == 404
    assert response.json()["message"] == "Rechnung nicht gefunden."
