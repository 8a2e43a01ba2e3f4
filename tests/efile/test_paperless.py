"""The Paperless-ngx connector against a Paperless-ngx stand-in on a real local HTTP server.

`FakePaperless` answers like Paperless-ngx's REST API (version 9/10, docs.paperless-ngx.com/api
and its OpenAPI schema): token auth, `Accept: application/json; version=N`, paginated lists
`{"count", "next", "previous", "all", "results"}` with absolute `next` links, the original
download with Content-Disposition, tags, custom fields and `bulk_edit`. It keeps state, so a
tag set by the connector filters the next document list exactly as Paperless would.
"""

import io
import json
import re
import subprocess
import sys
import time
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from werkzeug import Request, Response

from backoffice.demo.minipdf import text_pdf
from efile.blobs import blob_read
from efile.connectors import paperless
from efile.connectors.paperless_sync import (
    PaperlessNotConfigured,
    filed_references,
    paperless_pull,
    paperless_push,
)
from efile.models import (
    AuditEvent,
    IntakeChannel,
    IntakeItem,
    IntakeStatus,
    PaperlessImport,
    PaperlessImportState,
)
from efile.services.intake import intake_file
from efile.tasks import pull_from_paperless
from tests.factories import document_create, efile_create
from workflows.intake import intake_start

TOKEN = "0123456789abcdef0123456789abcdef01234567"


def _json(data, status=200, headers=None):
    return Response(
        json.dumps(data), status=status, headers=headers, content_type="application/json"
    )


def _content_disposition(filename: str) -> str:
    """As Django's content_disposition_header, which Paperless-ngx's download uses."""
    try:
        filename.encode("ascii")
    except UnicodeEncodeError:
        return f"attachment; filename*=utf-8''{quote(filename)}"
    return f'attachment; filename="{filename}"'


