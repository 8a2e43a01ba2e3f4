import io
import json
from email.message import EmailMessage

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import TestCase

from backoffice.demo.minipdf import text_pdf
from efile.blobs import blob_read
from efile.classification import suggest_kind
from efile.models import AuditEvent, DocumentKind, DocumentVersion, IntakeItem, IntakeStatus
from efile.roles import Role
from efile.services.intake import intake_file, intake_retry, safe_filename
from tests.factories import UserFactory, document_create, efile_create
from workflows.intake import intake_start
from workflows.tasks import read_intake_item

LETTER = text_pdf(["Stadt Kriens", "Baugesuch Neubau Einfamilienhaus", "Parzelle 1234"])


def _receive(unit, content=LETTER, filename="scan.pdf", actor=None):
    # Tests run inside a transaction: run the reading queued for after commit right away.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return intake_start(
            actor=actor, org_unit=unit, stream=io.BytesIO(content), filename=filename
        )


@pytest.mark.django_db
def test_received_pdf_is_stored_byte_identical_read_and_waits_to_be_filed(bauamt):
    item, created = _receive(bauamt)
    item.refresh_from_db()
    assert created
    assert blob_read(item.blob) == LETTER
    assert item.status == IntakeStatus.TO_FILE
    assert "Baugesuch" in item.text
    assert item.page_count == 1
    assert item.suggested_kind == DocumentKind.APPLICATION
    actions = set(
        AuditEvent.objects.filter(object_type="efile.intakeitem").values_list("action", flat=True)
    )
    assert actions == {"intake.receive", "intake.read"}


@pytest.mark.django_db
def test_same_bytes_twice_are_recognised_and_not_stored_twice(bauamt):
    first, _ = _receive(bauamt)
    second, created = _receive(bauamt, filename="nochmal.pdf")
    assert not created
    assert second.pk == first.pk
    assert IntakeItem.objects.count() == 1


@pytest.mark.django_db
def test_bytes_already_filed_in_an_efile_go_to_the_error_queue_naming_the_file(bauamt, plan_item):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    document_create(efile=efile, content=LETTER, title="Baugesuch")
    item, created = _receive(bauamt)
    assert created
    assert item.status == IntakeStatus.FAILED
    assert item.failure_code == "duplicate"
    assert efile.reference in item.failure_reason
    assert blob_read(item.blob) == LETTER


@pytest.mark.django_db
def test_empty_file_is_kept_and_lands_in_the_error_queue_with_a_german_reason(bauamt):
    item, _ = _receive(bauamt, content=b"", filename="leer.pdf")
    assert item.status == IntakeStatus.FAILED
    assert item.failure_code == "empty"
    assert "leer" in item.failure_reason
    assert blob_read(item.blob) == b""


@pytest.mark.django_db
def test_unreadable_pdf_lands_in_the_error_queue_with_its_original(bauamt):
    broken = LETTER[: len(LETTER) // 3]
    item, _ = _receive(bauamt, content=broken, filename="kaputt.pdf")
    item.refresh_from_db()
    assert item.status == IntakeStatus.FAILED
    assert item.failure_reason
    assert blob_read(item.blob) == broken


@pytest.mark.django_db
def test_filing_creates_original_and_searchable_versions_and_marks_the_item(
    clerk, bauamt, plan_item
):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    item, _ = _receive(bauamt, actor=clerk)
    item.refresh_from_db()
    document = intake_file(actor=clerk, item=item, efile=efile, kind=DocumentKind.APPLICATION)
    item.refresh_from_db()
    assert item.status == IntakeStatus.FILED
    assert item.document == document
    versions = list(document.versions.order_by("number"))
    assert versions[0].sha256 == item.sha256
    assert "Baugesuch" in versions[0].text
    if item.searchable_blob:
        assert versions[1].derived_from == versions[0]
        assert versions[1].mime_type == "application/pdf"
    with pytest.raises(ValidationError):
        intake_file(actor=clerk, item=item, efile=efile)


@pytest.mark.django_db
def test_other_departments_cannot_deliver_to_or_file_from_an_inbox(
    clerk, bauamt, umwelt, plan_item
):
    outsider = UserFactory(username="umwelt-clerk", role=Role.CLERK, org_units=[umwelt])
    with pytest.raises(PermissionDenied):
        _receive(bauamt, actor=outsider)
    item, _ = _receive(bauamt, actor=clerk)
    efile = efile_create(org_unit=umwelt, plan_item=plan_item)
    with pytest.raises(PermissionDenied):
        intake_file(actor=outsider, item=item, efile=efile)
    assert not DocumentVersion.objects.filter(sha256=item.sha256).exists()


@pytest.mark.django_db
def test_failed_item_can_be_read_again(clerk, bauamt):
    item, _ = _receive(bauamt, content=b"", filename="leer.pdf", actor=clerk)
    item = intake_retry(actor=clerk, item=item)
    assert item.status == IntakeStatus.RECEIVED
    read_intake_item.delay(item.pk)
    item.refresh_from_db()
    assert item.status == IntakeStatus.FAILED  # still empty: it fails again, with the reason
    assert item.attempts == 1
    assert "intake.retry" in AuditEvent.objects.values_list("action", flat=True)


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\scan\\brief.pdf", "brief.pdf"),
        ("a\x07b.pdf", "ab.pdf"),
        ("", "unbenannt"),
        (".hidden", "hidden"),
    ],
)
def test_intake_repairs_unsafe_file_names_instead_of_losing_the_file(raw, safe):
    assert safe_filename(raw) == safe


