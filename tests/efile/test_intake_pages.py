import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from backoffice.demo.minipdf import text_pdf
from efile.models import Document, IntakeItem, IntakeStatus
from efile.roles import Role
from efile.services import party_register
from tests.factories import UserFactory, efile_create
from workflows.intake import intake_start, reading_done

INBOX = reverse("efile:intake:index")


def _task_url(client, item: IntakeItem) -> str:
    """Opening an item from the Posteingang takes its flow task and leads to the task page."""
    response = client.get(reverse("efile:intake:item", args=[item.pk]))
    assert response.status_code == 302, response.status_code
    return response["Location"]


def _item_waiting(unit, text: str, content: bytes | None = None) -> IntakeItem:
    """An item as the reader leaves it; the reading itself is tested in test_intake.py."""
    content = content or text_pdf([text])
    item, _ = intake_start(
        actor=None, org_unit=unit, stream=io.BytesIO(content), filename="scan.pdf"
    )
    IntakeItem.objects.filter(pk=item.pk).update(
        status=IntakeStatus.TO_FILE, text=text, failure_code="", failure_reason=""
    )
    reading_done(item_id=item.pk)
    item.refresh_from_db()
    return item


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def test_inbox_shows_tabs_and_upload_form(clerk_client, bauamt):
    page = clerk_client.get(INBOX).content.decode()
    assert "Posteingang" in page
    assert "Zuzuordnen (0)" in page
    assert "Fehlerablage (0)" in page
    assert 'type="file"' in page and "multiple" in page


@pytest.mark.parametrize("role", [Role.STATEMENT, Role.APPLICANT, Role.REGISTRY, Role.APPROVER])
def test_roles_without_an_inbox_are_refused(client, db, role):
    client.force_login(UserFactory(username=f"x-{role.name}", role=role))
    assert client.get(INBOX).status_code == 403


def test_several_files_at_once_land_in_the_inbox_and_duplicates_are_named(clerk_client, bauamt):
    first = SimpleUploadedFile("a.pdf", text_pdf(["Erstes Schreiben"]), "application/pdf")
    second = SimpleUploadedFile("b.pdf", text_pdf(["Zweites Schreiben"]), "application/pdf")
    again = SimpleUploadedFile("c.pdf", text_pdf(["Erstes Schreiben"]), "application/pdf")
    response = clerk_client.post(
        reverse("efile:intake:upload"),
        {"files": [first, second, again], "org_unit": bauamt.pk},
        follow=True,
    )
    page = response.content.decode()
    assert "2 Datei(en) eingegangen." in page
    assert "„c.pdf“ ist bereits eingegangen" in page
    assert IntakeItem.objects.filter(org_unit=bauamt).count() == 2


def test_upload_into_another_departments_inbox_is_refused(clerk_client, umwelt):
    upload = SimpleUploadedFile("a.pdf", text_pdf(["x"]), "application/pdf")
    clerk_client.post(reverse("efile:intake:upload"), {"files": [upload], "org_unit": umwelt.pk})
    assert not IntakeItem.objects.exists()


def test_original_is_downloaded_byte_identical_and_never_inline_as_html(clerk_client, bauamt):
    html = b"<html><script>alert(1)</script></html>"
    item, _ = intake_start(
        actor=None, org_unit=bauamt, stream=io.BytesIO(html), filename="brief.pdf"
    )
    response = clerk_client.get(reverse("efile:intake:original", args=[item.pk]) + "?inline=1")
    assert b"".join(response.streaming_content) == html
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_items_of_other_departments_are_not_found(client, bauamt, umwelt):
    item = _item_waiting(bauamt, "Bauantrag")
    client.force_login(UserFactory(username="u", role=Role.CLERK, org_units=[umwelt]))
    assert client.get(reverse("efile:intake:item", args=[item.pk])).status_code == 404
    assert client.get(reverse("efile:intake:original", args=[item.pk])).status_code == 404
    assert item.filename not in client.get(INBOX).content.decode()


