"""The invoice approval chain end to end: routing, sachlich/rechnerisch richtig, Anordnung
with four eyes and limits, send-back, rejection notice, booking CSV, SEPA pain.001, filing,
Skonto escalation under frozen time, and department permissions."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import etree

from backoffice.demo.data import DEMO_SELLER
from backoffice.demo.einvoice import xrechnung_ubl
from efile.blobs import blob_read
from efile.models import AuditEvent, FilingPlanItem
from efile.roles import Role
from invoicing.approval.booking import bookable, booking_batch_create
from invoicing.approval.deadlines import escalate
from invoicing.approval.payment import SCHEMA, payment_plan
from invoicing.models import (
    ApprovalBand,
    ApprovalStatus,
    ApproverLimit,
    BookingBatch,
    InvoiceRoute,
    PaymentRun,
    ReceivedInvoice,
    RouteKey,
)
from tests.factories import OrgUnitFactory, UserFactory
from tests.workflows.building_support import pdf_text
from workflows.invoice_approval import invoice_decide, invoice_start, payment_run_start

pytestmark = pytest.mark.django_db

LEITWEG = "05114000-00001-60"


@pytest.fixture(autouse=True)
def payer(settings):
    settings.AKTENFLUSS_PAYER_NAME = "Stadt Krefeld"
    settings.AKTENFLUSS_PAYER_IBAN = "DE89370400440532013000"
    settings.AKTENFLUSS_PAYER_BIC = "COBADEFFXXX"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def units(db):
    finanzen = OrgUnitFactory(code="finanzen", name="Finanzen")
    schule = OrgUnitFactory(code="schule", name="Schulamt")
    umwelt = OrgUnitFactory(code="umwelt", name="Umweltamt")
    FilingPlanItem.objects.get_or_create(
        code="200.20",
        defaults={"title": "Lieferanten und Kreditoren", "retention_years": 10},
    )
    InvoiceRoute.objects.create(key=RouteKey.BUYER_REFERENCE, value=LEITWEG, org_unit=schule)
    return finanzen, schule, umwelt


@pytest.fixture
def people(units):
    finanzen, schule, umwelt = units
    people = {
        "accountant": UserFactory(
            username="buchhaltung", role=Role.ACCOUNTING, org_units=[finanzen]
        ),
        "clerk": UserFactory(username="schule", role=Role.CLERK, org_units=[schule]),
        "other_clerk": UserFactory(username="umwelt", role=Role.CLERK, org_units=[umwelt]),
        "approver": UserFactory(username="anordnung1", role=Role.APPROVER, org_units=[schule]),
        "approver2": UserFactory(username="anordnung2", role=Role.APPROVER, org_units=[finanzen]),
        "small_approver": UserFactory(
            username="anordnung3", role=Role.APPROVER, org_units=[schule]
        ),
    }
    ApproverLimit.objects.create(user=people["approver"], limit=Decimal("50000"))
    ApproverLimit.objects.create(user=people["approver2"], limit=Decimal("50000"))
    ApproverLimit.objects.create(user=people["small_approver"], limit=Decimal("100"))
    for user in people.values():
        user.email = f"{user.username}@stadt.example"
        user.save()
    return people


def _invoice_bytes(number="RE-1", *, price="89.90", qty="4", leitweg=LEITWEG, terms=None):
    return xrechnung_ubl(
        number=number,
        issue_date="2026-11-02",
        due_date="2026-12-02",
        seller=DEMO_SELLER,
        buyer_name="Stadt Krefeld",
        buyer_reference=leitweg,
        lines=[("Toner schwarz", Decimal(qty), Decimal(price))],
        **({"payment_terms": terms} if terms else {}),
    )


def _receive(finanzen, data, name="re.xml"):
    invoice, _created = invoice_start(
        actor=None, org_unit=finanzen, stream=io.BytesIO(data), filename=name
    )
    return invoice


def _decide(user, invoice, decision="confirm", **details):
    return invoice_decide(actor=user, invoice=invoice, decision=decision, **details)


def _through_to_approved(invoice, people):
    invoice = _decide(people["clerk"], invoice)
    invoice = _decide(people["accountant"], invoice, account="5410", cost_centre="2110")
    return _decide(people["approver"], invoice)


def test_happy_path_through_http_from_upload_to_pain001_and_supplier_efile(client, units, people):
    finanzen, _schule, _umwelt = units
    terms = "#SKONTO#TAGE=14#PROZENT=2.00#\n"
    client.force_login(people["accountant"])
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, 0), tick=False):
        response = client.post(
            reverse("invoicing:invoices:upload"),
            {
                "org_unit": finanzen.pk,
                "files": [SimpleUploadedFile("re.xml", _invoice_bytes(terms=terms))],
            },
        )
        assert response.status_code == 302
        invoice = ReceivedInvoice.objects.get()
        assert invoice.verdict == "valid", invoice.findings
        assert invoice.status == ApprovalStatus.FACTUAL
        assert invoice.ordering_unit.code == "schule"
        assert invoice.skonto_until == dt.date(2026, 11, 16)
        decide = reverse("invoicing:invoices:decide", args=[invoice.pk])

        client.force_login(people["clerk"])
        page = client.get(reverse("invoicing:invoices:detail", args=[invoice.pk]))
        assert "Sachlich richtig" in page.content.decode()
        client.post(decide, {"decision": "confirm", "note": "Ware vollständig erhalten"})
        client.force_login(people["accountant"])
        client.post(decide, {"decision": "confirm", "account": "5410", "cost_centre": "2110"})
        client.force_login(people["approver"])
        client.post(decide, {"decision": "confirm"})
        invoice.refresh_from_db()
        assert invoice.status == ApprovalStatus.APPROVED

        client.force_login(people["accountant"])
        exports = reverse("invoicing:invoices:exports")
        client.post(exports, {"booking": "1"})
        client.post(exports, {"payment": "1", "execution_date": "2026-11-06"})

    invoice.refresh_from_db()
    assert invoice.status == ApprovalStatus.PAID
    # 4 × 89.90 = 359.60 net + 19 % = 427.92; 2 % Skonto in time = 8.56
    assert invoice.paid_amount == Decimal("419.36")
    assert invoice.skonto_taken == Decimal("8.56")
    run = PaymentRun.objects.get()
    xml = blob_read(run.blob)
    schema = etree.XMLSchema(etree.parse(str(_sepaxml_schema_dir() / f"{SCHEMA}.xsd")))
    document = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    assert schema.validate(document), schema.error_log
    ns = {"p": f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"}
    assert document.findtext(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", namespaces=ns) == "419.36"
    assert document.findtext(".//p:CdtrAcct/p:Id/p:IBAN", namespaces=ns) == DEMO_SELLER.iban
    client.force_login(people["accountant"])  # the session of the travelled time has expired
    download = client.get(reverse("invoicing:invoices:export_download", args=["zahlung", run.pk]))
    assert download.status_code == 200
    # Filed into the supplier's e-file with original, rendering, report and history.
    assert invoice.filed_in is not None
    titles = sorted(invoice.filed_in.documents.values_list("title", flat=True))
    assert any("Original" in t for t in titles)
    assert any("Darstellung" in t for t in titles)
    assert any("Prüfbericht" in t for t in titles)
    assert any("Freigabeverlauf" in t for t in titles)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "invoice.factual.confirm",
        "invoice.arithmetic.confirm",
        "invoice.approval.confirm",
    } <= actions
    assert {"invoice.booked", "invoice.paid", "invoice.filed"} <= actions


def _sepaxml_schema_dir():
    from pathlib import Path

    import sepaxml

    return Path(sepaxml.__file__).parent / "schemas"


def test_invalid_invoice_gets_a_rejection_notice_with_rule_ids(client, units, people):
    finanzen, *_ = units
    invoice = _receive(finanzen, _invoice_bytes(leitweg=None))
    assert invoice.verdict == "invalid"
    assert invoice.status == ApprovalStatus.REJECTED
    notice = invoice.rejection_notice
    assert "BR-DE-15" in notice.text and "(BT-10)" in notice.text
    client.force_login(people["accountant"])
    response = client.get(reverse("invoicing:invoices:notice", args=[invoice.pk]))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF")
    assert "BR-DE-15" in pdf_text(pdf) and "RE-1" in pdf_text(pdf)
    api = client.get(reverse("api-invoice-detail", args=[invoice.pk]))
    assert api.json()["status"] == "rejected"
    assert "BR-DE-15" in api.json()["rejection_notice"]
    assert invoice.filed_in is not None


def test_four_eyes_refused_by_the_service(units, people):
    finanzen, schule, _ = units
    both = UserFactory(username="doppelt", role=Role.CLERK, org_units=[schule, finanzen])
    both.groups.add(*people["accountant"].groups.all())
    invoice = _receive(finanzen, _invoice_bytes())
    invoice = _decide(both, invoice)
    with pytest.raises(PermissionDenied, match="Vier-Augen"):
        _decide(both, invoice, account="5410", cost_centre="2110")
    invoice.refresh_from_db()
    assert invoice.status == ApprovalStatus.ARITHMETIC


def test_above_threshold_needs_a_second_approver(units, people):
    finanzen, *_ = units
    ApprovalBand.objects.create(amount_from=Decimal("0"), amount_to=Decimal("1000"), approvers=1)
    ApprovalBand.objects.create(amount_from=Decimal("1000"), approvers=2)
    invoice = _receive(finanzen, _invoice_bytes(price="900.00", qty="2"))
    invoice = _through_to_approved(invoice, people)
    assert invoice.approvers_required == 2
    assert invoice.status == ApprovalStatus.APPROVAL
    with pytest.raises(PermissionDenied, match="andere Person"):
        _decide(people["approver"], invoice)
    invoice = _decide(people["approver2"], invoice)
    assert invoice.status == ApprovalStatus.APPROVED


def test_approver_over_their_limit_is_refused(units, people):
    finanzen, *_ = units
    invoice = _receive(finanzen, _invoice_bytes())
    invoice = _decide(people["clerk"], invoice)
    invoice = _decide(people["accountant"], invoice, account="5410", cost_centre="2110")
    with pytest.raises(PermissionDenied, match="Anordnungsgrenze"):
        _decide(people["small_approver"], invoice)
    ApproverLimit.objects.filter(user=people["small_approver"]).update(limit=Decimal("1000"))
    assert _decide(people["small_approver"], invoice).status == ApprovalStatus.APPROVED


def test_send_back_goes_one_step_back_with_a_reason(units, people):
    finanzen, *_ = units
    invoice = _receive(finanzen, _invoice_bytes())
    invoice = _decide(people["clerk"], invoice)
    with pytest.raises(Exception, match="Grund"):
        _decide(people["accountant"], invoice, "send_back")
    invoice = _decide(people["accountant"], invoice, "send_back", note="Lieferschein fehlt")
    assert invoice.status == ApprovalStatus.FACTUAL
    invoice = _decide(people["clerk"], invoice)
    assert invoice.status == ApprovalStatus.ARITHMETIC
    assert invoice.approval_steps.filter(decision="send_back", note="Lieferschein fehlt").exists()


def test_unknown_leitweg_id_goes_to_accounting_triage(units, people):
    finanzen, schule, _ = units
    invoice = _receive(finanzen, _invoice_bytes(leitweg="05114000-99999-12"))
    assert invoice.status == ApprovalStatus.TRIAGE
    with pytest.raises(PermissionDenied):
        _decide(people["clerk"], invoice, org_unit=schule)
    invoice = _decide(people["accountant"], invoice, org_unit=schule)
    assert invoice.status == ApprovalStatus.FACTUAL and invoice.ordering_unit == schule


def test_booking_csv_sums_equal_the_invoice_totals(client, units, people):
    finanzen, *_ = units
    invoices = [
        _through_to_approved(_receive(finanzen, _invoice_bytes(f"RE-{n}", qty=str(n))), people)
        for n in (1, 2, 3)
    ]
    client.force_login(people["accountant"])
    client.post(reverse("invoicing:invoices:exports"), {"booking": "1"})
    batch = BookingBatch.objects.get()
    rows = list(
        csv.DictReader(io.StringIO(blob_read(batch.blob).decode("utf-8-sig")), delimiter=";")
    )
    assert [row["Belegnummer"] for row in rows] == ["RE-1", "RE-2", "RE-3"]

    def total(column):
        return sum(Decimal(row[column].replace(",", ".")) for row in rows)

    assert total("Brutto") == sum(i.gross_amount for i in invoices) == batch.total
    assert total("Netto") + total("Steuer") == total("Brutto")
    assert rows[0]["Sachkonto"] == "5410" and rows[0]["Steuerschlüssel"] == "S19"
    # A second run exports nothing again.
    client.post(reverse("invoicing:invoices:exports"), {"booking": "1"})
    assert BookingBatch.objects.count() == 1


def test_duplicate_is_flagged_and_never_paid_twice(units, people):
    finanzen, *_ = units
    first = _through_to_approved(_receive(finanzen, _invoice_bytes("RE-9")), people)
    # Same seller, number and amount, but a different file (e.g. sent again as a copy).
    copy = _invoice_bytes("RE-9").replace(b"2026-12-02", b"2026-12-03")
    second = _receive(finanzen, copy, name="copy.xml")
    assert "OWN-DUPLICATE" in {row["rule"] for row in second.findings}
    second = _through_to_approved(second, people)
    run, plan = payment_run_start(
        actor=people["accountant"], org_unit_ids=[finanzen.pk], execution_date=dt.date(2026, 11, 6)
    )
    assert run.invoice_count == 1
    assert [i.pk for i, _reason in plan.skipped] == [second.pk]
    run2, _ = payment_run_start(
        actor=people["accountant"], org_unit_ids=[finanzen.pk], execution_date=dt.date(2026, 11, 7)
    )
    assert run2 is None
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == ApprovalStatus.PAID and second.payment_run is None
    assert first.filed_in is not None  # the flow went on from payment to filing
    batch = booking_batch_create(actor=people["accountant"], org_unit_ids=[finanzen.pk])
    assert list(batch.invoices.all()) == [first]
    assert booking_batch_create(actor=people["accountant"], org_unit_ids=[finanzen.pk]) is None


def test_skonto_escalation_under_frozen_time(units, people):
    finanzen, schule, _ = units
    schule.lead = UserFactory(username="leitung", role=Role.CLERK, org_units=[schule])
    schule.lead.email = "leitung@stadt.example"
    schule.lead.save()
    schule.save()
    terms = "#SKONTO#TAGE=14#PROZENT=2.00#\n"
    with time_machine.travel(dt.datetime(2026, 11, 2, 8, 0), tick=False):
        invoice = _receive(finanzen, _invoice_bytes(terms=terms))
        assert escalate() == {"reminder": 0, "lead": 0}
    with time_machine.travel(dt.datetime(2026, 11, 13, 8, 0), tick=False):  # 3 days before
        assert escalate() == {"reminder": 1, "lead": 0}
        assert "schule@stadt.example" in mail.outbox[-1].to
        assert escalate() == {"reminder": 0, "lead": 0}  # once per level
    with time_machine.travel(dt.datetime(2026, 11, 15, 8, 0), tick=False):  # 1 day before
        assert escalate() == {"reminder": 0, "lead": 1}
        assert mail.outbox[-1].to == ["leitung@stadt.example"]
    invoice.refresh_from_db()
    assert invoice.escalation_level == 2


def test_clerk_of_another_department_cannot_see_the_invoice(client, units, people):
    finanzen, *_ = units
    invoice = _receive(finanzen, _invoice_bytes())
    client.force_login(people["other_clerk"])
    assert client.get(reverse("invoicing:invoices:detail", args=[invoice.pk])).status_code == 404
    response = client.post(
        reverse("invoicing:invoices:decide", args=[invoice.pk]), {"decision": "confirm"}
    )
    assert response.status_code == 404
    client.force_login(people["clerk"])
    assert client.get(reverse("invoicing:invoices:detail", args=[invoice.pk])).status_code == 200


def test_matrix_page_and_radar_show_their_tables(client, units, people):
    finanzen, schule, _ = units
    ApprovalBand.objects.create(org_unit=schule, amount_from=Decimal("5000"), approvers=2)
    with time_machine.travel(dt.datetime(2026, 11, 5, 9, 0), tick=False):
        _receive(finanzen, _invoice_bytes(terms="#SKONTO#TAGE=14#PROZENT=3.00#\n"))
        client.force_login(people["approver"])
        matrix = client.get(reverse("invoicing:invoices:matrix")).content.decode()
        assert "Schulamt" in matrix and "5.000,00" in matrix
        radar = client.get(reverse("invoicing:invoices:radar")).content.decode()
        assert "RE-1" in radar and "12,84" in radar


def test_escalation_runs_as_the_scheduled_celery_task(settings, units, people):
    from invoicing.tasks import escalate_deadlines

    assert settings.CELERY_BEAT_SCHEDULE["invoice-deadlines"]["task"] == escalate_deadlines.name
    finanzen, *_ = units
    with time_machine.travel(dt.datetime(2026, 11, 30, 8, 0), tick=False):
        _receive(finanzen, _invoice_bytes())  # due 2026-12-02, no Skonto
        assert escalate_deadlines.delay().get() == {"reminder": 1, "lead": 0}


def test_accounting_list_filters_by_status_amount_due_date_and_own_queue(client, units, people):
    finanzen, *_ = units
    small = _receive(finanzen, _invoice_bytes("RE-S", qty="1"))
    big = _receive(finanzen, _invoice_bytes("RE-B", qty="100"))
    _decide(people["clerk"], big)
    index = reverse("invoicing:invoices:index")

    def numbers(user, **params):
        client.force_login(people[user])
        page = client.get(index, params).content.decode()
        return {n for n in ("RE-S", "RE-B") if f">{n}<" in page}

    assert numbers("accountant", status="arithmetic") == {"RE-B"}
    assert numbers("accountant", amount_min="1000") == {"RE-B"}
    assert numbers("accountant", amount_max="1000") == {"RE-S"}
    assert numbers("accountant", due_until="2026-12-01") == set()
    assert numbers("accountant", mine="on") == {"RE-B"}
    assert numbers("clerk", mine="on") == {"RE-S"}
    assert small.status == ApprovalStatus.FACTUAL


def test_same_seller_amount_and_date_under_another_number_is_flagged(units):
    finanzen, *_ = units
    _receive(finanzen, _invoice_bytes("RE-20"))
    again = _receive(finanzen, _invoice_bytes("RE-20-KOPIE"), name="kopie.xml")
    assert "OWN-DUPLICATE" in {row["rule"] for row in again.findings}
    other = _receive(finanzen, _invoice_bytes("RE-21", qty="5"), name="other.xml")
    assert "OWN-DUPLICATE" not in {row["rule"] for row in other.findings}


def test_administrator_changes_the_matrix_in_the_admin_and_it_is_audited(client, units):
    _finanzen, schule, _ = units
    admin_user = UserFactory(username="admin1", role=Role.ADMINISTRATOR, org_units=[])
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:invoicing_approvalband_add"),
        {"org_unit": schule.pk, "amount_from": "10000", "amount_to": "", "approvers": "2"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    band = ApprovalBand.objects.get(org_unit=schule)
    event = AuditEvent.objects.get(action="approvalband.create")
    assert event.object_id == str(band.pk) and event.changes["approvers"] == ["", "2"]
    assert client.get(reverse("invoicing:invoices:matrix")).status_code == 200


def test_decisions_and_tasks_over_the_api(client, units, people):
    finanzen, *_ = units
    invoice = _receive(finanzen, _invoice_bytes())
    client.force_login(people["clerk"])
    tasks = client.get(reverse("api-task-list"), {"kind": "invoice"}).json()
    assert [t["reference"] for t in tasks] == ["RE-1"] and tasks[0]["can_claim"]
    assert client.post(reverse("api-task-claim", args=[tasks[0]["id"]])).status_code == 204
    assert client.get(reverse("api-task-list"), {"mine": "1"}).json()[0]["mine"] is True
    decision = reverse("api-invoice-decision", args=[invoice.pk])
    response = client.post(decision, {"decision": "confirm"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "arithmetic"
    # The clerk's next try is refused with the German reason as JSON.
    response = client.post(decision, {"decision": "confirm"}, content_type="application/json")
    assert response.status_code == 403
    assert "Rechnerisch richtig" in response.json()["message"]
    client.force_login(people["other_clerk"])
    response = client.post(decision, {"decision": "confirm"}, content_type="application/json")
    assert response.status_code == 404


def test_export_selection_costs_the_same_queries_for_many_invoices(
    units, people, django_assert_max_num_queries
):
    finanzen, *_ = units
    for n in (1, 2, 3, 4):
        _through_to_approved(_receive(finanzen, _invoice_bytes(f"RE-Q{n}", qty=str(n))), people)
    with django_assert_max_num_queries(2):
        assert len(bookable([finanzen.pk])) == 4
    with django_assert_max_num_queries(2):
        assert len(payment_plan([finanzen.pk], dt.date(2026, 11, 6)).transfers) == 4
