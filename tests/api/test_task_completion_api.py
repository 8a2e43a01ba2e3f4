"""`POST /api/v1/tasks/{id}/complete/`: a task of the inbox is completed with the decision its
node needs, through the same services as the task pages, and the flow goes on."""

import datetime as dt
import io

import pytest
import time_machine
from django.test import TestCase
from django.utils import timezone
from viewflow.workflow import STATUS
from viewflow.workflow.models import Task

from backoffice.demo.minipdf import text_pdf
from efile.models import Document, FilingPlanItem, IntakeItem, IntakeStatus
from efile.roles import Role
from invoicing.models import ApprovalStatus, InvoiceRoute, RouteKey
from tests.factories import OrgUnitFactory, UserFactory, efile_create
from tests.invoicing.test_approval import LEITWEG, _invoice_bytes
from tests.workflows.building_support import FLOW, api_client, open_task, submit
from workflows.building_application import overdue_nachforderungen_escalate
from workflows.building_application import process_of as building_process_of
from workflows.intake import IntakeFlow, intake_start
from workflows.intake import process_of as intake_process_of
from workflows.invoice_approval import InvoiceApprovalFlow, invoice_start
from workflows.invoice_approval import process_of as invoice_process_of
from workflows.models import BuildingApplication, BuildingStatus

pytestmark = pytest.mark.django_db

TASKS = "/api/v1/tasks/"
LETTER = text_pdf(["Stadt Kriens", "Nachreichung Statik zum Baugesuch", "Parzelle 1234"])


BERLIN = dt.timezone(dt.timedelta(hours=1))


def _at(day: str):
    return dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=BERLIN)


def complete(user, task_id: int, body: dict):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return api_client(user).post(f"{TASKS}{task_id}/complete/", body, format="json")


def listed(user, kind: str) -> list[dict]:
    response = api_client(user).get(TASKS, {"kind": kind})
    assert response.status_code == 200
    return response.json()


# Intake


@pytest.fixture
def waiting_item(bauamt) -> IntakeItem:
    with TestCase.captureOnCommitCallbacks(execute=True):
        item, _created = intake_start(
            actor=None, org_unit=bauamt, stream=io.BytesIO(LETTER), filename="statik.pdf"
        )
    item.refresh_from_db()
    assert item.status == IntakeStatus.TO_FILE
    return item


def _filing_task(item: IntakeItem) -> Task:
    return intake_process_of(item).task_set.get(flow_task=IntakeFlow.file_item)


def test_zuordnen_files_the_item_into_an_existing_efile_and_completes_the_task(
    clerk, bauamt, plan_item, waiting_item
):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    [entry] = listed(clerk, "intake")
    assert entry["node"] == "intake.file_item" and entry["can_claim"]

    response = complete(
        clerk,
        entry["id"],
        {
            "node": "intake.file_item",
            "efile": efile.pk,
            "title": "Statik",
            "kind": "letter",
            "received_on": timezone.localdate().isoformat(),
        },
    )

    assert response.status_code == 200, response.json()
    assert response.json()["status"] == STATUS.DONE
    assert response.json()["process_status"] == STATUS.DONE
    waiting_item.refresh_from_db()
    assert waiting_item.status == IntakeStatus.FILED
    assert waiting_item.document.efile == efile
    assert Document.objects.get().title == "Statik"
    task = _filing_task(waiting_item)
    assert task.status == STATUS.DONE and task.owner == clerk
    assert listed(clerk, "intake") == []

    again = complete(
        clerk,
        entry["id"],
        {
            "node": "intake.file_item",
            "efile": efile.pk,
            "kind": "letter",
            "received_on": "2026-11-02",
        },
    )
    assert again.status_code == 403
    assert again.json()["message"] == "Diese Aufgabe ist bereits erledigt."


def test_invalid_body_is_refused_in_german_and_leaves_the_task_untouched(clerk, waiting_item):
    task = _filing_task(waiting_item)
    today = timezone.localdate().isoformat()

    no_target = complete(
        clerk, task.pk, {"node": "intake.file_item", "kind": "letter", "received_on": today}
    )
    assert no_target.status_code == 400
    assert no_target.json()["message"].startswith("Bitte geben Sie entweder eine offene Akte an")

    wrong_node = complete(clerk, task.pk, {"node": "building.sign_off", "action": "sign"})
    assert wrong_node.status_code == 400
    assert wrong_node.json()["field"] == "node"
    assert wrong_node.json()["message"] == "Diese Aufgabe ist der Schritt „intake.file_item“."

    foreign_efile = complete(
        clerk,
        task.pk,
        {"node": "intake.file_item", "efile": 999999, "kind": "letter", "received_on": today},
    )
    assert foreign_efile.status_code == 400
    assert foreign_efile.json()["field"] == "efile"
    assert "gibt es für Sie nicht" in foreign_efile.json()["message"]

    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner is None  # the refused try took nothing
    waiting_item.refresh_from_db()
    assert waiting_item.status == IntakeStatus.TO_FILE


