"""The Nachforderung loop with frozen time: incomplete → letter with deadline → reminder when
the deadline nears (once) → the applicant uploads through the API → formal check again; and
past the deadline the clerk extends or rejects the application as incomplete."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client, TestCase
from viewflow.workflow import STATUS

from efile.blobs import blob_read
from efile.models import Document, DocumentKind, EFileStatus
from workflows.models import BuildingApplication, BuildingStatus, NachforderungStatus
from workflows.tasks import building_deadlines

from .building_support import (
    API,
    FLOW,
    api_client,
    ask_fachstellen,
    do_task,
    logged_in,
    open_task,
    pdf,
    pdf_text,
    submit,
    tasks_of,
    upload,
)

pytestmark = pytest.mark.django_db

BERLIN = dt.timezone(dt.timedelta(hours=1))


def _at(day: str, hour: int = 9):
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=BERLIN)


def _run_deadline_job() -> dict:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return building_deadlines.delay().get()


@pytest.fixture
def incomplete(people, checklist):
    """Submitted on 2 March 2026; Bauzeichnungen and Statik missing, default deadline 21 days."""
    with time_machine.travel(_at("2026-03-02"), tick=False):
        response = submit(people["applicant"])
        application = BuildingApplication.objects.get(pk=response.json()["id"])
        mail.outbox.clear()
        drafter = logged_in(Client, people["drafter"])
        do_task(
            drafter,
            application,
            FLOW.check_completeness,
            {
                f"item_{checklist[0].pk}": "on",
                f"item_{checklist[2].pk}": "on",
                "other_missing": "Standsicherheitsnachweis (Statik)",
                "note": "Bitte die Bauzeichnungen im Maßstab 1:100.",
            },
        )
    return application


def test_incomplete_application_gets_a_nachforderung_letter_with_deadline(incomplete, people):
    application = incomplete
    assert application.status == BuildingStatus.INCOMPLETE
    nachforderung = application.nachforderungen.get()
    assert nachforderung.deadline == dt.date(2026, 3, 23)
    assert nachforderung.missing == ["Bauzeichnungen", "Standsicherheitsnachweis (Statik)"]
    letter = nachforderung.letter
    assert letter.efile == application.efile and letter.kind == DocumentKind.LETTER
    text = pdf_text(blob_read(letter.versions.get(number=1).blob))
    assert "Nachforderung von Unterlagen" in text and "23.03.2026" in text
    assert "Bauzeichnungen" in text and application.efile.reference in text
    assert [m.to for m in mail.outbox] == [["anna.huber@example.org"]]
    assert "Standsicherheitsnachweis" in mail.outbox[0].body
    assert tasks_of(application)[-2:] == [
        ("is_complete", STATUS.DONE),
        ("await_documents", STATUS.NEW),
    ]

    status = api_client(people["applicant"]).get(f"{API}{application.pk}/").json()
    assert status["status"] == "incomplete"
    [open_request] = status["open_nachforderungen"]
    assert open_request["deadline"] == "2026-03-23"
    assert open_request["missing"] == nachforderung.missing
    assert [d["title"] for d in status["documents"]][-1].startswith("Nachforderung vom")


def test_reminder_when_the_deadline_nears_then_upload_returns_to_the_formal_check(
    incomplete, people, checklist
):
    application = incomplete
    mail.outbox.clear()
    with time_machine.travel(_at("2026-03-19"), tick=False):  # four days before
        assert _run_deadline_job()["applicant_reminders"] == 0
    assert mail.outbox == []
    with time_machine.travel(_at("2026-03-20"), tick=False):  # three days before
        assert _run_deadline_job()["applicant_reminders"] == 1
        assert _run_deadline_job()["applicant_reminders"] == 0  # only once
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anna.huber@example.org"]
    assert "Erinnerung" in mail.outbox[0].subject and "23.03.2026" in mail.outbox[0].body

    with time_machine.travel(_at("2026-03-21"), tick=False):
        applicant = api_client(people["applicant"])
        empty = applicant.post(
            f"{API}{application.pk}/documents/",
            {"files": [upload("leer.pdf", b"")]},
            format="multipart",
        )
        assert empty.status_code == 400
        assert "leer (0 Bytes)" in empty.json()["message"]
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = applicant.post(
                f"{API}{application.pk}/documents/",
                {
                    "files": [
                        upload("bauzeichnungen.pdf", pdf("Grundriss EG", "Schnitt A-A")),
                        upload("statik.pdf", pdf("Standsicherheitsnachweis")),
                    ]
                },
                format="multipart",
            )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "received"
    assert response.json()["open_nachforderungen"] == []
    application.refresh_from_db()
    assert application.nachforderungen.get().status == NachforderungStatus.ANSWERED
    titles = set(application.efile.documents.values_list("title", flat=True))
    assert {"Nachgereicht: bauzeichnungen", "Nachgereicht: statik"} <= titles
    assert open_task(application, FLOW.check_completeness).status == STATUS.NEW

    drafter = logged_in(Client, people["drafter"])
    do_task(
        drafter,
        application,
        FLOW.check_completeness,
        {f"item_{item.pk}": "on" for item in checklist},
    )
    assert application.status == BuildingStatus.COMPLETE
    assert open_task(application, FLOW.choose_fachstellen).status == STATUS.NEW


def test_past_the_deadline_the_clerk_extends_and_then_rejects_as_incomplete(incomplete, people):
    application = incomplete
    drafter = logged_in(Client, people["drafter"])
    with time_machine.travel(_at("2026-03-23"), tick=False):  # deadline day: still open
        assert _run_deadline_job()["overdue"] == 0
    with time_machine.travel(_at("2026-03-24"), tick=False):
        assert _run_deadline_job()["overdue"] == 1
        assert _run_deadline_job()["overdue"] == 0
        assert open_task(application, FLOW.decide_overdue).status == STATUS.NEW
        do_task(
            drafter,
            application,
            FLOW.decide_overdue,
            {"action": "extend", "deadline": "2026-04-07"},
        )
    assert application.status == BuildingStatus.INCOMPLETE
    assert application.nachforderungen.get().deadline == dt.date(2026, 4, 7)
    assert open_task(application, FLOW.await_documents).status == STATUS.NEW

    mail.outbox.clear()
    with time_machine.travel(_at("2026-04-04"), tick=False):  # reminded again after extension
        assert _run_deadline_job()["applicant_reminders"] == 1
    with time_machine.travel(_at("2026-04-08"), tick=False):
        assert _run_deadline_job()["overdue"] == 1
        do_task(
            drafter,
            application,
            FLOW.decide_overdue,
            {"action": "reject"},
        )
    assert application.status == BuildingStatus.REJECTED
    assert application.nachforderungen.get().status == NachforderungStatus.REJECTED
    notice = Document.objects.get(pk=application.notice_id)
    text = pdf_text(blob_read(notice.versions.get(number=1).blob))
    assert "Der Bauantrag wird als unvollständig zurückgewiesen." in text
    assert application.efile.reference in text
    application.efile.refresh_from_db()
    assert application.efile.status == EFileStatus.CLOSED
    assert mail.outbox[-1].to == ["anna.huber@example.org"]
    assert "zurückgewiesen" in mail.outbox[-1].body

    late = api_client(people["applicant"]).post(
        f"{API}{application.pk}/documents/",
        {"files": [upload("zu-spaet.pdf", pdf("Zu spät"))]},
        format="multipart",
    )
    assert late.status_code == 400
    assert late.json()["message"] == "Zu diesem Antrag sind keine Unterlagen nachgefordert."


def test_documents_arriving_after_the_deadline_are_checked_by_the_clerk(incomplete, people):
    application = incomplete
    with time_machine.travel(_at("2026-03-25"), tick=False):
        _run_deadline_job()
        with TestCase.captureOnCommitCallbacks(execute=True):
            response = api_client(people["applicant"]).post(
                f"{API}{application.pk}/documents/",
                {"files": [upload("nachtrag.pdf", pdf("Bauzeichnungen, spät"))]},
                format="multipart",
            )
        assert response.status_code == 200
        drafter = logged_in(Client, people["drafter"])
        do_task(drafter, application, FLOW.decide_overdue, {"action": "check"})
    assert application.status == BuildingStatus.RECEIVED
    assert open_task(application, FLOW.check_completeness).status == STATUS.NEW


def test_a_clerk_cannot_reject_before_the_deadline(incomplete, people):
    from django.core.exceptions import PermissionDenied

    from workflows.building.nachforderung import application_reject_incomplete

    with time_machine.travel(_at("2026-03-10"), tick=False), pytest.raises(PermissionDenied):
        application_reject_incomplete(actor=people["drafter"], application=incomplete)


def test_fachstellen_are_reminded_once_before_their_statement_is_due(
    people, checklist, fachstellen
):
    with time_machine.travel(_at("2026-05-04"), tick=False):
        application = BuildingApplication.objects.get(pk=submit(people["applicant"]).json()["id"])
        drafter = logged_in(Client, people["drafter"])
        ask_fachstellen(
            drafter, application, checklist, [fachstellen["feuerwehr"], fachstellen["umweltamt"]]
        )
    statement = application.statements.get(org_unit=fachstellen["feuerwehr"])
    assert statement.deadline == dt.date(2026, 6, 1)  # the authority's 28 days
    mail.outbox.clear()
    with time_machine.travel(_at("2026-05-28"), tick=False):
        assert _run_deadline_job()["statement_reminders"] == 0
    with time_machine.travel(_at("2026-05-29"), tick=False):
        assert _run_deadline_job()["statement_reminders"] == 2
        assert _run_deadline_job()["statement_reminders"] == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["franz@example.org", "ulla@example.org"]
    assert all("01.06.2026" in m.body for m in mail.outbox)
