"""Documents filed directly into an e-file are read too, so their text is searchable."""

import io

import pytest
from django.test import TestCase
from PIL import Image, ImageDraw, ImageFont

from backoffice.demo.minipdf import text_pdf
from efile.models import AuditEvent, DocumentVersion
from efile.search import document_search
from efile.services.reading import document_version_read
from tests.factories import document_create, efile_create

pytestmark = pytest.mark.django_db


def _scan() -> bytes:
    image = Image.new("L", (1240, 1754), 255)
    font = ImageFont.load_default(size=40)
    ImageDraw.Draw(image).text((120, 200), "Einsprache gegen Baugesuch Seeweg", fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(150, 150))
    return buffer.getvalue()


def test_uploaded_born_digital_pdf_gets_its_text_and_is_found(clerk, bauamt, plan_item):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    with TestCase.captureOnCommitCallbacks(execute=True):
        document = document_create(
            efile=efile, content=text_pdf(["Stellungnahme Feuerpolizei Kriens"])
        )
    version = document.versions.get()
    assert "Feuerpolizei" in version.text
    hits = document_search(user=clerk, query="Feuerpolizei")
    assert [hit.version.document.efile_id for hit in hits] == [efile.pk]
    assert AuditEvent.objects.filter(action="documentversion.read").count() == 1


def test_uploaded_scan_is_read_by_ocr_and_gets_a_searchable_derivative(bauamt, plan_item):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    with TestCase.captureOnCommitCallbacks(execute=True):
        document = document_create(efile=efile, content=_scan(), filename="scan.png")
    original, searchable = document.versions.order_by("number")
    assert "Einsprache" in original.text
    assert searchable.derived_from == original
    assert searchable.mime_type == "application/pdf"
    assert searchable.filename == "scan-durchsuchbar.pdf"


def test_reading_again_changes_nothing(bauamt, plan_item):
    efile = efile_create(org_unit=bauamt, plan_item=plan_item)
    with TestCase.captureOnCommitCallbacks(execute=True):
        document = document_create(efile=efile, content=_scan(), filename="scan.png")
    before = list(DocumentVersion.objects.values_list("pk", "text"))
    document_version_read(version_id=document.versions.order_by("number").first().pk)
    assert list(DocumentVersion.objects.values_list("pk", "text")) == before
