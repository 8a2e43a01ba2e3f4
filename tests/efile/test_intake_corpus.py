"""Every hostile or odd file of the shared corpus through intake: nothing crashes or hangs,
each file is either waiting to be filed or in the error queue with a German reason, and its
original is stored byte-identical."""

import csv
import io
import signal
from pathlib import Path

import pytest

from efile.blobs import blob_read
from efile.models import IntakeItem, IntakeStatus
from workflows.intake import intake_start

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "documents"
GERMAN = ("Datei", "nicht", "kein", "ist", "Seite", "bitte", "Bitte", "wurde", "enthält")
SECONDS_PER_FILE = 120


def _manifest(folder: str) -> dict[str, str]:
    path = CORPUS / folder / "MANIFEST.tsv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        # "reject … or route to a text handler" leaves the choice to us: both are fine.
        return {
            row["file"]: "either" if "or route" in row.get("intake_must", "") else row["expected"]
            for row in rows
        }


def _files(folder: str) -> list[Path]:
    directory = CORPUS / folder
    if not directory.is_dir():
        return []
    skip = {"MANIFEST.tsv"}
    return sorted(
        p
        for p in directory.iterdir()
        if p.is_file() and p.name not in skip and not p.name.startswith("LICENSE")
    )


EXPECTED = {**_manifest("bad-input")}
FILES = _files("bad-input") + _files("paperless-samples")


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


@pytest.mark.skipif(not FILES, reason="shared corpus not present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name[:40]}")
@pytest.mark.django_db
def test_every_corpus_file_is_taken_in_or_lands_in_the_error_queue(
    path, bauamt, django_capture_on_commit_callbacks
):
    original = path.read_bytes()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS_PER_FILE)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            item, created = intake_start(
                actor=None, org_unit=bauamt, stream=io.BytesIO(original), filename=path.name
            )
    except _Timeout:
        pytest.fail(f"{path.name} took longer than {SECONDS_PER_FILE}s")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    item = IntakeItem.objects.get(pk=item.pk)
    assert created
    assert blob_read(item.blob) == original
    assert item.status in (IntakeStatus.TO_FILE, IntakeStatus.FAILED, IntakeStatus.INVOICE)
    assert "/" not in item.filename and "\\" not in item.filename
    expected = EXPECTED.get(path.name, "")
    if expected == "reject":
        # An e-invoice with broken XML is refused by the invoice reception, not the intake.
        assert item.status in (IntakeStatus.FAILED, IntakeStatus.INVOICE), path.name
    if expected == "accept":
        assert item.status in (IntakeStatus.TO_FILE, IntakeStatus.INVOICE), item.failure_reason
    if item.status == IntakeStatus.INVOICE:
        invoice = item.invoice
        assert blob_read(invoice.blob) == original
        assert invoice.verdict != "valid" or expected != "reject"
        assert all(row["message_de"] for row in invoice.findings)
    if item.status == IntakeStatus.FAILED:
        assert item.failure_code != "internal", item.failure_reason
        assert any(word in item.failure_reason for word in GERMAN), item.failure_reason
        assert "root:" not in item.failure_reason  # no /etc/passwd leaking from an XXE file


@pytest.mark.skipif(not FILES, reason="shared corpus not present")
@pytest.mark.django_db
def test_duplicate_of_an_ingested_file_is_recognised(bauamt):
    control = (CORPUS / "bad-input" / "control-valid-invoice.pdf").read_bytes()
    duplicate = (CORPUS / "bad-input" / "duplicate-of-control-valid-invoice.pdf").read_bytes()
    first, _ = intake_start(
        actor=None, org_unit=bauamt, stream=io.BytesIO(control), filename="a.pdf"
    )
    second, created = intake_start(
        actor=None, org_unit=bauamt, stream=io.BytesIO(duplicate), filename="b.pdf"
    )
    assert not created
    assert second.pk == first.pk
