"""Bad uploads are refused with a stable code and a German message, and leave nothing behind."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from backoffice.demo.minipdf import text_pdf
from efile import services
from efile.models import AuditEvent, Document, DocumentVersion
from efile.roles import Role
from tests.factories import UserFactory, document_create, efile_create

pytestmark = pytest.mark.django_db

LETTER = text_pdf(["Sehr geehrte Damen und Herren,", "anbei unser Antrag."])


@pytest.fixture
def efile(bauamt, plan_item):
    return efile_create(org_unit=bauamt, plan_item=plan_item, title="Neubau Parzelle 1234")


def _blob_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _receive(efile, content: bytes, filename: str = "antrag.pdf", actor=None, **kwargs):
    return services.document_receive(
        actor=actor, efile=efile, stream=io.BytesIO(content), filename=filename, **kwargs
    )


def _refused(efile, content: bytes, filename: str = "antrag.pdf", actor=None) -> ValidationError:
    """Upload, expect a ValidationError, and check that nothing at all was written."""
    documents = Document.objects.count()
    versions = DocumentVersion.objects.count()
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        _receive(efile, content, filename, actor=actor)
    assert Document.objects.count() == documents
    assert DocumentVersion.objects.count() == versions
    assert AuditEvent.objects.count() == events
    return excinfo.value


def test_valid_upload_files_document_with_first_version(efile, clerk):
    document = _receive(efile, LETTER, actor=clerk, title="Antrag")

    assert document.title == "Antrag"
    assert document.created_by == clerk
    version = document.versions.get()
    assert (version.number, version.filename, version.size) == (1, "antrag.pdf", len(LETTER))


def test_title_defaults_to_filename(efile):
    assert _receive(efile, LETTER, filename="Lageplan M 1-500.pdf").title == "Lageplan M 1-500.pdf"


def test_empty_file_is_refused(efile, tmp_blobs):
    error = _refused(efile, b"", filename="leer.pdf")

    assert error.code == "empty"
    assert "leer" in error.messages[0]
    assert "leer.pdf" in error.messages[0]
    assert _blob_files(tmp_blobs) == []


def test_file_over_the_upload_limit_is_refused(efile, settings, tmp_blobs):
    settings.AKTENFLUSS_MAX_UPLOAD_BYTES = 2 * 1024 * 1024
    content = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)

    error = _refused(efile, content)

    assert error.code == "too_large"
    assert "höchstens 2,0\xa0MB" in error.messages[0]
    assert "erlaubt" in error.messages[0]
    assert _blob_files(tmp_blobs) == []


def test_file_exactly_at_the_upload_limit_is_accepted(efile, settings):
    settings.AKTENFLUSS_MAX_UPLOAD_BYTES = len(LETTER)

    document = _receive(efile, LETTER)

    assert document.versions.get().size == len(LETTER)


def test_upload_with_declared_size_over_limit_is_refused_before_reading(efile, settings):
    """Django's UploadedFile carries `size`; it is checked before the bytes are hashed."""

    class Declared(io.BytesIO):
        size = 10_000_000

        def read(self, *args):  # pragma: no cover - must not be reached
            raise AssertionError("stream was read although its size was already too large")

    settings.AKTENFLUSS_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError) as excinfo:
        services.document_receive(
            actor=None, efile=efile, stream=Declared(LETTER), filename="gross.pdf"
        )

    assert excinfo.value.code == "too_large"


@pytest.mark.parametrize(
    "filename",
    ["../etc/passwd", "..\\..\\boot.ini", "unterordner/antrag.pdf", "..", "..antrag.pdf"],
)
def test_filename_with_path_is_refused(efile, filename):
    error = _refused(efile, LETTER, filename=filename)

    assert error.code == "filename_path"
    assert "Pfadangaben" in error.messages[0]


@pytest.mark.parametrize(
    "filename",
    ["antrag\x07.pdf", "rechnung\u202efdp.exe", "zeile\nzwei.pdf", "null\x00.pdf"],
)
def test_filename_with_control_characters_is_refused(efile, filename):
    error = _refused(efile, LETTER, filename=filename)

    assert error.code == "filename_control_chars"
    assert "Steuerzeichen" in error.messages[0]


@pytest.mark.parametrize("filename", ["", "   "])
def test_filename_missing_is_refused(efile, filename):
    error = _refused(efile, LETTER, filename=filename)

    assert error.code == "filename_empty"
    assert "keinen Namen" in error.messages[0]


def test_filename_over_255_characters_is_refused(efile):
    error = _refused(efile, LETTER, filename="a" * 252 + ".pdf")

    assert error.code == "filename_too_long"
    assert "länger" in error.messages[0]


def test_filename_with_umlauts_and_spaces_is_kept(efile):
    document = _receive(efile, LETTER, filename="Stellungnahme Bürgeramt (März).pdf")

    assert document.versions.get().filename == "Stellungnahme Bürgeramt (März).pdf"


def test_same_content_twice_in_one_efile_is_refused_naming_existing_document(efile):
    _receive(efile, LETTER, filename="antrag.pdf", title="Bauantrag Müller")

    error = _refused(efile, LETTER, filename="antrag-kopie.pdf")

    assert error.code == "duplicate"
    assert "Bauantrag Müller" in error.messages[0]
    assert efile.reference in error.messages[0]
    assert "bereits" in error.messages[0]
    assert Document.objects.filter(efile=efile).count() == 1


def test_same_content_as_new_version_is_refused_as_duplicate(efile):
    document = _receive(efile, LETTER, title="Bauantrag")
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        services.document_version_add(
            actor=None, document=document, stream=io.BytesIO(LETTER), filename="nochmal.pdf"
        )

    assert excinfo.value.code == "duplicate"
    assert document.versions.count() == 1
    assert AuditEvent.objects.count() == events


def test_upload_into_closed_efile_is_refused_for_the_system(efile):
    services.efile_close(actor=None, efile=efile)

    error = _refused(efile, LETTER)

    assert error.code == "efile_closed"
    assert "geschlossen" in error.messages[0]


def test_upload_into_closed_efile_is_refused_for_a_clerk(efile, clerk):
    services.efile_close(actor=None, efile=efile)
    documents = Document.objects.count()

    with pytest.raises(PermissionDenied):
        _receive(efile, LETTER, actor=clerk)

    assert Document.objects.count() == documents


def test_new_version_in_closed_efile_is_refused(efile):
    document = document_create(efile=efile, content=LETTER)
    services.efile_close(actor=None, efile=efile)

    with pytest.raises(ValidationError) as excinfo:
        services.document_version_add(
            actor=None, document=document, stream=io.BytesIO(b"neu"), filename="neu.txt"
        )

    assert excinfo.value.code == "efile_closed"
    assert document.versions.count() == 1


def test_upload_into_another_departments_efile_is_refused(efile, umwelt):
    outsider = UserFactory(username="umwelt-clerk", role=Role.CLERK, org_units=[umwelt])

    with pytest.raises(PermissionDenied):
        _receive(efile, LETTER, actor=outsider)

    assert not Document.objects.filter(efile=efile).exists()
