"""Meine Aufgaben: tasks of the flows and resubmissions in one list, permission-filtered,
with claim/unclaim, the deadline calendar and the iCalendar feed."""

import datetime as dt
import io

import pytest
from django.test import TestCase
from django.urls import reverse
from icalendar import Calendar

from backoffice.demo.minipdf import text_pdf
from efile.models import FilingPlanItem
from efile.roles import Role
from efile.services.resubmissions import resubmission_create
from invoicing.models import InvoiceRoute, RouteKey
from tests.factories import OrgUnitFactory, UserFactory, efile_create
from tests.invoicing.test_approval import LEITWEG, _invoice_bytes
from workflows.ical import feed_token
from workflows.inbox import inbox_entries
from workflows.intake import intake_start
from workflows.invoice_approval import invoice_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    finanzen = OrgUnitFactory(code="finanzen", name="Finanzen")
    schule = OrgUnitFactory(code="schule", name="Schulamt")
    umwelt = OrgUnitFactory(code="umwelt", name="Umweltamt")
    FilingPlanItem.objects.get_or_create(code="200.20", defaults={"title": "Kreditoren"})
    InvoiceRoute.objects.create(key=RouteKey.BUYER_REFERENCE, value=LEITWEG, org_unit=schule)
    # One person, two roles: clerk of the Schulamt and accountant in Finanzen.
    both = UserFactory(username="zwei", role=Role.CLERK, org_units=[schule, finanzen])
    both.groups.add(*UserFactory(username="k", role=Role.ACCOUNTING).groups.all())
    other = UserFactory(username="umwelt", role=Role.CLERK, org_units=[umwelt])
    with TestCase.captureOnCommitCallbacks(execute=True):
        intake_start(
            actor=None,
            org_unit=schule,
            stream=io.BytesIO(text_pdf(["Elternbrief", "Anmeldung Schule"])),
            filename="anmeldung.pdf",
        )
        intake_start(
            actor=None,
            org_unit=umwelt,
            stream=io.BytesIO(text_pdf(["Lärmbeschwerde"])),
            filename="laerm.pdf",
        )
    factual = invoice_start(
        actor=None, org_unit=finanzen, stream=io.BytesIO(_invoice_bytes("RE-1")), filename="1.xml"
    )[0]
    triage = invoice_start(
        actor=None,
        org_unit=finanzen,
        stream=io.BytesIO(_invoice_bytes("RE-2", leitweg="05114000-99999-12")),
        filename="2.xml",
    )[0]
    efile = efile_create(org_unit=schule, title="Schulwegsicherung")
    resubmission_create(
        actor=both, efile=efile, due_on=dt.date(2026, 12, 1), note="Antwort Polizei?", user=both
    )
    return {"both": both, "other": other, "factual": factual, "triage": triage, "efile": efile}


def test_inbox_shows_tasks_of_every_flow_for_a_user_with_several_roles(client, world):
    entries = inbox_entries(world["both"])
    kinds = {(entry.kind, entry.reference) for entry in entries}
    assert ("intake", "Schulamt") in kinds
    assert ("invoice", "RE-1") in kinds and ("invoice", "RE-2") in kinds
    assert ("resubmission", world["efile"].reference) in kinds
    # Deadlines first, soonest first; entries without a deadline last.
    deadlines = [entry.deadline for entry in entries]
    dated = [d for d in deadlines if d is not None]
    assert dated == sorted(dated) and deadlines[: len(dated)] == dated
    client.force_login(world["both"])
    page = client.get(reverse("tasks:inbox:index")).content.decode()
    assert "anmeldung.pdf" in page and "RE-1" in page and "Antwort Polizei?" in page
    assert "laerm.pdf" not in page
    only_invoices = client.get(reverse("tasks:inbox:index"), {"art": "invoice"}).content.decode()
    assert "RE-1" in only_invoices and "anmeldung.pdf" not in only_invoices


def test_nothing_of_another_department_is_shown(world):
    entries = inbox_entries(world["other"])
    assert {entry.subject for entry in entries} == {"laerm.pdf"}


def test_claim_and_unclaim_from_the_group_queue(client, world):
    client.force_login(world["both"])
    entry = next(e for e in inbox_entries(world["both"]) if e.reference == "RE-1")
    assert entry.can_claim and not entry.mine
    client.post(reverse("tasks:inbox:index"), {"task": entry.task.pk, "claim": "1"})
    entry = next(e for e in inbox_entries(world["both"]) if e.reference == "RE-1")
    assert entry.mine and entry.can_unclaim
    # Another department cannot claim or unclaim it.
    client.force_login(world["other"])
    client.post(reverse("tasks:inbox:index"), {"task": entry.task.pk, "unclaim": "1"})
    entry.task.refresh_from_db()
    assert entry.task.owner == world["both"]
    client.force_login(world["both"])
    client.post(reverse("tasks:inbox:index"), {"task": entry.task.pk, "unclaim": "1"})
    entry.task.refresh_from_db()
    assert entry.task.owner is None


def test_ical_feed_parses_and_needs_the_right_token(client, world):
    token = feed_token(world["both"])
    response = client.get(reverse("tasks:inbox:ical", args=[token]))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    events = {str(event["summary"]): event for event in calendar.walk("VEVENT")}
    assert any("Antwort" in str(e["description"]) for e in events.values())
    assert any(summary.startswith("Zahlungsfrist: RE-1") for summary in events)
    resubmission = next(e for e in events.values() if "Wiedervorlage" in str(e["summary"]))
    assert resubmission.decoded("dtstart") == dt.date(2026, 12, 1)
    assert client.get(reverse("tasks:inbox:ical", args=[token[:-1] + "x"])).status_code == 404
    world["both"].set_password("neu-und-geheim-2026")
    world["both"].save()
    assert client.get(reverse("tasks:inbox:ical", args=[token])).status_code == 404


def test_deadline_calendar_shows_the_month_of_a_deadline(client, world):
    client.force_login(world["both"])
    page = client.get(reverse("tasks:inbox:calendar"), {"jahr": 2026, "monat": 12})
    assert world["efile"].reference in page.content.decode()
    assert "RE-1" in page.content.decode()  # due 2026-12-02


def test_building_tasks_join_the_inbox_of_the_building_department(checklist, people, bauamt):
    from tests.workflows.building_support import submit

    response = submit(people["applicant"])
    assert response.status_code == 201, response.content
    entries = inbox_entries(people["drafter"])
    building = [entry for entry in entries if entry.kind == "building"]
    assert len(building) == 1 and building[0].can_claim
    assert building[0].reference == response.json()["aktenzeichen"]
    # A Fachstelle was not asked about it and sees nothing of it.
    assert [e for e in inbox_entries(people["fire"]) if e.kind == "building"] == []
