"""The scan-folder channel: settled files are taken in and moved, nothing is lost."""

import os
import signal
import sys
import threading
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from backoffice.scanfolder import SettleTracker, is_candidate, move_unique, numbered
from efile.blobs import blob_read
from efile.models import IntakeChannel, IntakeItem, IntakeStatus

PDF = b"%PDF-1.4\n% Scan des Posteingangs\n" + bytes(range(256)) * 40


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def scans(tmp_path) -> Path:
    folder = tmp_path / "scans"
    folder.mkdir()
    return folder


def watch(folder: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(
        "watch_scans", str(folder), "--once", "--settle", "0", *args, stdout=out, stderr=err
    )
    return out.getvalue(), err.getvalue()


# --- pure logic (no database) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("brief.pdf", True),
        ("Scan 2024-05-01.TIF", True),
        (".hidden.pdf", False),
        ("brief.pdf.part", False),
        ("brief.PART", False),
        ("scan0001.tmp", False),
        ("~$antrag.docx", False),
    ],
)
def test_half_written_and_hidden_files_are_no_candidates(name, expected):
    assert is_candidate(name) is expected


def test_a_file_settles_only_after_staying_unchanged(scans):
    clock = Clock()
    tracker = SettleTracker(scans, settle=3, clock=clock)
    scan = scans / "brief.pdf"
    scan.write_bytes(PDF[:100])
    assert tracker.poll() == []
    clock.now += 2
    with scan.open("ab") as stream:  # the scanner is still writing
        stream.write(PDF[100:])
    assert tracker.poll() == []
    clock.now += 2.5  # 4.5 s since the start, but only 2.5 s since the last change
    assert tracker.poll() == []
    clock.now += 0.5
    assert [settled.path for settled in tracker.poll()] == [scan]


def test_subfolders_and_ignored_names_are_not_reported(scans):
    for name in ("processed", "failed", "eigener Ordner"):
        (scans / name).mkdir()
        (scans / name / "alt.pdf").write_bytes(PDF)
    for name in (".DS_Store", "brief.pdf.part", "scan.tmp", "~$notiz.docx"):
        (scans / name).write_bytes(PDF)
    assert SettleTracker(scans, settle=0).poll() == []


def test_a_settled_file_that_cannot_be_opened_is_reported_after_the_patience(scans):
    clock = Clock()
    locked = PermissionError(13, "Permission denied")
    tracker = SettleTracker(scans, settle=3, patience=10, clock=clock, opener=lambda path: locked)
    (scans / "gesperrt.pdf").write_bytes(PDF)
    assert tracker.poll() == []
    clock.now += 12  # settled, but still locked: wait
    assert tracker.poll() == []
    clock.now += 1
    [settled] = tracker.poll()
    assert settled.error is locked


@pytest.mark.parametrize(
    ("name", "number", "expected"),
    [
        ("brief.pdf", 1, "brief.pdf"),
        ("brief.pdf", 2, "brief (2).pdf"),
        ("archiv.tar.gz", 3, "archiv.tar (3).gz"),
        ("LIESMICH", 2, "LIESMICH (2)"),
    ],
)
def test_numbered_names(name, number, expected):
    assert numbered(name, number) == expected


def test_move_never_overwrites_and_numbers_the_new_name(tmp_path):
    target = tmp_path / "processed"
    target.mkdir()
    (target / "brief.pdf").write_bytes(b"erster")
    (target / "brief (2).pdf").write_bytes(b"zweiter")
    source = tmp_path / "brief.pdf"
    source.write_bytes(b"dritter")
    moved = move_unique(source, target)
    assert moved == target / "brief (3).pdf"
    assert not source.exists()
    assert (target / "brief.pdf").read_bytes() == b"erster"
    assert (target / "brief (2).pdf").read_bytes() == b"zweiter"
    assert moved.read_bytes() == b"dritter"


# --- the command ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_complete_scan_is_taken_in_and_moved_to_processed(scans, bauamt):
    (scans / "brief.pdf").write_bytes(PDF)
    out, err = watch(scans, "--org-unit", "bauamt")
    assert not (scans / "brief.pdf").exists()
    assert (scans / "processed" / "brief.pdf").read_bytes() == PDF
    item = IntakeItem.objects.get()
    assert item.channel == IntakeChannel.SCAN_FOLDER == "scan"
    assert item.org_unit == bauamt
    assert item.filename == "brief.pdf"
    assert item.received_by is None
    assert blob_read(item.blob) == PDF
    assert "brief.pdf" in out and f"#{item.pk}" in out
    assert err == ""


@pytest.mark.django_db
def test_hidden_and_partial_files_stay_where_they_are(scans, bauamt):
    for name in (".brief.pdf", "brief.pdf.part", "scan.tmp", "~$antrag.docx"):
        (scans / name).write_bytes(PDF)
    watch(scans, "--org-unit", "bauamt")
    assert not IntakeItem.objects.exists()
    assert sorted(p.name for p in scans.iterdir() if p.is_file()) == sorted(
        [".brief.pdf", "brief.pdf.part", "scan.tmp", "~$antrag.docx"]
    )
    assert list((scans / "processed").iterdir()) == []