def test_item_page_suggests_the_efile_quoted_in_the_text_and_the_known_sender(
    clerk_client, bauamt, plan_item
):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item, title="Neubau Parzelle 7")
    party, _ = party_register(actor=None, name="Holzbau Meier GmbH", iban="DE89370400440532013000")
    item = _item_waiting(bauamt, f"Ihr Zeichen {efile.reference}\nIBAN DE89 3704 0044 0532 0130 00")
    response = clerk_client.get(_task_url(clerk_client, item))
    form = response.context["form"]
    assert form.initial["reference"] == efile.reference
    assert form.initial["sender"] == party


def test_clerk_files_an_item_into_an_existing_efile_by_aktenzeichen(
    clerk_client, bauamt, plan_item
):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    item = _item_waiting(bauamt, "Nachreichung Statik")
    response = clerk_client.post(
        _task_url(clerk_client, item),
        {
            "reference": efile.reference,
            "title": "Statik",
            "kind": "letter",
            "received_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    assert response.request["PATH_INFO"] == reverse("efile:efiles:detail", args=[efile.pk])
    assert f"„Statik“ in Akte {efile.reference} abgelegt." in response.content.decode()
    item.refresh_from_db()
    assert item.status == IntakeStatus.FILED
    assert item.document.efile == efile


def test_clerk_files_an_item_into_a_new_efile(clerk_client, bauamt, plan_item):
    item = _item_waiting(bauamt, "Bauantrag Garage")
    clerk_client.post(
        _task_url(clerk_client, item),
        {
            "new_plan_item": plan_item.pk,
            "new_title": "Garage Seeweg 3",
            "title": "Bauantrag",
            "kind": "application",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    document = Document.objects.get()
    assert document.efile.title == "Garage Seeweg 3"
    assert document.efile.org_unit == bauamt
    assert document.efile.reference.startswith(f"{plan_item.code}-")


def test_filing_needs_either_a_reference_or_a_new_file_and_says_so(clerk_client, bauamt):
    item = _item_waiting(bauamt, "Brief")
    response = clerk_client.post(
        _task_url(clerk_client, item),
        {"title": "Brief", "kind": "letter", "received_on": timezone.localdate().isoformat()},
    )
    assert "Bitte geben Sie entweder das Aktenzeichen" in response.content.decode()
    assert not Document.objects.exists()


def test_unknown_or_foreign_aktenzeichen_is_refused(clerk_client, bauamt, umwelt, plan_item):
    foreign = efile_create(org_unit=umwelt, plan_item=plan_item)
    item = _item_waiting(bauamt, "Brief")
    response = clerk_client.post(
        _task_url(clerk_client, item),
        {
            "reference": foreign.reference,
            "title": "Brief",
            "kind": "letter",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert "gibt es für Sie nicht" in response.content.decode()
    assert not Document.objects.exists()


def test_error_queue_lists_the_reason_and_offers_reading_again(clerk_client, bauamt):
    item, _ = intake_start(actor=None, org_unit=bauamt, stream=io.BytesIO(b""), filename="leer.pdf")
    page = clerk_client.get(INBOX + "?status=failed").content.decode()
    assert "leer.pdf" in page
    assert "Die Datei ist leer (0 Bytes)." in page
    opened = clerk_client.get(reverse("efile:intake:item", args=[item.pk]), follow=True)
    detail = opened.content.decode()
    assert "Erneut lesen" in detail
    assert "Original herunterladen" in detail
    task_url = opened.redirect_chain[-1][0]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = clerk_client.post(task_url, {"retry": "1"}, follow=True)
    assert "wird erneut gelesen" in response.content.decode()
    item.refresh_from_db()
    assert item.attempts == 1  # read again, and failed again: still empty
    assert item.status == IntakeStatus.FAILED
    again = clerk_client.get(reverse("efile:intake:item", args=[item.pk]), follow=True)
    assert again.redirect_chain[-1][0] != task_url  # a new review task of the same flow
    assert "Erneut lesen" in again.content.decode()
