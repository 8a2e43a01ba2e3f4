"""Document versions are append-only and their content is stored once per sha256."""

import hashlib
import io
import re

import pytest
from django.core.exceptions import PermissionDenied

from backoffice.demo.minipdf import text_pdf
from efile import services
from efile.blobs import blob_read
from efile.models import DocumentVersion, ImmutableRowError
from efile.roles import Role
from tests.factories import UserFactory, document_create, efile_create

pytestmark = pytest.mark.django_db

FIRST = text_pdf(["Bauantrag", "Version 1"])
SECOND = text_pdf(["Bauantrag", "Version 2, mit geändertem Lageplan"])


@pytest.fixture
def efile(bauamt, plan_item):
    return efile_create(org_unit=bauamt, plan_item=plan_item, title="Neubau Parzelle 1234")


def _blob_files(root) -> list:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_new_version_is_appended_as_next_number(efile, clerk):
    document = document_create(efile=efile, content=FIRST, filename="bauantrag.pdf")

    version = services.document_version_add(
        actor=clerk, document=document, stream=io.BytesIO(SECOND), filename="bauantrag-v2.pdf"
    )

    assert version.number == 2
    assert list(document.versions.values_list("number", flat=True)) == [1, 2]
    assert version.created_by == clerk


def test_new_version_never_overwrites_earlier_version(efile, clerk):
    document = document_create(efile=efile, content=FIRST, filename="bauantrag.pdf")
    first = document.versions.get()
    before = DocumentVersion.objects.filter(pk=first.pk).values().get()

    second = services.document_version_add(
        actor=clerk, document=document, stream=io.BytesIO(SECOND), filename="bauantrag.pdf"
    )

    assert DocumentVersion.objects.filter(pk=first.pk).values().get() == before
    assert first.sha256 == hashlib.sha256(FIRST).hexdigest()
    assert blob_read(first.blob) == FIRST
    assert blob_read(second.blob) == SECOND
    assert second.blob != first.blob


def test_saving_an_existing_version_is_refused(efile):
    version = document_create(efile=efile, content=FIRST).versions.get()
    version.filename = "umbenannt.pdf"

    with pytest.raises(ImmutableRowError):
        version.save()

    assert DocumentVersion.objects.get(pk=version.pk).filename == "brief.pdf"


def test_deleting_a_version_is_refused(efile):
    version = document_create(efile=efile, content=FIRST).versions.get()

    with pytest.raises(ImmutableRowError):
        version.delete()

    assert DocumentVersion.objects.filter(pk=version.pk).exists()


def test_same_bytes_in_two_efiles_are_stored_once_with_two_version_rows(
    bauamt, plan_item, tmp_blobs
):
    first_efile = efile_create(org_unit=bauamt, plan_item=plan_item, title="Akte A")
    second_efile = efile_create(org_unit=bauamt, plan_item=plan_item, title="Akte B")

    one = document_create(efile=first_efile, content=FIRST).versions.get()
    two = document_create(efile=second_efile, content=FIRST).versions.get()

    assert one.pk != two.pk
    assert one.sha256 == two.sha256
    assert one.blob == two.blob
    assert DocumentVersion.objects.filter(sha256=one.sha256).count() == 2
    assert _blob_files(tmp_blobs) == [tmp_blobs / one.blob]


def test_blob_is_stored_under_sha256_fan_out_path(efile, tmp_blobs):
    version = document_create(efile=efile, content=FIRST).versions.get()
    sha = hashlib.sha256(FIRST).hexdigest()

    assert version.blob == f"sha256/{sha[:2]}/{sha[2:4]}/{sha}"
    assert re.fullmatch(r"sha256/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}", version.blob)
    assert (tmp_blobs / version.blob).read_bytes() == FIRST


@pytest.mark.parametrize(
    ("content", "filename", "mime_type"),
    [
        (FIRST, "notiz.txt", "application/pdf"),
        (b"Nur ein kurzer Vermerk.\n", "scan.pdf", "text/plain"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "foto.pdf", "image/png"),
    ],
)
def test_mime_type_is_sniffed_from_bytes_not_from_filename(efile, content, filename, mime_type):
    version = document_create(efile=efile, content=content, filename=filename).versions.get()

    assert version.mime_type == mime_type
    assert version.filename == filename


def test_pdf_version_records_its_page_count(efile):
    version = document_create(efile=efile, content=FIRST).versions.get()

    assert version.page_count == 1
    assert version.size == len(FIRST)


def test_non_pdf_version_has_no_page_count(efile):
    document = document_create(efile=efile, content=b"Vermerk", filename="vermerk.txt")

    assert document.versions.get().page_count is None


def test_version_of_another_departments_file_is_refused(efile, umwelt):
    outsider = UserFactory(username="umwelt-clerk", role=Role.CLERK, org_units=[umwelt])
    document = document_create(efile=efile, content=FIRST)

    with pytest.raises(PermissionDenied):
        services.document_version_add(
            actor=outsider, document=document, stream=io.BytesIO(SECOND), filename="x.pdf"
        )

    assert document.versions.count() == 1
