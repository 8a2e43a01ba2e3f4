"""The building department's pages (queue, application page, paper form, chart), the
Fachstelle's list, the XBau-like export and the processing-time statistics."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.test import Client, TestCase
from django.urls import reverse

from efile.models import DocumentKind
from efile.roles import Role
from tests.factories import OrgUnitFactory, UserFactory
from workflows.models import BuildingApplication, BuildingStatus

from .building_support import (
    API,
    FLOW,
    api_client,
    ask_fachstellen,
    do_task,
    logged_in,
    pdf,
    submit,
    take,
    upload,
)

pytestmark = pytest.mark.django_db

BERLIN = dt.timezone(dt.timedelta(hours=1))


def _decide(application, people, checklist, fachstellen=None, decision="approval"):
    drafter = logged_in(Client, people["drafter"])
    do_task(
        drafter,
        application,
        FLOW.check_completeness,
        {f"item_{item.pk}": "on" for item in checklist},
    )
    units = [fachstellen["feuerwehr"].pk] if fachstellen else []
    do_task(drafter, application, FLOW.choose_fachstellen, {"org_units": units})
    if fachstellen:
        fire = logged_in(Client, people["fire"])
        do_task(
            fire,
            application,
            FLOW.give_statement,
            {"text": "Zufahrt für die Feuerwehr gesichert.", "conditions": "Feuerwehrzufahrt"},
        )
    do_task(
        drafter,
        application,
        FLOW.draft_decision,
        {"decision": decision, "conditions": "", "reasons": "Geprüft."},
    )
    do_task(logged_in(Client, people["signer"]), application, FLOW.sign_off, {"action": "sign"})


def test_queue_and_application_page_show_checklist_statements_deadlines_and_documents(
    people, checklist, fachstellen
):
    application = BuildingApplication.objects.get(pk=submit(people["applicant"]).json()["id"])
    drafter = logged_in(Client, people["drafter"])
    queue = drafter.get(reverse("building:applications:index")).content.decode()
    assert application.efile.reference in queue and "Anna Huber" in queue
    assert "Übernehmen" in queue

    ask_fachstellen(
        drafter, application, checklist, [fachstellen["feuerwehr"]], deadline="2099-01-31"
    )
    page = drafter.get(reverse("building:applications:detail", args=[application.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Vollständigkeitsprüfung" in html and "Bauzeichnungen" in html
    assert "Feuerwehr" in html and "31.01.2099" in html and "Angefordert" in html
    assert "Eingangsbestätigung" in html and "lageplan" in html
    assert reverse("building:applications:chart", args=[application.pk]) in html
    assert "Verlauf" in html and "Fachstellen beteiligt" in html and "Bauantrag eingegangen" in html

    chart = drafter.get(reverse("building:applications:chart", args=[application.pk]))
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert b"<svg" in chart.content

    inbox = logged_in(Client, people["fire"]).get(reverse("building:statements:index"))
    assert application.efile.reference in inbox.content.decode()
    assert (
        logged_in(Client, people["heritage"]).get(reverse("building:statements:index")).status_code
        == 200
    )


def test_pages_are_closed_to_other_departments_and_roles(people, checklist, bauamt):
    application = BuildingApplication.objects.get(pk=submit(people["applicant"]).json()["id"])
    detail = reverse("building:applications:detail", args=[application.pk])
    elsewhere = UserFactory(
        username="bau-b",
        role=Role.BUILDING,
        org_units=[OrgUnitFactory(code="bauamt-b", name="Bauamt B")],
    )
    assert logged_in(Client, elsewhere).get(detail).status_code == 404
    clerk = UserFactory(username="sb", role=Role.CLERK, org_units=[bauamt])
    assert logged_in(Client, clerk).get(detail).status_code == 403
    assert logged_in(Client, people["applicant"]).get(detail).status_code == 403
    assert Client().get(detail).status_code == 302


def test_paper_application_entered_by_the_department_with_the_same_checks(
    people, checklist, authority
):
    drafter = logged_in(Client, people["drafter"])
    url = reverse("building:applications:create")
    assert drafter.get(url).status_code == 200
    invalid = drafter.post(
        url,
        {
            "authority": authority.pk,
            "applicant_kind": "person",
            "applicant_name": "Jürgen Weiß",
            "plans": [upload("plan.txt", b"kein pdf", "text/plain")],
        },
    )
    html = invalid.content.decode()
    assert invalid.status_code == 200
    assert "Der Plan „plan.txt“ ist kein PDF." in html
    assert "Bitte geben Sie das Flurstück bzw. die Parzelle an." in html
    assert BuildingApplication.objects.count() == 0

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = drafter.post(
            url,
            {
                "authority": authority.pk,
                "applicant_kind": "person",
                "applicant_name": "Jürgen Weiß",
                "applicant_street": "Ostwall 101",
                "applicant_postcode": "47798",
                "applicant_city": "Krefeld",
                "project_kind": "abbruch",
                "description": "Abbruch einer Scheune",
                "parcel": "Flurstück 77",
                "site_address": "Hofweg 3, 47798 Krefeld",
                "estimated_costs": "12.000,50".replace(".", ""),
                "plans": [upload("abbruchplan.pdf", pdf("Abbruchplan Scheune"))],
            },
        )
    application = BuildingApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("building:applications:detail", args=[application.pk])
    assert application.channel == BuildingApplication.Channel.PAPER
    assert application.submitted_by is None
    assert str(application.estimated_costs) == "12000.50"
    assert application.efile.created_by == people["drafter"]
    assert application.efile.documents.filter(kind=DocumentKind.PLAN).count() == 1


def test_fachstelle_cannot_enter_paper_applications(people, checklist):
    fire = logged_in(Client, people["fire"])
    assert fire.get(reverse("building:applications:create")).status_code == 403


def test_export_has_xbau_like_keys_states_and_dates(people, checklist, fachstellen):
    application = BuildingApplication.objects.get(pk=submit(people["applicant"]).json()["id"])
    _decide(application, people, checklist, fachstellen)
    response = api_client(people["drafter"]).get(f"{API}{application.pk}/export/")
    assert response.status_code == 200
    data = response.json()
    assert data["nachrichtentyp"] == "0200"
    assert data["aktenzeichen"] == application.efile.reference
    assert data["antragsteller"]["anschrift"]["postleitzahl"] == "47798"
    assert data["bauvorhaben"]["art"] == "neubau"
    assert data["baugrundstueck"]["flurstueck"].endswith("Flurstück 345")
    assert len(data["formellePruefung"]["pruefpunkte"]) == 3
    [participation] = data["beteiligungen"]
    assert participation["fachstelle"] == "Feuerwehr"
    assert participation["nebenbestimmungen"] == "Feuerwehrzufahrt"
    assert data["bescheid"]["entscheidung"] == "approval"
    assert [step["status"] for step in data["af:statusverlauf"]] == [
        "received",
        "complete",
        "participation",
        "decision",
        "sign_off",
        "approved",
    ]
    assert api_client(people["applicant"]).get(f"{API}{application.pk}/export/").status_code == 404


def test_processing_times_per_project_kind_as_csv(people, checklist):
    def received_on(day: str):
        start = dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=BERLIN)
        with time_machine.travel(start, tick=False):
            return BuildingApplication.objects.get(pk=submit(people["applicant"]).json()["id"])

    first = received_on("2026-01-05")
    second = received_on("2026-01-06")
    third = received_on("2026-01-07")
    with time_machine.travel(dt.datetime(2026, 1, 15, 9, tzinfo=BERLIN), tick=False):
        _decide(first, people, checklist)  # 10 days
    with time_machine.travel(dt.datetime(2026, 1, 26, 9, tzinfo=BERLIN), tick=False):
        _decide(second, people, checklist, decision="refusal")  # 20 days
    assert third.status == BuildingStatus.RECEIVED  # undecided: not counted

    response = api_client(people["drafter"]).get(f"{API}statistics.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [
        {
            "art": "neubau",
            "bezeichnung": "Neubau",
            "anzahl_entschieden": "2",
            "genehmigt": "1",
            "abgelehnt": "1",
            "tage_mittelwert": "15.0",
            "tage_median": "15.0",
            "tage_min": "10.0",
            "tage_max": "20.0",
        }
    ]
    assert api_client(people["applicant"]).get(f"{API}statistics.csv").status_code == 403


def test_a_refusal_without_reasons_is_sent_back_in_german(people, checklist):
    application = BuildingApplication.objects.get(pk=submit(people["applicant"]).json()["id"])
    drafter = logged_in(Client, people["drafter"])
    do_task(
        drafter,
        application,
        FLOW.check_completeness,
        {f"item_{item.pk}": "on" for item in checklist},
    )
    do_task(drafter, application, FLOW.choose_fachstellen, {})
    url = take(drafter, application, FLOW.draft_decision)
    response = drafter.post(url, {"decision": "refusal", "reasons": " "})
    assert response.status_code == 200
    assert "Eine Ablehnung muss begründet werden." in response.content.decode()
    application.refresh_from_db()
    assert application.status == BuildingStatus.DECISION and application.drafted_by is None


def test_queue_query_count_does_not_grow_with_applications(
    people, checklist, django_assert_max_num_queries
):
    drafter = logged_in(Client, people["drafter"])
    url = reverse("building:applications:index")
    submit(people["applicant"])
    drafter.get(url)  # warm-up (session, content types)
    with django_assert_max_num_queries(60) as one:
        first = drafter.get(url)
    assert first.status_code == 200
    for number in range(4):
        submit(people["applicant"], plans=[upload(f"plan-{number}.pdf", pdf(f"Plan {number}"))])
    with django_assert_max_num_queries(60) as five:
        page = drafter.get(url)
    assert page.content.decode().count("Übernehmen") == 5
    assert len(five.captured_queries) == len(one.captured_queries)