@pytest.mark.parametrize(
    ("mime", "text", "kind"),
    [
        ("application/xml", "<Invoice xmlns='urn:oasis'>", DocumentKind.INVOICE),
        (
            "application/pdf",
            "Rechnung Nr. 7\nIBAN DE89 3704 0044 0532 0130 00",
            DocumentKind.INVOICE,
        ),
        ("application/pdf", "Bauantrag für ein Einfamilienhaus", DocumentKind.APPLICATION),
        ("application/pdf", "Rechtsmittelbelehrung: Gegen diesen Bescheid", DocumentKind.NOTICE),
        ("application/pdf", "Einsprache gegen das Baugesuch", DocumentKind.APPLICATION),
        ("application/pdf", "Einsprache gegen die Verfügung", DocumentKind.NOTICE),
        ("application/pdf", "Sehr geehrte Damen und Herren", DocumentKind.LETTER),
    ],
)
def test_kind_suggestion(mime, text, kind):
    assert suggest_kind(mime_type=mime, text=text) == kind


def _mail_with_attachment() -> bytes:
    message = EmailMessage()
    message["From"] = "buerger@example.org"
    message["To"] = "post@kriens.example"
    message["Subject"] = "Unterlagen"
    message.set_content("Anbei die Unterlagen.")
    message.add_attachment(
        text_pdf(["Beilage 1", "Lageplan"]),
        maintype="application",
        subtype="pdf",
        filename="../beilage.pdf",
    )
    return message.as_bytes()


@pytest.mark.django_db
def test_ingest_reports_every_file_as_json_lines(tmp_path, bauamt, capsys):
    (tmp_path / "brief.pdf").write_bytes(LETTER)
    (tmp_path / "leer.pdf").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "mail.eml").write_bytes(_mail_with_attachment())
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("ingest", str(tmp_path), "--org-unit", "bauamt", "--json")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_path = {line["path"].rsplit("/", 1)[-1]: line for line in lines}
    assert by_path["brief.pdf"]["status"] == "to_file"
    assert by_path["leer.pdf"]["status"] == "failed"
    assert "leer" in by_path["leer.pdf"]["reason"]
    assert by_path["mail.eml#beilage.pdf"]["status"] == "to_file"
    assert {line["sha256"] for line in lines} >= {
        IntakeItem.objects.get(filename="brief.pdf").sha256
    }
    assert all(set(line) == {"path", "sha256", "status", "reason", "document_id"} for line in lines)


@pytest.mark.django_db
def test_ingest_refuses_to_run_for_an_unknown_department(tmp_path):
    (tmp_path / "brief.pdf").write_bytes(LETTER)
    with pytest.raises(CommandError):
        call_command("ingest", str(tmp_path), "--org-unit", "gibtsnicht")


def test_ingest_knows_every_intake_status():
    from backoffice.management.commands.ingest import _STATUS

    assert set(_STATUS) == set(IntakeStatus.values)
    assert set(_STATUS.values()) == {"filed", "to_file", "failed"}