def test_task_of_another_department_is_not_found(umwelt, plan_item, waiting_item):
    outsider = UserFactory(username="umwelt-clerk", role=Role.CLERK, org_units=[umwelt])
    efile = efile_create(org_unit=umwelt, plan_item=plan_item)
    task = _filing_task(waiting_item)

    response = complete(
        outsider,
        task.pk,
        {
            "node": "intake.file_item",
            "efile": efile.pk,
            "kind": "letter",
            "received_on": "2026-11-02",
        },
    )

    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Aufgabe nicht gefunden.",
        "field": None,
    }
    assert complete(outsider, 999999, {"node": "intake.file_item"}).status_code == 404
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner is None


# Invoice approval


@pytest.fixture
def invoice_clerk(db):
    finanzen = OrgUnitFactory(code="finanzen", name="Finanzen")
    schule = OrgUnitFactory(code="schule", name="Schulamt")
    FilingPlanItem.objects.get_or_create(
        code="200.20", defaults={"title": "Lieferanten und Kreditoren", "retention_years": 10}
    )
    InvoiceRoute.objects.create(key=RouteKey.BUYER_REFERENCE, value=LEITWEG, org_unit=schule)
    invoice, _created = invoice_start(
        actor=None, org_unit=finanzen, stream=io.BytesIO(_invoice_bytes()), filename="re.xml"
    )
    assert invoice.status == ApprovalStatus.FACTUAL
    return UserFactory(username="schule", role=Role.CLERK, org_units=[schule]), invoice


def test_invoice_factual_check_is_confirmed_through_the_tasks_endpoint(invoice_clerk):
    clerk, invoice = invoice_clerk
    [entry] = listed(clerk, "invoice")
    assert entry["node"] == "invoice.factual"

    response = complete(clerk, entry["id"], {"node": "invoice.factual", "decision": "confirm"})

    assert response.status_code == 200, response.json()
    invoice.refresh_from_db()
    assert invoice.status == ApprovalStatus.ARITHMETIC
    factual = invoice_process_of(invoice).task_set.get(flow_task=InvoiceApprovalFlow.factual)
    assert factual.status == STATUS.DONE and factual.owner == clerk
    assert (
        invoice_process_of(invoice)
        .task_set.filter(flow_task=InvoiceApprovalFlow.arithmetic, status=STATUS.NEW)
        .exists()
    )

    # The finished task is not taken for the next step's decision.
    again = complete(clerk, entry["id"], {"node": "invoice.factual", "decision": "confirm"})
    assert again.status_code == 403
    assert again.json()["message"] == "Diese Aufgabe ist bereits erledigt."
    invoice.refresh_from_db()
    assert invoice.status == ApprovalStatus.ARITHMETIC


def test_invoice_rejection_without_a_reason_is_refused_with_the_services_message(invoice_clerk):
    clerk, invoice = invoice_clerk
    [entry] = listed(clerk, "invoice")

    response = complete(clerk, entry["id"], {"node": "invoice.factual", "decision": "reject"})

    assert response.status_code == 400
    assert response.json()["message"]
    invoice.refresh_from_db()
    assert invoice.status == ApprovalStatus.FACTUAL


# Building applications


@pytest.fixture
def submitted(people, checklist) -> BuildingApplication:
    response = submit(people["applicant"])
    assert response.status_code == 201, response.json()
    return BuildingApplication.objects.get(pk=response.json()["id"])


def test_completeness_check_through_the_api_moves_the_application_on(submitted, people, checklist):
    drafter = people["drafter"]
    [entry] = listed(drafter, "building")
    assert entry["node"] == "building.check_completeness"

    response = complete(
        drafter,
        entry["id"],
        {"node": "building.check_completeness", "present": [item.pk for item in checklist]},
    )

    assert response.status_code == 200, response.json()
    submitted.refresh_from_db()
    assert submitted.status == BuildingStatus.COMPLETE
    assert all(entry["present"] for entry in submitted.checklist)
    task = Task.objects.get(pk=entry["id"])
    assert task.status == STATUS.DONE and task.owner == drafter
    assert open_task(submitted, FLOW.choose_fachstellen).status == STATUS.NEW


def test_someone_elses_task_is_refused(submitted, people, checklist):
    task = open_task(submitted, FLOW.check_completeness)
    assert api_client(people["signer"]).post(f"{TASKS}{task.pk}/claim/").status_code == 204

    response = complete(
        people["drafter"],
        task.pk,
        {"node": "building.check_completeness", "present": [item.pk for item in checklist]},
    )

    assert response.status_code == 403
    assert response.json()["message"] == (
        f"Diese Aufgabe bearbeitet {people['signer'].get_full_name()}."
    )
    submitted.refresh_from_db()
    assert submitted.status == BuildingStatus.RECEIVED


