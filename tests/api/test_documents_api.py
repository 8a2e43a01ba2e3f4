"""Documents over the API: list of an e-file, filing by multipart upload, detail with
versions, downloads of the original and of the searchable PDF, new versions."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from efile import services
from efile.blobs import blob_store
from efile.models import AuditEvent, Document, DocumentVersion
from tests.factories import document_create, efile_create


@pytest.fixture
def own_file(bauamt, plan_item):
    return efile_create(org_unit=bauamt, plan_item=plan_item, title="Neubau Sporthalle")


@pytest.fixture
def foreign_file(umwelt, plan_item):
    return efile_create(org_unit=umwelt, plan_item=plan_item, title="Lärmmessung")


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def _pdf(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _content(response) -> bytes:
    return b"".join(response.streaming_content)


def _searchable_version(document: Document, original: DocumentVersion) -> DocumentVersion:
    """What the reading task stores for a scan: a derived PDF with a text layer."""
    stored = blob_store(io.BytesIO(b"%PDF-1.4 mit Textebene"))
    return DocumentVersion.objects.create(
        document=document,
        number=original.number + 1,
        sha256=stored.sha256,
        blob=stored.name,
        filename="scan-durchsuchbar.pdf",
        mime_type="application/pdf",
        size=stored.size,
        derived_from=original,
    )


# --- list and upload ---------------------------------------------------------------------


def test_documents_of_a_file_newest_first_with_filters(clerk_client, own_file):
    old = document_create(
        efile=own_file,
        content=b"%PDF-1.4 alt",
        title="Bauantrag",
        kind="application",
        received_on=dt.date(2026, 1, 5),
    )
    new = document_create(
        efile=own_file,
        content=b"%PDF-1.4 neu",
        title="Nachforderung",
        received_on=dt.date(2026, 2, 1),
    )
    url = f"/api/v1/efiles/{own_file.pk}/documents/"

    body = clerk_client.get(url).json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [new.pk, old.pk]
    assert body["results"][1]["versions"][0]["filename"] == "brief.pdf"

    assert [r["id"] for r in clerk_client.get(url, {"kind": "application"}).json()["results"]] == [
        old.pk
    ]
    assert [r["id"] for r in clerk_client.get(url, {"q": "nachford"}).json()["results"]] == [new.pk]
    after = clerk_client.get(url, {"received_from": "2026-01-10"}).json()["results"]
    assert [r["id"] for r in after] == [new.pk]


def test_documents_of_a_foreign_file_are_a_404(clerk_client, foreign_file):
    document_create(efile=foreign_file, content=b"%PDF-1.4 geheim", title="Geheim")
    response = clerk_client.get(f"/api/v1/efiles/{foreign_file.pk}/documents/")
    assert response.status_code == 404
    assert "Geheim" not in response.content.decode()


def test_multipart_upload_files_a_document(clerk_client, clerk, own_file):
    sender, _created = services.party_register(actor=None, name="Müller Bau GmbH")
    response = clerk_client.post(
        f"/api/v1/efiles/{own_file.pk}/documents/",
        {
            "file": _pdf("bauantrag.pdf", b"%PDF-1.4 Bauantrag"),
            "title": "Bauantrag",
            "kind": "application",
            "received_on": "2026-03-02",
            "sender": sender.pk,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get()
    assert body["id"] == document.pk
    assert body["efile_reference"] == own_file.reference
    assert (body["title"], body["kind"], body["received_on"], body["sender"]) == (
        "Bauantrag",
        "application",
        "2026-03-02",
        sender.pk,
    )
    assert [(v["number"], v["filename"], v["mime_type"]) for v in body["versions"]] == [
        (1, "bauantrag.pdf", "application/pdf")
    ]
    assert document.created_by == clerk
    assert AuditEvent.objects.filter(action="document.create", object_id=str(document.pk)).exists()


def test_upload_without_title_uses_the_file_name(clerk_client, own_file):
    response = clerk_client.post(
        f"/api/v1/efiles/{own_file.pk}/documents/", {"file": _pdf("brief.pdf", b"%PDF-1.4 x")}
    )
    assert response.status_code == 201
    assert response.json()["title"] == "brief.pdf"
    assert response.json()["kind"] == "letter"


def test_empty_upload_is_refused_in_german_and_nothing_is_stored(clerk_client, own_file):
    response = clerk_client.post(
        f"/api/v1/efiles/{own_file.pk}/documents/", {"file": _pdf("leer.pdf", b"")}
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "empty",
        "message": "Die Datei „leer.pdf“ ist leer (0 Bytes) und wurde nicht gespeichert.",
        "field": None,
    }
    assert not Document.objects.exists()


def test_upload_without_file_names_the_field(clerk_client, own_file):
    response = clerk_client.post(f"/api/v1/efiles/{own_file.pk}/documents/", {"title": "x"})
    assert response.status_code == 400
    assert response.json()["field"] == "file"
    assert response.json()["code"] == "required"


def test_duplicate_upload_is_refused(clerk_client, own_file):
    document_create(efile=own_file, content=b"%PDF-1.4 doppelt", title="Erstes")
    response = clerk_client.post(
        f"/api/v1/efiles/{own_file.pk}/documents/", {"file": _pdf("b.pdf", b"%PDF-1.4 doppelt")}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate"
    assert Document.objects.count() == 1


def test_json_body_is_415_for_the_upload(clerk_client, own_file):
    response = clerk_client.post(
        f"/api/v1/efiles/{own_file.pk}/documents/", {"title": "x"}, content_type="application/json"
    )
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_upload_into_a_closed_file_is_refused(clerk_client, clerk, own_file):
    services.efile_close(actor=clerk, efile=own_file)
    response = clerk_client.post(
        f"/api/v1/efiles/{own_file.pk}/documents/", {"file": _pdf("a.pdf", b"%PDF-1.4 zu spaet")}
    )
    assert response.status_code == 403
    assert response.json()["message"] == "Sie dürfen in dieser Akte keine Dokumente ablegen."
    assert not Document.objects.exists()


# --- detail, downloads, versions ---------------------------------------------------------


def test_detail_lists_versions_newest_first(clerk_client, own_file):
    document = document_create(efile=own_file, content=b"%PDF-1.4 v1", filename="scan.pdf")
    original = document.versions.get()
    searchable = _searchable_version(document, original)
    body = clerk_client.get(f"/api/v1/documents/{document.pk}/").json()
    assert [(v["id"], v["number"], v["derived_from"]) for v in body["versions"]] == [
        (searchable.pk, 2, original.pk),
        (original.pk, 1, None),
    ]


def test_original_and_searchable_pdf_are_downloaded(clerk_client, own_file):
    document = document_create(efile=own_file, content=b"%PDF-1.4 Scan", filename="scan.pdf")
    url = f"/api/v1/documents/{document.pk}"

    missing = clerk_client.get(f"{url}/searchable/")
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "no_searchable_pdf",
        "message": "Zu diesem Dokument gibt es (noch) kein durchsuchbares PDF.",
        "field": None,
    }

    _searchable_version(document, document.versions.get())
    original = clerk_client.get(f"{url}/original/")
    assert original.status_code == 200
    assert original["Content-Disposition"] == 'attachment; filename="scan.pdf"'
    assert _content(original) == b"%PDF-1.4 Scan"
    searchable = clerk_client.get(f"{url}/searchable/")
    assert searchable.status_code == 200
    assert searchable["Content-Type"] == "application/pdf"
    assert _content(searchable) == b"%PDF-1.4 mit Textebene"


def test_new_version_is_added_and_becomes_the_original(clerk_client, own_file):
    document = document_create(efile=own_file, content=b"%PDF-1.4 erste Fassung")
    response = clerk_client.post(
        f"/api/v1/documents/{document.pk}/versions/",
        {"file": _pdf("zweite.pdf", b"%PDF-1.4 zweite Fassung")},
    )
    assert response.status_code == 201
    assert (response.json()["number"], response.json()["filename"]) == (2, "zweite.pdf")
    assert list(document.versions.values_list("number", flat=True)) == [1, 2]
    original = clerk_client.get(f"/api/v1/documents/{document.pk}/original/")
    assert _content(original) == b"%PDF-1.4 zweite Fassung"
    # the searchable PDF of the first version is not offered for the second
    assert clerk_client.get(f"/api/v1/documents/{document.pk}/searchable/").status_code == 404


def test_registry_sees_the_document_but_not_its_content(client, registry_user, foreign_file):
    document = document_create(efile=foreign_file, content=b"%PDF-1.4 geheim", title="Gutachten")
    client.force_login(registry_user)
    assert client.get(f"/api/v1/documents/{document.pk}/").json()["title"] == "Gutachten"
    for suffix in ("original", "searchable"):
        response = client.get(f"/api/v1/documents/{document.pk}/{suffix}/")
        assert response.status_code == 403
        assert b"geheim" not in response.content
    response = client.post(
        f"/api/v1/documents/{document.pk}/versions/", {"file": _pdf("x.pdf", b"%PDF-1.4 x")}
    )
    assert response.status_code == 403
    assert document.versions.count() == 1


def test_foreign_document_is_a_404_everywhere(clerk_client, foreign_file):
    document = document_create(efile=foreign_file, content=b"%PDF-1.4 geheim")
    for suffix in ("", "original/", "searchable/", "audit-events/"):
        response = clerk_client.get(f"/api/v1/documents/{document.pk}/{suffix}")
        assert response.status_code == 404, suffix
        assert response.json()["message"] == "Dokument nicht gefunden."
