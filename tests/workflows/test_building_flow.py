"""The building application flow end to end through HTTP: online submission → formal check →
two Fachstellen in parallel → decision draft → sign-off by a second person → Bescheid PDF in
the e-file → applicant notified → e-file closed. And the rules on the way: the join waits
for every statement, the drafter cannot sign off, a Fachstelle sees only what it was asked."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from viewflow.workflow import STATUS

from efile.audit import audit_chain_breaks
from efile.blobs import blob_read
from efile.models import AuditEvent, DocumentKind, EFileStatus
from workflows.models import BuildingApplication, BuildingStatus, StatementStatus

from .building_support import (
    API,
    FLOW,
    LEGAL_REMEDY,
    api_client,
    do_task,
    logged_in,
    open_task,
    pdf,
    pdf_text,
    submit,
    take,
    tasks_of,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(people, checklist):
    response = submit(people["applicant"])
    assert response.status_code == 201, response.json()
    return BuildingApplication.objects.get(pk=response.json()["id"])


def _complete(drafter_client, application, checklist):
    do_task(
        drafter_client,
        application,
        FLOW.check_completeness,
        {f"item_{item.pk}": "on" for item in checklist},
    )


def _ask(drafter_client, application, fachstellen, *codes):
    do_task(
        drafter_client,
        application,
        FLOW.choose_fachstellen,
        {"org_units": [fachstellen[code].pk for code in codes]},
    )


def _statement(user, application, text, conditions="", document=None):
    client = logged_in(Client, user)
    unit = user.org_units.get()
    data = {"text": text, "conditions": conditions}
    if document is not None:
        data["document"] = document
    return do_task(client, application, FLOW.give_statement, data, org_unit=unit.pk)


def test_happy_path_from_online_submission_to_the_bescheid_in_the_closed_efile(
    submitted, people, checklist, fachstellen
):
    application = submitted
    assert application.status == BuildingStatus.RECEIVED
    assert tasks_of(application)[-1] == ("check_completeness", STATUS.NEW)
    drafter = logged_in(Client, people["drafter"])

    _complete(drafter, application, checklist)
    assert application.status == BuildingStatus.COMPLETE
    assert [item["present"] for item in application.checklist] == [True, True, True]

    _ask(drafter, application, fachstellen, "feuerwehr", "umweltamt")
    assert application.status == BuildingStatus.PARTICIPATION
    statement_tasks = process_tasks = [t for t in tasks_of(application) if t[0] == "give_statement"]
    assert statement_tasks == [("give_statement", STATUS.NEW)] * 2, process_tasks
    assert {m.to[0] for m in mail.outbox if "Stellungnahme" in m.subject} == {
        "franz@example.org",
        "ulla@example.org",
    }

    _statement(
        people["fire"],
        application,
        "Keine Bedenken.",
        "Rauchmelder in allen Räumen.",
        document=upload("brandschutz.pdf", pdf("Brandschutztechnische Stellungnahme")),
    )
    assert tasks_of(application)[-1][0] != "draft_decision"  # the join waits
    statements = application.efile.documents.filter(kind=DocumentKind.STATEMENT)
    assert sorted(statements.values_list("title", flat=True)) == [
        "Stellungnahme Feuerwehr",
        "Stellungnahme Feuerwehr (Anlage)",
    ]
    fire_text = pdf_text(
        blob_read(statements.get(title="Stellungnahme Feuerwehr").versions.get().blob)
    )
    assert "Keine Bedenken." in fire_text and "Rauchmelder in allen Räumen." in fire_text
    _statement(people["environment"], application, "Einverstanden.")
    assert application.status == BuildingStatus.DECISION
    assert set(application.statements.values_list("status", flat=True)) == {StatementStatus.GIVEN}

    draft_url = take(drafter, application, FLOW.draft_decision)
    page = drafter.get(draft_url).content.decode()
    assert "Rauchmelder in allen Räumen. (Feuerwehr)" in page  # conditions taken over
    drafter.post(
        draft_url,
        {
            "decision": "approval",
            "conditions": "Rauchmelder in allen Räumen.",
            "reasons": "Das Vorhaben entspricht dem Bebauungsplan.",
        },
    )
    application.refresh_from_db()
    assert application.status == BuildingStatus.SIGN_OFF
    assert application.drafted_by == people["drafter"]

    mail.outbox.clear()
    signer = logged_in(Client, people["signer"])
    do_task(signer, application, FLOW.sign_off, {"action": "sign"})

    assert application.status == BuildingStatus.APPROVED
    assert application.signed_by == people["signer"]
    notice = application.notice
    assert notice.kind == DocumentKind.NOTICE and notice.efile == application.efile
    text = pdf_text(blob_read(notice.versions.get(number=1).blob))
    assert application.efile.reference in text
    assert "Die Baugenehmigung wird unter Nebenbestimmungen erteilt." in text
    assert "Rauchmelder in allen Räumen." in text
    assert LEGAL_REMEDY[:40] in " ".join(text.split())
    application.efile.refresh_from_db()
    assert application.efile.status == EFileStatus.CLOSED
    assert process_of_status(application) == STATUS.DONE
    assert [m.to for m in mail.outbox] == [["anna.huber@example.org"]]
    assert "Bescheid" in mail.outbox[0].subject

    status = api_client(people["applicant"]).get(f"{API}{application.pk}/").json()
    assert status["status"] == "approved"
    assert "genehmigt" in status["status_text"]
    titles = [d["title"] for d in status["documents"]]
    assert titles[0] == "Eingangsbestätigung" and titles[-1].startswith("Bescheid")
    download = api_client(people["applicant"]).get(status["documents"][-1]["download_url"])
    assert download.status_code == 200
    assert application.efile.reference in pdf_text(b"".join(download.streaming_content))

    actions = set(
        AuditEvent.objects.filter(object_type="workflows.buildingapplication").values_list(
            "action", flat=True
        )
    )
    assert {"building.submit", "building.accept_as_complete", "building.statement"} <= actions
    assert {"building.sign_off", "building.approve"} <= actions
    assert list(audit_chain_breaks()) == []


def process_of_status(application):
    from workflows.building_application import process_of

    return process_of(application).status


def test_join_waits_until_every_fachstelle_has_given_its_statement(
    submitted, people, checklist, fachstellen
):
    drafter = logged_in(Client, people["drafter"])
    _complete(drafter, submitted, checklist)
    _ask(drafter, submitted, fachstellen, "feuerwehr", "umweltamt", "denkmal")
    _statement(people["fire"], submitted, "Keine Bedenken.")
    _statement(people["heritage"], submitted, "Kein Denkmal betroffen.")

    submitted.refresh_from_db()
    assert submitted.status == BuildingStatus.PARTICIPATION
    names = [name for name, _status in tasks_of(submitted)]
    assert "draft_decision" not in names
    join = open_task(submitted, FLOW.join_statements)
    assert join.status == STATUS.STARTED

    _statement(people["environment"], submitted, "Einverstanden.")
    submitted.refresh_from_db()
    assert submitted.status == BuildingStatus.DECISION
    assert open_task(submitted, FLOW.draft_decision).status == STATUS.NEW


def test_the_drafter_can_never_sign_off_their_own_draft(submitted, people, checklist):
    drafter_user = people["drafter"]
    drafter = logged_in(Client, drafter_user)
    _complete(drafter, submitted, checklist)
    do_task(drafter, submitted, FLOW.choose_fachstellen, {})  # no Fachstelle needed
    do_task(
        drafter,
        submitted,
        FLOW.draft_decision,
        {"decision": "refusal", "reasons": "Das Vorhaben fügt sich nicht ein."},
    )
    assert submitted.status == BuildingStatus.SIGN_OFF
    task = open_task(submitted, FLOW.sign_off)

    # Not offered, not assignable, not executable through HTTP …
    page = drafter.get(reverse("building:applications:detail", args=[submitted.pk]))
    assert reverse("building:applications:take", args=[submitted.pk, task.pk]) not in (
        page.content.decode()
    )
    taken = drafter.post(reverse("building:applications:take", args=[submitted.pk, task.pk]))
    assert taken.status_code == 403
    assert (
        drafter.get(FLOW.sign_off.reverse("execute", args=[task.process_id, task.pk])).status_code
        == 403
    )

    # … and the service refuses even when the task was assigned from code.
    from django.core.exceptions import PermissionDenied

    from workflows.building.decision import decision_sign_off

    FLOW.sign_off.activation_class(task).assign(drafter_user)
    with pytest.raises(PermissionDenied, match="Vier-Augen-Prinzip"):
        decision_sign_off(actor=drafter_user, application=submitted, approve=True)
    submitted.refresh_from_db()
    assert submitted.status == BuildingStatus.SIGN_OFF and submitted.signed_by is None
    assert submitted.notice is None


def test_signer_can_send_the_draft_back_and_refusal_is_issued_after_redraft(
    submitted, people, checklist
):
    drafter = logged_in(Client, people["drafter"])
    signer = logged_in(Client, people["signer"])
    _complete(drafter, submitted, checklist)
    do_task(drafter, submitted, FLOW.choose_fachstellen, {})
    do_task(drafter, submitted, FLOW.draft_decision, {"decision": "refusal", "reasons": "Zu hoch."})
    do_task(
        signer,
        submitted,
        FLOW.sign_off,
        {"action": "return", "remark": "Begründung ausführlicher."},
    )
    assert submitted.status == BuildingStatus.DECISION
    do_task(
        drafter,
        submitted,
        FLOW.draft_decision,
        {"decision": "refusal", "reasons": "Die Firsthöhe überschreitet das zulässige Maß."},
    )
    do_task(signer, submitted, FLOW.sign_off, {"action": "sign"})
    assert submitted.status == BuildingStatus.REFUSED
    text = pdf_text(blob_read(submitted.notice.versions.get(number=1).blob))
    assert "Der Bauantrag wird abgelehnt." in text
    assert "Firsthöhe" in text


def test_a_fachstelle_cannot_open_an_application_it_was_not_asked_about(
    submitted, people, checklist, fachstellen
):
    drafter = logged_in(Client, people["drafter"])
    _complete(drafter, submitted, checklist)
    _ask(drafter, submitted, fachstellen, "feuerwehr")
    detail = reverse("building:applications:detail", args=[submitted.pk])
    fire, heritage = logged_in(Client, people["fire"]), logged_in(Client, people["heritage"])

    assert fire.get(detail).status_code == 200
    assert heritage.get(detail).status_code == 404
    version = submitted.efile.documents.first().versions.first()
    download = reverse("building:applications:download", args=[submitted.pk, version.pk])
    assert fire.get(download).status_code == 200
    assert heritage.get(download).status_code == 404
    assert (
        submitted.efile.reference
        not in heritage.get(reverse("building:statements:index")).content.decode()
    )
    task = open_task(submitted, FLOW.give_statement)
    take_url = reverse("building:applications:take", args=[submitted.pk, task.pk])
    assert heritage.post(take_url).status_code == 404
    execute = FLOW.give_statement.reverse("execute", args=[task.process_id, task.pk])
    assert heritage.get(execute).status_code == 403
    # the e-file itself stays closed to the Fachstelle
    assert fire.get(reverse("efile:efiles:detail", args=[submitted.efile_id])).status_code == 404


def test_open_tasks_for_lists_each_user_only_their_own_steps(
    submitted, people, checklist, fachstellen
):
    from workflows.building_application import open_tasks_for

    drafter = logged_in(Client, people["drafter"])
    _complete(drafter, submitted, checklist)
    do_task(
        drafter,
        submitted,
        FLOW.choose_fachstellen,
        {
            "org_units": [fachstellen["feuerwehr"].pk, fachstellen["umweltamt"].pk],
            "deadline": "2099-03-01",
        },
    )
    [(task, application, deadline)] = open_tasks_for(people["fire"])
    assert task.flow_task is FLOW.give_statement and application == submitted
    assert task.data["org_unit"] == fachstellen["feuerwehr"].pk
    assert str(deadline) == "2099-03-01"
    assert open_tasks_for(people["heritage"]) == []
    assert open_tasks_for(people["drafter"]) == []  # nothing for the Bauamt while they wait
    assert open_tasks_for(people["applicant"]) == []