class FakePaperless:
    """A Paperless-ngx server holding tags, custom fields and documents in memory."""

    def __init__(self) -> None:
        self.tags: dict[int, dict] = {}
        self.custom_fields: dict[int, dict] = {}
        self.documents: dict[int, dict] = {}
        self.files: dict[int, bytes] = {}
        self.api_versions = {"9", "10"}
        self.forbidden = False
        self.redirect_to = ""  # e.g. a proxy sending plain http to https
        self.public_url = ""  # absolute links as a reverse proxy's internal name would give
        self.download_status: dict[int, int] = {}
        self.download_delay: dict[int, float] = {}
        self.download_cut: set[int] = set()
        self.bulk_edit_failures = 0
        self.downloads: list[int] = []
        self.bulk_edits: list[dict] = []
        self.created_tags: list[dict] = []
        self._next_id = 1
        self.pull_tag = self.add_tag("Aktenfluss")

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def add_tag(self, name: str) -> int:
        tag_id = self._new_id()
        self.tags[tag_id] = {
            "id": tag_id,
            "slug": name.lower(),
            "name": name,
            "color": "#a6cee3",
            "text_color": "#000000",
            "match": "",
            "matching_algorithm": 1,
            "is_insensitive": True,
            "is_inbox_tag": False,
            "document_count": 0,
            "owner": 3,
            "user_can_change": True,
            "parent": None,
            "children": [],
        }
        return tag_id

    def add_custom_field(self, name: str, data_type: str = "string") -> int:
        field_id = self._new_id()
        self.custom_fields[field_id] = {
            "id": field_id,
            "name": name,
            "data_type": data_type,
            "extra_data": {"select_options": None, "default_currency": None},
            "document_count": 0,
        }
        return field_id

    def add_document(
        self, title: str, content: bytes, *, tags=(), original_file_name: str | None = None
    ) -> int:
        doc_id = self._new_id()
        self.documents[doc_id] = {
            "id": doc_id,
            "correspondent": None,
            "document_type": None,
            "storage_path": None,
            "title": title,
            "content": f"{title} (OCR-Text von Paperless)",
            "tags": list(tags),
            "created": "2026-11-02",
            "created_date": "2026-11-02",
            "modified": "2026-11-02T10:15:00.000000+01:00",
            "added": "2026-11-02T10:14:00.000000+01:00",
            "deleted_at": None,
            "archive_serial_number": None,
            "original_file_name": original_file_name,
            "archived_file_name": f"2026-11-02 {title}.pdf",
            "owner": 3,
            "user_can_change": True,
            "is_shared_by_requester": False,
            "notes": [],
            "custom_fields": [],
            "page_count": 1,
            "mime_type": "application/pdf",
        }
        self.files[doc_id] = content
        return doc_id

    def tag_id(self, name: str) -> int | None:
        return next((t["id"] for t in self.tags.values() if t["name"] == name), None)

    # --- HTTP -----------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if self.redirect_to:
            return Response(status=301, headers={"Location": self.redirect_to + request.path})
        if request.headers.get("Authorization") != f"Token {TOKEN}":
            return _json({"detail": "Invalid token."}, 401)
        match = re.search(r"version=(\d+)", request.headers.get("Accept", ""))
        if match and match.group(1) not in self.api_versions:
            return _json({"detail": 'Invalid version in "Accept" header.'}, 406)
        if self.forbidden:
            return _json({"detail": "You do not have permission to perform this action."}, 403)
        response = self._route(request)
        response.headers["X-Api-Version"] = "10"
        response.headers["X-Version"] = "2.20.0"
        return response

    def _route(self, request: Request) -> Response:
        path, method = request.path, request.method
        if path == "/api/tags/" and method == "GET":
            wanted = request.args.get("name__iexact")
            tags = [
                t
                for t in self.tags.values()
                if wanted is None or t["name"].casefold() == wanted.casefold()
            ]
            return self._page(request, tags)
        if path == "/api/tags/" and method == "POST":
            data = request.get_json()
            tag_id = self.add_tag(data["name"])
            self.tags[tag_id]["matching_algorithm"] = data.get("matching_algorithm", 1)
            self.created_tags.append(data)
            return _json(self.tags[tag_id], 201)
        if path == "/api/custom_fields/" and method == "GET":
            return self._page(request, list(self.custom_fields.values()))
        if path == "/api/custom_fields/" and method == "POST":
            data = request.get_json()
            field_id = self.add_custom_field(data["name"], data["data_type"])
            return _json(self.custom_fields[field_id], 201)
        if path == "/api/documents/" and method == "GET":
            return self._documents(request)
        if (match := re.fullmatch(r"/api/documents/(\d+)/download/", path)) and method == "GET":
            return self._download(request, int(match.group(1)))
        if path == "/api/documents/bulk_edit/" and method == "POST":
            return self._bulk_edit(request.get_json())
        return _json({"detail": "Not found."}, 404)

    def _page(self, request: Request, items: list[dict], fields=None) -> Response:
        page = int(request.args.get("page", 1))
        size = int(request.args.get("page_size", 25))
        chunk = items[(page - 1) * size : page * size]
        if page > 1 and not chunk:
            return _json({"detail": "Invalid page."}, 404)
        base = (self.public_url or request.host_url.rstrip("/")) + request.path

        def link(number):
            args = {**request.args.to_dict(), "page": number}
            if number == 1:
                del args["page"]
            return f"{base}?{urlencode(args)}"

        if fields:
            chunk = [{k: v for k, v in item.items() if k in fields} for item in chunk]
        return _json(
            {
                "count": len(items),
                "next": link(page + 1) if page * size < len(items) else None,
                "previous": link(page - 1) if page > 1 else None,
                "all": [item["id"] for item in items],
                "results": chunk,
            }
        )

    def _documents(self, request: Request) -> Response:
        docs = sorted(self.documents.values(), key=lambda d: d["id"])
        if request.args.get("tags__id__all"):
            wanted = {int(t) for t in request.args["tags__id__all"].split(",")}
            docs = [d for d in docs if wanted <= set(d["tags"])]
        if request.args.get("tags__id__none"):
            unwanted = {int(t) for t in request.args["tags__id__none"].split(",")}
            docs = [d for d in docs if not unwanted & set(d["tags"])]
        fields = request.args.get("fields")
        return self._page(request, docs, fields.split(",") if fields else None)

    def _download(self, request: Request, doc_id: int) -> Response:
        if doc_id not in self.documents:
            return _json({"detail": "No Document matches the given query."}, 404)
        assert request.args.get("original") == "true"
        if doc_id in self.download_delay:
            time.sleep(self.download_delay.pop(doc_id))
        if doc_id in self.download_status:
            return Response("Internal Server Error", status=self.download_status[doc_id])
        self.downloads.append(doc_id)
        data = self.files[doc_id]
        doc = self.documents[doc_id]
        headers = {
            "Content-Disposition": _content_disposition(f"{doc['created']} {doc['title']}.pdf"),
            "Content-Length": str(len(data)),
        }
        if doc_id in self.download_cut:
            self.download_cut.discard(doc_id)
            # The server goes away after half of the body.
            return Response(
                iter([data[: len(data) // 2]]), headers=headers, mimetype="application/pdf"
            )
        return Response(data, headers=headers, mimetype="application/pdf")

    def _bulk_edit(self, data: dict) -> Response:
        if self.bulk_edit_failures:
            self.bulk_edit_failures -= 1
            return Response("Internal Server Error", status=500)
        ids = data["documents"]
        if any(doc_id not in self.documents for doc_id in ids) or len(set(ids)) != len(ids):
            return _json(
                {"documents": [f"Some documents in {ids} don't exist or were specified twice."]},
                400,
            )
        self.bulk_edits.append(data)
        parameters = data["parameters"]
        for doc_id in ids:
            doc = self.documents[doc_id]
            if data["method"] == "add_tag":
                if parameters["tag"] not in self.tags:
                    return _json({"tag": [f"Tag {parameters['tag']} does not exist"]}, 400)
                if parameters["tag"] not in doc["tags"]:
                    doc["tags"].append(parameters["tag"])
            elif data["method"] == "modify_custom_fields":
                values = parameters["add_custom_fields"]
                for key, value in values.items():
                    if int(key) not in self.custom_fields:
                        return _json({"custom_fields": ["unknown field"]}, 400)
                    doc["custom_fields"] = [
                        cf for cf in doc["custom_fields"] if cf["field"] != int(key)
                    ] + [{"field": int(key), "value": value}]
            else:
                return _json({"method": ["unsupported in this stand-in"]}, 400)
        return _json({"result": "OK"})


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture
def fake(httpserver, settings, bauamt, monkeypatch):
    server = FakePaperless()
    httpserver.expect_request(re.compile(r"^/")).respond_with_handler(server.handle)
    settings.AKTENFLUSS_PAPERLESS_URL = httpserver.url_for("/")
    settings.AKTENFLUSS_PAPERLESS_TOKEN = TOKEN
    settings.AKTENFLUSS_PAPERLESS_PULL_TAG = "Aktenfluss"
    settings.AKTENFLUSS_PAPERLESS_TRANSFERRED_TAG = "an Aktenfluss übertragen"
    settings.AKTENFLUSS_PAPERLESS_ORG_UNIT = bauamt.code
    settings.AKTENFLUSS_PAPERLESS_PUSH_MODE = "custom_field"
    settings.AKTENFLUSS_PAPERLESS_CUSTOM_FIELD = "Aktenzeichen"
    settings.AKTENFLUSS_PAPERLESS_TIMEOUT = 5
    # Two documents per page, so three documents already span two pages.
    monkeypatch.setattr(paperless, "PAGE_SIZE", 2)
    server.add_tag("Steuer")
    return server


def _letter(*lines: str) -> bytes:
    return text_pdf(["Stadt Kriens", *lines])


@pytest.fixture
def three_documents(fake):
    return [
        fake.add_document(
            "Baugesuch Müller",
            _letter("Baugesuch Neubau Einfamilienhaus", "Parzelle 1234"),
            tags=[fake.pull_tag],
            original_file_name="Baugesuch Müller.pdf",
        ),
        fake.add_document(
            "Einsprache Nachbar",
            _letter("Einsprache gegen Baugesuch", "Parzelle 1234"),
            tags=[fake.pull_tag, fake.tag_id("Steuer")],
            original_file_name="einsprache.pdf",
        ),
        fake.add_document(
            "Plan Erdgeschoss Süd",
            _letter("Grundriss Erdgeschoss", "Massstab 1:100"),
            tags=[fake.pull_tag],
            original_file_name=None,  # old documents may lack it: name from the download
        ),
    ]


def _imports():
    return PaperlessImport.objects.order_by("paperless_id")


# --- pull -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pull_takes_tagged_documents_into_intake_reads_and_tags_them(
    fake, three_documents, django_capture_on_commit_callbacks
):
    untagged = fake.add_document("Privat", _letter("nicht übernehmen"), tags=[])
    with django_capture_on_commit_callbacks(execute=True):
        result = paperless_pull()

    assert result.ok, result.failed + result.errors
    assert (result.found, result.imported, result.same_content) == (3, 3, 0)
    assert sorted(fake.downloads) == three_documents
    records = list(_imports())
    assert [r.paperless_id for r in records] == three_documents
    assert {r.server_url for r in records} == {django_settings.AKTENFLUSS_PAPERLESS_URL.rstrip("/")}
    assert all(r.state == PaperlessImportState.TRANSFERRED for r in records)
    for record in records:
        item = record.intake_item
        assert item.channel == IntakeChannel.PAPERLESS
        assert blob_read(item.blob) == fake.files[record.paperless_id]
        assert item.status == IntakeStatus.TO_FILE  # read (text layer) and waiting to be filed
    names = [r.intake_item.filename for r in records]
    assert names == [
        "Baugesuch Müller.pdf",
        "einsprache.pdf",
        "2026-11-02 Plan Erdgeschoss Süd.pdf",
    ]
    assert "Baugesuch" in records[0].intake_item.text

    transferred = fake.tag_id("an Aktenfluss übertragen")
    assert fake.created_tags == [{"name": "an Aktenfluss übertragen", "matching_algorithm": 0}]
    assert all(transferred in fake.documents[i]["tags"] for i in three_documents)
    assert transferred not in fake.documents[untagged]["tags"]
    assert fake.tag_id("Steuer") in fake.documents[three_documents[1]]["tags"]  # kept

    events = AuditEvent.objects.filter(object_type="efile.paperlessimport")
    assert (
        sorted(events.values_list("action", flat=True))
        == ["paperless.import"] * 3 + ["paperless.transfer"] * 3
    )
    first = events.filter(action="paperless.import").order_by("id").first()
    assert first.changes["paperless_id"] == [None, three_documents[0]]


@pytest.mark.django_db
def test_second_pull_imports_and_downloads_nothing(fake, three_documents):
    paperless_pull()
    downloads, items = list(fake.downloads), IntakeItem.objects.count()

    result = paperless_pull()

    assert result.ok
    assert (result.found, result.imported, result.marked_later) == (0, 0, 0)
    assert fake.downloads == downloads
    assert IntakeItem.objects.count() == items == 3
    assert _imports().count() == 3


@pytest.mark.django_db
def test_document_whose_transferred_tag_was_removed_is_not_taken_in_again(fake, three_documents):
    paperless_pull()
    transferred = fake.tag_id("an Aktenfluss übertragen")
    fake.documents[three_documents[0]]["tags"].remove(transferred)

    result = paperless_pull()

    assert result.ok
    assert (result.found, result.imported) == (1, 0)
    assert fake.downloads.count(three_documents[0]) == 1
    assert transferred in fake.documents[three_documents[0]]["tags"]
    assert IntakeItem.objects.count() == 3


@pytest.mark.django_db
def test_server_error_on_one_download_keeps_the_others_and_retries_it_next_run(
    fake, three_documents
):
    broken = three_documents[1]
    fake.download_status[broken] = 500

    first = paperless_pull()

    assert not first.ok
    assert first.imported == 2
    assert len(first.failed) == 1
    message = first.failed[0]
    assert f"Paperless-Dokument {broken} „Einsprache Nachbar“" in message
    assert "Serverfehler (HTTP 500)" in message
    assert "beim nächsten Lauf erneut versucht" in message
    assert not PaperlessImport.objects.filter(paperless_id=broken).exists()
    assert IntakeItem.objects.count() == 2
    assert fake.tag_id("an Aktenfluss übertragen") not in fake.documents[broken]["tags"]

    del fake.download_status[broken]
    second = paperless_pull()

    assert second.ok
    assert (second.found, second.imported) == (1, 1)
    assert sorted(fake.downloads) == three_documents  # each downloaded exactly once
    record = PaperlessImport.objects.get(paperless_id=broken)
    assert blob_read(record.intake_item.blob) == fake.files[broken]
    assert record.state == PaperlessImportState.TRANSFERRED


@pytest.mark.django_db
def test_connection_lost_mid_download_stops_the_run_and_loses_nothing(fake, three_documents):
    fake.download_cut.add(three_documents[0])

    first = paperless_pull()

    assert not first.ok
    assert first.imported == 0
    assert len(first.errors) == 1
    assert "nicht erreichbar oder hat die Verbindung abgebrochen" in first.errors[0]
    assert "Nichts ist verloren" in first.errors[0]
    assert IntakeItem.objects.count() == 0  # no half file was taken in
    assert not PaperlessImport.objects.exists()

    second = paperless_pull()

    assert second.ok
    assert second.imported == 3
    assert blob_read(_imports().first().intake_item.blob) == fake.files[three_documents[0]]


@pytest.mark.django_db
def test_timeout_stops_the_run_with_a_german_message_and_the_next_run_imports(
    fake, three_documents, settings
):
    settings.AKTENFLUSS_PAPERLESS_TIMEOUT = 0.3
    fake.download_delay[three_documents[1]] = 1.0

    first = paperless_pull()

    assert first.imported == 1
    assert first.errors == [
        "Paperless-ngx hat nicht innerhalb von 0.3 Sekunden geantwortet. Nichts ist verloren: "
        "Was nicht vollständig übertragen wurde, wird beim nächsten Lauf erneut versucht."
    ]
    assert not PaperlessImport.objects.filter(paperless_id=three_documents[1]).exists()

    settings.AKTENFLUSS_PAPERLESS_TIMEOUT = 5
    second = paperless_pull()

    assert second.ok
    assert second.imported == 2
    assert _imports().count() == 3


@pytest.mark.django_db
def test_failed_tagging_after_intake_is_repeated_without_taking_the_document_in_twice(
    fake, three_documents
):
    fake.bulk_edit_failures = 1  # the first "transferred" tagging fails

    first = paperless_pull()

    assert first.imported == 3
    assert len(first.failed) == 1
    record = PaperlessImport.objects.get(paperless_id=three_documents[0])
    assert record.state == PaperlessImportState.IMPORTED
    assert IntakeItem.objects.count() == 3

    second = paperless_pull()

    assert second.ok
    assert (second.found, second.imported, second.marked_later) == (1, 0, 1)
    assert fake.downloads.count(three_documents[0]) == 1
    assert IntakeItem.objects.count() == 3
    record.refresh_from_db()
    assert record.state == PaperlessImportState.TRANSFERRED
    assert record.transferred_at is not None


@pytest.mark.django_db
def test_document_with_content_received_before_is_linked_not_stored_twice(
    fake, three_documents, bauamt
):
    earlier, _ = intake_start(
        actor=None,
        org_unit=bauamt,
        stream=io.BytesIO(fake.files[three_documents[0]]),
        filename="scan.pdf",
    )

    result = paperless_pull()

    assert result.ok
    assert (result.imported, result.same_content) == (3, 1)
    assert PaperlessImport.objects.get(paperless_id=three_documents[0]).intake_item == earlier
    assert IntakeItem.objects.count() == 3


@pytest.mark.django_db
def test_next_links_with_the_servers_internal_name_are_followed_on_the_configured_url(
    fake, three_documents
):
    fake.public_url = "http://paperless.intern:8000"  # unreachable from here

    result = paperless_pull()

    assert result.ok
    assert result.imported == 3


@pytest.mark.django_db
def test_wrong_token_is_reported_in_german_and_the_command_fails(fake, three_documents, settings):
    settings.AKTENFLUSS_PAPERLESS_TOKEN = "falsch"

    result = paperless_pull()

    assert result.errors == [
        "Paperless-ngx hat die Anmeldung abgelehnt (HTTP 401): Das API-Token ist falsch oder "
        "abgelaufen. Bitte AKTENFLUSS_PAPERLESS_TOKEN prüfen."
    ]
    assert not PaperlessImport.objects.exists()
    stderr = io.StringIO()
    with pytest.raises(CommandError, match="unvollständig: 1 Fehler"):
        call_command("paperless_pull", stdout=io.StringIO(), stderr=stderr)
    assert "API-Token ist falsch" in stderr.getvalue()


@pytest.mark.django_db
def test_missing_permission_is_reported_in_german(fake, three_documents):
    fake.forbidden = True

    result = paperless_pull()

    assert len(result.errors) == 1
    assert result.errors[0].startswith("Paperless-ngx verweigert den Zugriff (HTTP 403)")
    assert not PaperlessImport.objects.exists()


@pytest.mark.django_db
def test_server_without_api_version_9_is_reported(fake, three_documents):
    fake.api_versions = {"10", "11"}

    result = paperless_pull()

    assert "REST-API-Version 9" in result.errors[0]


@pytest.mark.django_db
def test_redirect_is_not_followed_and_names_the_target(fake, three_documents):
    fake.redirect_to = "https://paperless.example"

    result = paperless_pull()

    assert result.errors == [
        "Paperless-ngx leitet auf „https://paperless.example/api/tags/“ um (HTTP 301); bitte "
        "AKTENFLUSS_PAPERLESS_URL auf die Adresse setzen, unter der die API antwortet."
    ]
    assert not PaperlessImport.objects.exists()


@pytest.mark.django_db
def test_unreachable_server_is_reported(fake, settings):
    settings.AKTENFLUSS_PAPERLESS_URL = "http://127.0.0.1:9/"  # discard port: refused

    result = paperless_pull()

    assert len(result.errors) == 1
    assert "ist nicht erreichbar" in result.errors[0]
    assert "http://127.0.0.1:9" in result.errors[0]


@pytest.mark.django_db
def test_unknown_pull_tag_is_reported_and_nothing_is_created(fake, settings):
    settings.AKTENFLUSS_PAPERLESS_PULL_TAG = "gibt-es-nicht"

    result = paperless_pull()

    assert result.errors == [
        "Das Tag „gibt-es-nicht“ (AKTENFLUSS_PAPERLESS_PULL_TAG) gibt es in Paperless-ngx "
        "nicht; bitte dort anlegen oder den Namen korrigieren."
    ]
    assert fake.created_tags == []


@pytest.mark.django_db
def test_unknown_org_unit_is_reported_before_contacting_paperless(fake, settings):
    settings.AKTENFLUSS_PAPERLESS_ORG_UNIT = "nirgendwo"

    result = paperless_pull()

    assert "„nirgendwo“" in result.errors[0]
    assert fake.downloads == []


@pytest.mark.django_db
def test_missing_settings_name_the_variable(settings):
    settings.AKTENFLUSS_PAPERLESS_URL = "https://paperless.example"
    settings.AKTENFLUSS_PAPERLESS_TOKEN = ""

    with pytest.raises(PaperlessNotConfigured, match="AKTENFLUSS_PAPERLESS_TOKEN fehlt"):
        paperless_pull()
    with pytest.raises(CommandError, match="AKTENFLUSS_PAPERLESS_TOKEN fehlt"):
        call_command("paperless_push")


@pytest.mark.django_db
def test_pull_command_prints_counts_in_german(fake, three_documents):
    stdout = io.StringIO()

    call_command("paperless_pull", stdout=stdout, stderr=io.StringIO())

    assert "3 Dokument(e) gefunden, 3 übernommen" in stdout.getvalue()
    assert "0 fehlgeschlagen" in stdout.getvalue()


@pytest.mark.django_db
def test_periodic_pull_task_is_scheduled_and_runs_the_pull(fake, three_documents):
    from backoffice.celery import app

    entry = django_settings.CELERY_BEAT_SCHEDULE["paperless-pull"]
    assert entry["task"] in app.tasks

    outcome = pull_from_paperless.delay().get()

    assert outcome["imported"] == 3
    assert outcome["errors"] == []


@pytest.mark.django_db
def test_periodic_pull_does_nothing_while_not_configured(settings):
    settings.AKTENFLUSS_PAPERLESS_URL = ""

    assert pull_from_paperless.delay().get() == {"skipped": "not configured"}


# --- push -----------------------------------------------------------------------------------


def _file(record: PaperlessImport, efile) -> None:
    intake_file(actor=None, item=record.intake_item, efile=efile, title=record.title)


@pytest.mark.django_db
def test_push_writes_the_aktenzeichen_into_a_custom_field_once(
    fake, three_documents, bauamt, plan_item
):
    other_field = fake.add_custom_field("Eingangsnummer", "integer")
    fake.documents[three_documents[0]]["custom_fields"] = [{"field": other_field, "value": 17}]
    paperless_pull()
    efile = efile_create(org_unit=bauamt, plan_item=plan_item, title="Neubau Müller")
    records = list(_imports())
    _file(records[0], efile)
    _file(records[1], efile)

    result = paperless_push()

    assert result.ok, result.failed + result.errors
    assert (result.written, result.not_filed) == (2, 1)
    field = next(f for f in fake.custom_fields.values() if f["name"] == "Aktenzeichen")
    assert field["data_type"] == "string"
    assert fake.documents[three_documents[0]]["custom_fields"] == [
        {"field": other_field, "value": 17},
        {"field": field["id"], "value": efile.reference},
    ]
    assert fake.documents[three_documents[1]]["custom_fields"] == [
        {"field": field["id"], "value": efile.reference}
    ]
    assert fake.documents[three_documents[2]]["custom_fields"] == []
    records[0].refresh_from_db()
    assert records[0].pushed_reference == efile.reference
    event = AuditEvent.objects.get(action="paperless.push", object_id=str(records[0].pk))
    assert event.changes["pushed_reference"] == ["", efile.reference]

    edits = len(fake.bulk_edits)
    again = paperless_push()

    assert (again.written, again.not_filed) == (0, 1)
    assert len(fake.bulk_edits) == edits  # written once, not again

    _file(records[2], efile)
    last = paperless_push()
    assert last.written == 1
    assert len([f for f in fake.custom_fields.values() if f["name"] == "Aktenzeichen"]) == 1


@pytest.mark.django_db
def test_push_as_tag_creates_one_tag_per_aktenzeichen(
    fake, three_documents, bauamt, plan_item, settings
):
    settings.AKTENFLUSS_PAPERLESS_PUSH_MODE = "tag"
    paperless_pull()
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    for record in _imports():
        _file(record, efile)

    result = paperless_push()

    assert result.written == 3
    tag = fake.tag_id(efile.reference)
    assert tag is not None
    assert all(tag in fake.documents[i]["tags"] for i in three_documents)
    assert [t["name"] for t in fake.created_tags].count(efile.reference) == 1
    assert fake.custom_fields == {}


@pytest.mark.django_db
def test_document_already_filed_on_receipt_reports_that_files_aktenzeichen(
    fake, three_documents, bauamt, plan_item
):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    document_create(efile=efile, content=fake.files[three_documents[0]], filename="alt.pdf")
    paperless_pull()
    item = PaperlessImport.objects.get(paperless_id=three_documents[0]).intake_item
    assert item.failure_code == "duplicate"

    assert filed_references(item) == [efile.reference]
    result = paperless_push()
    assert (result.written, result.not_filed) == (1, 2)


@pytest.mark.django_db
def test_push_refuses_an_existing_aktenzeichen_field_that_is_not_text(
    fake, three_documents, bauamt, plan_item
):
    fake.add_custom_field("Aktenzeichen", "monetary")
    paperless_pull()
    _file(_imports().first(), efile_create(org_unit=bauamt, plan_item=plan_item))

    result = paperless_push()

    assert "hat den Typ „monetary“" in result.errors[0]
    assert not PaperlessImport.objects.exclude(pushed_reference="").exists()


@pytest.mark.django_db
def test_push_server_error_is_retried_on_the_next_run_and_command_exits_non_zero(
    fake, three_documents, bauamt, plan_item
):
    paperless_pull()
    _file(_imports().first(), efile_create(org_unit=bauamt, plan_item=plan_item))
    fake.bulk_edit_failures = 1

    stderr = io.StringIO()
    with pytest.raises(CommandError):
        call_command("paperless_push", stdout=io.StringIO(), stderr=stderr)
    assert "Serverfehler (HTTP 500)" in stderr.getvalue()
    assert not PaperlessImport.objects.exclude(pushed_reference="").exists()

    stdout = io.StringIO()
    call_command("paperless_push", stdout=stdout, stderr=io.StringIO())
    assert "Aktenzeichen für 1 Dokument(e) zurückgeschrieben, 2 noch nicht abgelegt" in (
        stdout.getvalue()
    )


@pytest.mark.django_db
def test_push_without_filed_documents_does_not_contact_paperless(fake, three_documents):
    paperless_pull()
    requests = len(fake.bulk_edits)
    fake.forbidden = True  # any request would now fail

    result = paperless_push()

    assert result.ok
    assert (result.written, result.not_filed) == (0, 3)
    assert len(fake.bulk_edits) == requests


@pytest.mark.django_db
def test_imports_are_listed_read_only_in_the_admin(fake, three_documents, admin_client):
    paperless_pull()
    url = "/admin/efile/paperlessimport/"

    listed = admin_client.get(url, {"q": str(three_documents[0])})
    not_a_number = admin_client.get(url, {"q": "Baugesuch"})

    assert listed.status_code == 200
    assert "Baugesuch Müller" in listed.content.decode()
    assert "Einsprache Nachbar" not in listed.content.decode()
    assert "Baugesuch Müller" in not_a_number.content.decode()
    assert admin_client.get(url + "add/").status_code == 403


def test_the_client_imports_nothing_from_django():
    code = "import sys, efile.connectors.paperless; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
