"""Batch intake: `python manage.py ingest PATH... --org-unit CODE`."""

import glob
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from efile.models import IntakeChannel, IntakeItem, IntakeStatus, OrgUnit
from ocr.email import mail_parts
from ocr.sniff import sniff
from workflows.intake import intake_start

_STATUS = {
    IntakeStatus.RECEIVED: "to_file",  # queued for reading; it lands in the inbox afterwards
    IntakeStatus.TO_FILE: "to_file",
    IntakeStatus.FILED: "filed",
    IntakeStatus.FAILED: "failed",
    IntakeStatus.INVOICE: "filed",  # handed over to the invoice reception
    IntakeStatus.SPLIT: "filed",
    IntakeStatus.MERGED: "filed",
}
_STATUS_DE = {"to_file": "zuzuordnen", "filed": "abgelegt", "failed": "Fehlerablage"}


@dataclass(frozen=True)
class Outcome:
    path: str
    sha256: str
    status: str
    reason: str
    document_id: int | None
    duplicate: bool
    pages: int

    def as_json(self) -> str:
        return json.dumps(
            {
                "path": self.path,
                "sha256": self.sha256,
                "status": self.status,
                "reason": self.reason,
                "document_id": self.document_id,
            },
            ensure_ascii=False,
        )


def expand(paths: list[str]) -> list[Path]:
    """Files named directly, found in folders (recursively) or matched by glob patterns."""
    found: list[Path] = []
    for raw in paths:
        matches = [Path(m) for m in glob.glob(raw, recursive=True)] or [Path(raw)]
        for match in matches:
            if match.is_dir():
                found.extend(sorted(p for p in match.rglob("*") if p.is_file()))
            elif match.is_file():
                found.append(match)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())


class Command(BaseCommand):
    help = "Take files, folders, globs and .eml mails into an intake inbox and read them."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files, folders or glob patterns")
        parser.add_argument("--org-unit", required=True, help="code of the receiving department")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="one JSON object per file"
        )

    def handle(self, *args, paths: list[str], org_unit: str, as_json: bool, **options):
        unit = OrgUnit.objects.filter(code=org_unit).first()
        if unit is None:
            raise CommandError(f"Unknown org unit {org_unit!r}.")
        files = expand(paths)
        if not files:
            raise CommandError("No files found for the given paths.")
        outcomes: list[Outcome] = []
        if as_json:
            for path in files:
                for outcome in self._ingest(path, unit):
                    outcomes.append(outcome)
                    self.stdout.write(outcome.as_json())
            return
        console = Console(stderr=True)
        started = time.monotonic()
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console) as progress:
            task = progress.add_task("Einlesen", total=len(files), rate="")
            pages = 0
            for path in files:
                for outcome in self._ingest(path, unit):
                    outcomes.append(outcome)
                    pages += outcome.pages
                elapsed = max(time.monotonic() - started, 1e-6)
                progress.update(task, advance=1, rate=f"{pages / elapsed:.1f} Seiten/s")
        self._summary(outcomes, console)

    def _ingest(self, path: Path, unit: OrgUnit) -> list[Outcome]:
        data = path.read_bytes()
        parts = [(str(path), path.name, data)]
        if sniff(data[:1024]).mime_type == "message/rfc822":
            mail = mail_parts(data)
            parts += [(f"{path}#{a.filename}", a.filename, a.data) for a in mail.attachments]
        outcomes = []
        for label, filename, content in parts:
            item, created = intake_start(
                actor=None,
                org_unit=unit,
                stream=io.BytesIO(content),
                filename=filename,
                channel=IntakeChannel.MAIL if "#" in label else IntakeChannel.BATCH,
            )
            item = IntakeItem.objects.get(pk=item.pk)  # reading may have finished meanwhile
            outcomes.append(
                Outcome(
                    path=label,
                    sha256=item.sha256,
                    status=_STATUS[item.status],
                    reason=item.failure_reason
                    or ("" if created else "Bereits eingegangen (gleicher Inhalt)."),
                    document_id=item.document_id,
                    duplicate=not created,
                    pages=item.page_count or 0,
                )
            )
        return outcomes

    def _summary(self, outcomes: list[Outcome], console: Console) -> None:
        table = Table(title="Ergebnis")
        table.add_column("Status")
        table.add_column("Anzahl", justify="right")
        for status in ("filed", "to_file", "failed"):
            count = sum(1 for o in outcomes if o.status == status)
            table.add_row(_STATUS_DE[status], str(count))
        console.print(table)
        failed = [o for o in outcomes if o.status == "failed"]
        if failed:
            reasons = Table(title="Fehlerablage")
            reasons.add_column("Datei")
            reasons.add_column("Grund")
            for outcome in failed:
                reasons.add_row(outcome.path, outcome.reason)
            console.print(reasons)
