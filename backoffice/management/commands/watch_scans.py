"""Scan folder intake: `python manage.py watch_scans [DIR] --org-unit CODE [--once]`.

Polls DIR, takes every settled file into the department's intake inbox and moves it to
DIR/processed/, or to DIR/failed/ with a `<name>.reason.txt` when it could not be taken in.
Originals are never deleted and never overwritten.
"""

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.utils import timezone

from backoffice.scanfolder import (
    FAILED,
    PROCESSED,
    Settled,
    SettleTracker,
    move_unique,
    write_unique,
)
from efile.models import IntakeChannel, IntakeItem, IntakeStatus, OrgUnit
from workflows.intake import intake_start

# How long a settled file that cannot be opened (locked by the scanner?) is waited for.
PATIENCE_SECONDS = 60.0


def failure_reason(error: BaseException) -> str:
    """A German reason for the operator, written beside the file in failed/."""
    if isinstance(error, PermissionError):
        problem = "Keine Berechtigung, die Datei zu lesen."
    elif isinstance(error, IsADirectoryError):
        problem = "Das ist ein Ordner, keine Datei."
    elif isinstance(error, OSError):
        problem = f"Die Datei konnte nicht gelesen werden ({error.strerror or error})."
    else:
        problem = f"Beim Einlesen ist ein unerwarteter Fehler aufgetreten ({type(error).__name__})."
    return (
        f"{problem}\n"
        "Die Datei wurde nicht in den Posteingang übernommen. Bitte das Problem beheben und "
        "die Datei erneut in den Scanordner legen.\n"
    )


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT (Ctrl+C) and SIGTERM let the current file finish, then end the loop."""
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: stop.set())
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class Command(BaseCommand):
    help = "Watch a scan folder and take settled files into an intake inbox."

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", nargs="?", help="scan folder (default: the AKTENFLUSS_SCAN_DIR setting)"
        )
        parser.add_argument("--org-unit", required=True, help="code of the receiving department")
        parser.add_argument(
            "--once", action="store_true", help="take in what is complete now, then exit"
        )
        parser.add_argument(
            "--interval", type=float, default=2.0, help="seconds between polls (default 2)"
        )
        parser.add_argument(
            "--settle",
            type=float,
            default=3.0,
            help="seconds a file must stay unchanged before it is taken in (default 3)",
        )

    def handle(
        self,
        *args,
        folder: str | None,
        org_unit: str,
        once: bool,
        interval: float,
        settle: float,
        **options,
    ):
        if interval <= 0 or settle < 0:
            raise CommandError("--interval must be positive and --settle not negative.")
        scan_dir = self._scan_dir(folder)
        unit = OrgUnit.objects.filter(code=org_unit).first()
        if unit is None:
            raise CommandError(f"Unknown org unit {org_unit!r}.")
        tracker = SettleTracker(scan_dir, settle=settle, patience=0.0 if once else PATIENCE_SECONDS)
        if once:
            settled = tracker.poll()
            if settle > 0:
                time.sleep(settle)
                settled = tracker.poll()
            for file in settled:
                self._take(file, unit, scan_dir)
            return
        stop = threading.Event()
        self.stdout.write(f"Scanordner {scan_dir} → Posteingang {unit.code} (Ende: Strg+C)")
        with stop_on_signals(stop):
            while not stop.is_set():
                for file in tracker.poll():
                    if stop.is_set():
                        break
                    self._take(file, unit, scan_dir)
                    tracker.forget(file.path)
                stop.wait(interval)
        self.stdout.write("Scanordner-Überwachung beendet.")

    def _scan_dir(self, folder: str | None) -> Path:
        configured = folder or settings.AKTENFLUSS_SCAN_DIR
        if not configured:
            raise CommandError("No scan folder given and AKTENFLUSS_SCAN_DIR is not set.")
        scan_dir = Path(configured).expanduser()
        if not scan_dir.is_dir():
            raise CommandError(f"Scan folder {scan_dir} does not exist or is not a folder.")
        if not os.access(scan_dir, os.R_OK | os.W_OK | os.X_OK):
            raise CommandError(f"Scan folder {scan_dir} is not readable and writable.")
        try:
            for name in (PROCESSED, FAILED):
                (scan_dir / name).mkdir(exist_ok=True)
        except OSError as error:
            raise CommandError(f"Cannot create {name}/ in {scan_dir}: {error}") from error
        return scan_dir

    def _take(self, file: Settled, unit: OrgUnit, scan_dir: Path) -> None:
        """Take one file in and move it; a failure is recorded, never raised."""
        path = file.path
        if file.error is not None:
            self._fail(path, scan_dir, file.error)
            return
        item: IntakeItem | None = None
        created = False
        try:
            # Our own transaction: reading, queued on commit, runs when it ends, so a reading
            # error cannot hide that the file was already taken in.
            with path.open("rb") as stream, transaction.atomic():
                item, created = intake_start(
                    actor=None,
                    org_unit=unit,
                    stream=stream,
                    filename=path.name,
                    channel=IntakeChannel.SCAN_FOLDER,
                )
        except DatabaseError as error:
            if item is None:
                self.stderr.write(f"{path.name}: Datenbankfehler, später erneut ({error})")
                return
            self.stderr.write(f"{path.name}: übernommen, Lesen fehlgeschlagen ({error})")
        except Exception as error:
            if item is None:
                self._fail(path, scan_dir, error)
                return
            self.stderr.write(f"{path.name}: übernommen, Lesen fehlgeschlagen ({error!r})")
        self._done(path, scan_dir, item, created)

    def _done(self, path: Path, scan_dir: Path, item: IntakeItem, created: bool) -> None:
        try:
            target = move_unique(path, scan_dir / PROCESSED)
        except OSError as error:
            self.stderr.write(
                f"{path.name}: übernommen (Eingang #{item.pk}), aber nicht nach "
                f"{PROCESSED}/ verschoben: {error}"
            )
            return
        item.refresh_from_db()
        if not created:
            state = "bereits eingegangen"
        elif item.status == IntakeStatus.FAILED:
            state = f"Fehlerablage: {item.failure_reason}"
        else:
            state = item.get_status_display()
        self.stdout.write(
            f"{path.name}: übernommen als Eingang #{item.pk} ({state}) → {PROCESSED}/{target.name}"
        )

    def _fail(self, path: Path, scan_dir: Path, error: BaseException) -> None:
        reason = failure_reason(error)
        try:
            target = move_unique(path, scan_dir / FAILED)
            write_unique(
                target.parent,
                f"{target.name}.reason.txt",
                f"{target.name} ({timezone.localtime():%d.%m.%Y %H:%M})\n{reason}",
            )
        except OSError as move_error:
            self.stderr.write(f"{path.name}: nicht übernommen, nicht verschoben: {move_error}")
            return
        self.stderr.write(
            f"{path.name}: nicht übernommen → {FAILED}/{target.name}: {reason.splitlines()[0]}"
        )