def test_drafter_cannot_sign_off_and_a_second_person_signs_the_bescheid(
    submitted, people, checklist, fachstellen
):
    drafter, signer = people["drafter"], people["signer"]
    present = [item.pk for item in checklist]
    steps = [
        ("check_completeness", {"present": present}),
        ("choose_fachstellen", {"org_units": []}),
        ("draft_decision", {"decision": "refusal", "reasons": "Das Vorhaben fügt sich nicht ein."}),
    ]
    for name, body in steps:
        task = open_task(submitted, getattr(FLOW, name))
        response = complete(drafter, task.pk, {"node": f"building.{name}", **body})
        assert response.status_code == 200, (name, response.json())
    submitted.refresh_from_db()
    assert submitted.status == BuildingStatus.SIGN_OFF and submitted.drafted_by == drafter
    sign_off = open_task(submitted, FLOW.sign_off)

    refused = complete(drafter, sign_off.pk, {"node": "building.sign_off", "action": "sign"})

    assert refused.status_code == 403
    assert refused.json()["message"] == (
        "Vier-Augen-Prinzip: Sie haben den Entwurf verfasst und dürfen ihn nicht zeichnen."
    )
    sign_off.refresh_from_db()
    assert sign_off.status == STATUS.NEW and sign_off.owner is None

    signed = complete(signer, sign_off.pk, {"node": "building.sign_off", "action": "sign"})

    assert signed.status_code == 200, signed.json()
    submitted.refresh_from_db()
    assert submitted.status == BuildingStatus.REFUSED
    assert submitted.signed_by == signer and submitted.notice is not None
    assert building_process_of(submitted).status == STATUS.DONE


def test_fachstelle_outside_the_candidates_is_refused(submitted, people, checklist):
    drafter = people["drafter"]
    task = open_task(submitted, FLOW.check_completeness)
    body = {"node": "building.check_completeness", "present": [item.pk for item in checklist]}
    assert complete(drafter, task.pk, body).status_code == 200
    task = open_task(submitted, FLOW.choose_fachstellen)

    response = complete(
        drafter, task.pk, {"node": "building.choose_fachstellen", "org_units": ["gibtsnicht"]}
    )

    assert response.status_code == 400
    assert response.json()["field"] == "org_units"
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner is None


def test_failed_item_is_read_again_from_the_error_queue_task(clerk, bauamt):
    with TestCase.captureOnCommitCallbacks(execute=True):
        item, _created = intake_start(
            actor=None, org_unit=bauamt, stream=io.BytesIO(b""), filename="leer.pdf"
        )
    review = intake_process_of(item).task_set.get(flow_task=IntakeFlow.review_failure)
    attempts = item.attempts
    [entry] = listed(clerk, "intake")
    assert (entry["id"], entry["node"]) == (review.pk, "intake.review_failure")

    response = complete(clerk, review.pk, {"node": "intake.review_failure", "action": "retry"})

    assert response.status_code == 200, response.json()
    review.refresh_from_db()
    assert review.status == STATUS.DONE and review.owner == clerk
    item.refresh_from_db()
    assert item.attempts == attempts + 1  # read again by the job queued after the commit
    assert item.status == IntakeStatus.FAILED  # still empty: back in the error queue
    reviews = intake_process_of(item).task_set.filter(flow_task=IntakeFlow.review_failure)
    assert [task.status for task in reviews.order_by("pk")] == [STATUS.DONE, STATUS.NEW]


def test_overdue_nachforderung_is_extended_through_the_api(people, checklist):
    drafter = people["drafter"]
    with time_machine.travel(_at("2026-03-02"), tick=False):
        application = BuildingApplication.objects.get(pk=submit(people["applicant"]).json()["id"])
        check = open_task(application, FLOW.check_completeness)
        body = {"node": "building.check_completeness", "present": [checklist[0].pk]}
        assert complete(drafter, check.pk, body).status_code == 200
    assert application.nachforderungen.get().deadline == dt.date(2026, 3, 23)

    with time_machine.travel(_at("2026-03-24"), tick=False):
        assert overdue_nachforderungen_escalate() == 1
        task = open_task(application, FLOW.decide_overdue)
        node = {"node": "building.decide_overdue"}

        no_deadline = complete(drafter, task.pk, {**node, "action": "extend"})
        assert no_deadline.status_code == 400
        assert no_deadline.json()["message"] == "Bitte geben Sie die neue Frist an."
        nothing_late = complete(drafter, task.pk, {**node, "action": "check"})
        assert nothing_late.status_code == 400
        assert nothing_late.json()["message"] == (
            "Es sind keine nachgereichten Unterlagen eingegangen."
        )

        extended = complete(
            drafter, task.pk, {**node, "action": "extend", "deadline": "2026-04-07"}
        )

    assert extended.status_code == 200, extended.json()
    application.refresh_from_db()
    assert application.status == BuildingStatus.INCOMPLETE
    assert application.nachforderungen.get().deadline == dt.date(2026, 4, 7)
    assert open_task(application, FLOW.await_documents).status == STATUS.NEW
