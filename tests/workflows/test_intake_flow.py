"""The intake flow end to end through HTTP: upload → OCR job completes `read` → Zuordnen task
of the item's department → filed; and the error path through the Fehlerablage task."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow import STATUS

from backoffice.demo.minipdf import text_pdf
from efile.models import Document, IntakeItem, IntakeStatus
from efile.roles import Role
from tests.factories import UserFactory, efile_create
from workflows.intake import IntakeFlow, process_of
from workflows.tasks import read_intake_item

pytestmark = pytest.mark.django_db

LETTER = text_pdf(["Stadt Kriens", "Nachreichung Statik zum Baugesuch", "Parzelle 1234"])


def _upload(client, unit, name: str, content: bytes) -> IntakeItem:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("efile:intake:upload"),
            {"org_unit": unit.pk, "files": [SimpleUploadedFile(name, content)]},
        )
    assert response.status_code == 302
    return IntakeItem.objects.get(filename=name)


def _tasks(item: IntakeItem) -> list[tuple[str, str]]:
    process = process_of(item)
    return [(task.flow_task.name, task.status) for task in process.task_set.order_by("pk")]


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def test_uploaded_letter_is_read_by_the_job_and_filed_by_a_clerk_of_its_department(
    clerk_client, clerk, bauamt, plan_item
):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    item = _upload(clerk_client, bauamt, "statik.pdf", LETTER)
    assert item.status == IntakeStatus.TO_FILE
    assert _tasks(item) == [
        ("receive", STATUS.DONE),
        ("read", STATUS.DONE),
        ("is_readable", STATUS.DONE),
        ("classify", STATUS.DONE),
        ("is_einvoice", STATUS.DONE),
        ("file_item", STATUS.NEW),
    ]

    opened = clerk_client.get(reverse("efile:intake:item", args=[item.pk]))
    task = process_of(item).task_set.get(flow_task=IntakeFlow.file_item)
    assert task.owner == clerk  # opening the item takes its task
    assert opened["Location"] == IntakeFlow.file_item.reverse(
        "execute", args=[task.process_id, task.pk]
    )
    page = clerk_client.get(opened["Location"]).content.decode()
    assert "Nachreichung Statik" in page

    response = clerk_client.post(
        opened["Location"],
        {
            "reference": efile.reference,
            "title": "Statik",
            "kind": "letter",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == IntakeStatus.FILED
    assert item.document.efile == efile
    process = process_of(item)
    assert process.status == STATUS.DONE
    assert process.data["kind"] == "application"
    assert _tasks(item)[-2:] == [("file_item", STATUS.DONE), ("end", STATUS.DONE)]


def test_clerk_of_another_department_can_neither_take_nor_execute_the_task(
    client, clerk_client, bauamt, umwelt
):
    item = _upload(clerk_client, bauamt, "statik.pdf", LETTER)
    task = process_of(item).task_set.get(flow_task=IntakeFlow.file_item)
    execute = IntakeFlow.file_item.reverse("execute", args=[task.process_id, task.pk])
    assign = IntakeFlow.file_item.reverse("assign", args=[task.process_id, task.pk])

    client.force_login(UserFactory(username="umwelt-clerk", role=Role.CLERK, org_units=[umwelt]))
    assert client.get(reverse("efile:intake:item", args=[item.pk])).status_code == 404
    assert client.post(assign).status_code == 403
    assert client.get(execute).status_code == 403
    task.refresh_from_db()
    assert task.status == STATUS.NEW and task.owner is None


def test_empty_file_goes_to_the_error_queue_task_and_can_be_filed_by_hand(
    clerk_client, bauamt, plan_item
):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    item = _upload(clerk_client, bauamt, "leer.pdf", b"")
    assert item.status == IntakeStatus.FAILED
    assert _tasks(item)[-1] == ("review_failure", STATUS.NEW)

    opened = clerk_client.get(reverse("efile:intake:item", args=[item.pk]), follow=True)
    page = opened.content.decode()
    assert "Die Datei ist leer (0 Bytes)." in page
    assert "Erneut lesen" in page
    clerk_client.post(
        opened.redirect_chain[-1][0],
        {
            "reference": efile.reference,
            "title": "Leere Sendung",
            "kind": "letter",
            "received_on": timezone.localdate().isoformat(),
        },
    )
    item.refresh_from_db()
    assert item.status == IntakeStatus.FILED
    assert process_of(item).status == STATUS.DONE
    assert Document.objects.get().title == "Leere Sendung"


def test_a_redelivered_reading_job_changes_nothing(clerk_client, bauamt):
    item = _upload(clerk_client, bauamt, "statik.pdf", LETTER)
    before = _tasks(item)
    read_intake_item.delay(item.pk)  # e.g. a worker was killed before acknowledging
    item.refresh_from_db()
    assert item.attempts == 1
    assert _tasks(item) == before


def _three_page_pdf() -> bytes:
    from ocr.assemble import pdf_concat

    return pdf_concat(
        [text_pdf([f"Brief {n}", f"Inhalt von Brief {n} an das Bauamt"]) for n in "ABC"]
    )


def test_clerk_splits_a_scan_of_several_letters_into_parts_each_with_its_own_task(
    clerk_client, bauamt
):
    item = _upload(clerk_client, bauamt, "stapel.pdf", _three_page_pdf())
    assert item.page_count == 3
    task_url = clerk_client.get(reverse("efile:intake:item", args=[item.pk]))["Location"]
    page = clerk_client.get(task_url).content.decode()
    assert "Aufteilen" in page
    assert reverse("efile:intake:page", args=[item.pk, 3]) in page

    refused = clerk_client.post(task_url, {"split": "1", "ranges": "1, 2"}, follow=True)
    assert "Diese Seiten fehlen in der Aufteilung: 3." in refused.content.decode()

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = clerk_client.post(task_url, {"split": "1", "ranges": "1, 2-3"}, follow=True)
    assert "in 2 Teile aufgeteilt" in response.content.decode()
    item.refresh_from_db()
    assert item.status == IntakeStatus.SPLIT
    assert process_of(item).status == STATUS.DONE
    first, second = item.parts.order_by("pk")
    assert first.filename == "stapel (S. 1).pdf" and first.page_count == 1
    assert "Brief A" in first.text and "Brief B" not in first.text
    assert second.page_count == 2 and "Brief C" in second.text
    for part in (first, second):
        assert part.status == IntakeStatus.TO_FILE
        assert _tasks(part)[-1] == ("file_item", STATUS.NEW)


def test_clerk_merges_two_waiting_items_into_one(clerk_client, bauamt):
    first = _upload(clerk_client, bauamt, "seite1.pdf", text_pdf(["Antrag Seite eins"]))
    second = _upload(clerk_client, bauamt, "seite2.pdf", text_pdf(["Antrag Seite zwei"]))
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = clerk_client.post(
            reverse("efile:intake:merge"), {"items": [second.pk, first.pk]}, follow=True
        )
    assert "2 Eingänge zu „seite1 (zusammengeführt).pdf“ zusammengeführt." in (
        response.content.decode()
    )
    merged = IntakeItem.objects.get(filename="seite1 (zusammengeführt).pdf")
    assert merged.page_count == 2
    assert merged.text.index("eins") < merged.text.index("zwei")  # inbox order: oldest first
    assert set(merged.sources.all()) == {first, second}
    for source in (first, second):
        source.refresh_from_db()
        assert source.status == IntakeStatus.MERGED
        assert process_of(source).status == STATUS.DONE


def test_page_images_are_shown_only_to_the_department(client, clerk_client, bauamt, umwelt):
    item = _upload(clerk_client, bauamt, "stapel.pdf", _three_page_pdf())
    url = reverse("efile:intake:page", args=[item.pk, 2])
    response = clerk_client.get(url)
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")
    assert clerk_client.get(reverse("efile:intake:page", args=[item.pk, 4])).status_code == 404
    client.force_login(UserFactory(username="umwelt-clerk", role=Role.CLERK, org_units=[umwelt]))
    assert client.get(url).status_code == 404
