"""A real Redis and a real Celery worker: the worker is killed (SIGKILL) in the middle of OCR,
and the document still ends read exactly once — the late-acknowledged job is delivered again
to the next worker after the broker's visibility timeout.

Needs the `redis-server` program and PostgreSQL (the worker is a separate process and must see
the test database); `bin/test` provides both.
"""

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection
from PIL import Image, ImageDraw, ImageFont
from viewflow.workflow import STATUS

from efile.models import AuditEvent, IntakeItem, IntakeStatus
from efile.services.intake import intake_receive
from workflows.intake import IntakeFlow, process_of

pytestmark = [pytest.mark.worker, pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(predicate, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _scanned_pdf(pages: int) -> bytes:
    """A letter of several image-only pages: OCR takes seconds, long enough to kill the worker."""
    font = ImageFont.load_default(size=38)
    images = []
    for number in range(1, pages + 1):
        image = Image.new("L", (1654, 2339), 255)
        draw = ImageDraw.Draw(image)
        for line in range(28):
            draw.text(
                (140, 160 + line * 72),
                f"Seite {number} Zeile {line + 1}: Baugesuch Parzelle 1234, Stadt Kriens",
                fill=0,
                font=font,
            )
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return buffer.getvalue()


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(server).exists():
        pytest.skip("redis-server is not installed (bin/test installs it)")
    port = _free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_for(lambda: _answers(port), timeout=10, what="redis-server")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _database_url() -> str:
    """The suite's DATABASE_URL, pointed at the test database pytest-django created."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def _start_worker(redis_url: str, name: str, log: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "backoffice.settings.test",
        "CELERY_BROKER_URL": redis_url,
        "DATABASE_URL": _database_url(),
        "AKTENFLUSS_BLOB_DIR": str(settings.STORAGES["default"]["OPTIONS"]["location"]),
        "AKTENFLUSS_BROKER_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }
    command = [sys.executable, "-m", "celery", "-A", "backoffice", "worker", "-Q", "ocr",
               "-c", "1", "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
               "--without-heartbeat", "--loglevel=INFO"]  # fmt: skip
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: SIGKILL reaches the pool children too
    )


def _kill(worker: subprocess.Popen) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_worker_killed_during_ocr_document_still_read_exactly_once(redis_url, bauamt, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process needs a shared server database (DATABASE_URL=postgres://)")
    item, _ = intake_receive(
        actor=None, org_unit=bauamt, stream=io.BytesIO(_scanned_pdf(8)), filename="brief.pdf"
    )
    IntakeFlow.receive.run(item=item)

    sender = Celery(broker=redis_url)
    sender.conf.broker_transport_options = {"visibility_timeout": VISIBILITY_TIMEOUT}
    sender.send_task("ocr.read_intake_item", args=[item.pk], queue="ocr")

    first = _start_worker(redis_url, "first", tmp_path / "first.log")
    try:
        _wait_for(
            lambda: IntakeItem.objects.get(pk=item.pk).attempts >= 1,
            timeout=60,
            what="the first worker to start reading",
        )
        time.sleep(1.0)
    finally:
        _kill(first)
    killed = IntakeItem.objects.get(pk=item.pk)
    assert killed.status == IntakeStatus.RECEIVED, "OCR finished before the kill: use more pages"
    # A worker restores unacknowledged jobs older than the visibility timeout when it starts
    # (and then about every 100 s); the replacement worker comes up after that timeout.
    time.sleep(VISIBILITY_TIMEOUT + 1)

    second = _start_worker(redis_url, "second", tmp_path / "second.log")
    try:
        done = _wait_for(
            lambda: IntakeItem.objects.filter(pk=item.pk, status=IntakeStatus.TO_FILE).first(),
            timeout=240,
            what="the redelivered job to finish (logs: " + str(tmp_path) + ")",
        )
        _wait_for(
            lambda: process_of(done).task_set.filter(flow_task=IntakeFlow.file_item).exists(),
            timeout=30,
            what="the flow to reach Zuordnen",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)

    assert done.attempts == 2
    assert "Seite 8" in done.text
    process = process_of(done)
    reads = process.task_set.filter(flow_task=IntakeFlow.read)
    assert [task.status for task in reads] == [STATUS.DONE]
    assert process.task_set.filter(flow_task=IntakeFlow.file_item, status=STATUS.NEW).count() == 1
    assert (
        AuditEvent.objects.filter(
            object_type="efile.intakeitem", object_id=str(item.pk), action="intake.read"
        ).count()
        == 1
    )