@pytest.mark.django_db
def test_a_file_still_being_written_is_left_alone(scans, bauamt):
    """With a settle time, `--once` takes in only what stayed unchanged over it."""
    scan = scans / "langsam.pdf"
    scan.write_bytes(PDF[:10])
    writer = threading.Timer(0.3, lambda: scan.write_bytes(PDF))
    writer.start()
    try:
        call_command(
            "watch_scans", str(scans), "--org-unit", "bauamt", "--once", "--settle", "1",
            stdout=StringIO(), stderr=StringIO(),
        )  # fmt: skip
    finally:
        writer.join()
    assert scan.read_bytes() == PDF
    assert not IntakeItem.objects.exists()


@pytest.mark.django_db
def test_a_name_clash_in_processed_gets_a_number(scans, bauamt):
    (scans / "processed").mkdir()
    (scans / "processed" / "brief.pdf").write_bytes(b"ein anderer Brief")
    (scans / "brief.pdf").write_bytes(PDF)
    watch(scans, "--org-unit", "bauamt")
    assert (scans / "processed" / "brief.pdf").read_bytes() == b"ein anderer Brief"
    assert (scans / "processed" / "brief (2).pdf").read_bytes() == PDF


@pytest.mark.django_db
def test_items_in_the_error_queue_were_still_taken_in(scans, bauamt):
    """An empty file or a second copy goes to processed/; the app shows why."""
    (scans / "leer.pdf").write_bytes(b"")
    (scans / "brief.pdf").write_bytes(PDF)
    watch(scans, "--org-unit", "bauamt")
    (scans / "brief.pdf").write_bytes(PDF)  # scanned twice
    out, _ = watch(scans, "--org-unit", "bauamt")
    empty = IntakeItem.objects.get(filename="leer.pdf")
    assert empty.status == IntakeStatus.FAILED and empty.failure_code == "empty"
    assert IntakeItem.objects.filter(filename="brief.pdf").count() == 1
    assert "bereits eingegangen" in out
    processed = scans / "processed"
    assert sorted(p.name for p in processed.iterdir()) == ["brief (2).pdf", "brief.pdf", "leer.pdf"]
    assert (processed / "brief (2).pdf").read_bytes() == PDF
    assert list((scans / "failed").iterdir()) == []


@pytest.mark.django_db
@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="needs Linux /proc/self/mem for an I/O error"
)
def test_an_unreadable_file_goes_to_failed_with_a_german_reason(scans, bauamt):
    """The suite runs as root, where chmod 000 does not stop reading. Opening a link to
    /proc/self/mem works but reading it fails with a real I/O error (EIO)."""
    os.symlink("/proc/self/mem", scans / "kaputt.pdf")
    _, err = watch(scans, "--org-unit", "bauamt")
    assert not IntakeItem.objects.exists()
    assert not os.path.lexists(scans / "kaputt.pdf")
    assert os.path.islink(scans / "failed" / "kaputt.pdf")  # the original, moved as it was
    reason = (scans / "failed" / "kaputt.pdf.reason.txt").read_text(encoding="utf-8")
    assert "konnte nicht gelesen werden" in reason
    assert "nicht in den Posteingang übernommen" in reason
    assert "kaputt.pdf" in err


@pytest.mark.django_db
def test_the_loop_takes_files_in_until_sigterm(scans, bauamt):
    (scans / "brief.pdf").write_bytes(PDF)
    out = StringIO()
    before = signal.getsignal(signal.SIGTERM)
    stopper = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    stopper.start()
    call_command(
        "watch_scans", str(scans), "--org-unit", "bauamt", "--interval", "0.05",
        "--settle", "0", stdout=out, stderr=StringIO(),
    )  # fmt: skip
    stopper.join()
    assert (scans / "processed" / "brief.pdf").read_bytes() == PDF
    assert IntakeItem.objects.get().channel == IntakeChannel.SCAN_FOLDER
    assert "beendet" in out.getvalue()
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.django_db
def test_the_setting_names_the_folder_when_none_is_given(scans, bauamt, settings):
    settings.AKTENFLUSS_SCAN_DIR = scans
    (scans / "brief.pdf").write_bytes(PDF)
    call_command(
        "watch_scans", "--org-unit", "bauamt", "--once", "--settle", "0", stdout=StringIO()
    )
    assert (scans / "processed" / "brief.pdf").exists()


@pytest.mark.django_db
def test_unknown_org_unit_is_an_error(scans):
    with pytest.raises(CommandError, match="org unit"):
        watch(scans, "--org-unit", "gibt-es-nicht")


@pytest.mark.django_db
def test_missing_folder_is_an_error(tmp_path, bauamt):
    with pytest.raises(CommandError, match="does not exist"):
        watch(tmp_path / "fehlt", "--org-unit", "bauamt")


@pytest.mark.django_db
def test_no_folder_and_no_setting_is_an_error(bauamt, settings):
    settings.AKTENFLUSS_SCAN_DIR = None
    with pytest.raises(CommandError, match="AKTENFLUSS_SCAN_DIR"):
        call_command("watch_scans", "--org-unit", "bauamt", "--once")
