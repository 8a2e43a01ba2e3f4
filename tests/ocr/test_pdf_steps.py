import pytest

from ocr.errors import RejectedInput
from ocr.steps import pdf, pdf_inspect

from .corpus import DOCUMENTS, needs_corpus


def test_usable_text_needs_enough_real_characters():
    assert pdf.is_usable_text("Rechnung Nr. 2026-0042 über 1.234,56 CHF")
    assert not pdf.is_usable_text("  3  ")
    assert not pdf.is_usable_text("\ufffd" * 50 + "abc")
    assert not pdf.is_usable_text("~~~~~ ..... ----- ;;;;; 12345678901234567890 ===========" * 2)


def test_render_scale_ocr_dpi_for_a4():
    assert pdf.render_scale(595, 842, 60_000_000) == pytest.approx(pdf.OCR_DPI / 72)


def test_render_scale_lowered_for_big_pages_refused_for_absurd_ones():
    a0 = pdf.render_scale(2384, 3370, 30_000_000)
    assert 100 / 72 <= a0 < pdf.OCR_DPI / 72
    with pytest.raises(RejectedInput) as caught:
        pdf.render_scale(1_000_000, 1_000_000, 60_000_000)
    assert caught.value.code == "page_too_large"


@needs_corpus
def test_password_protected_pdf_refused_as_encrypted():
    with pytest.raises(RejectedInput) as caught:
        pdf.open_pdf((DOCUMENTS / "bad-input" / "encrypted-user-password.pdf").read_bytes())
    assert caught.value.code == "encrypted"
    assert "Passwort" in caught.value.message_de


@needs_corpus
def test_truncated_pdf_refused_as_corrupt():
    with pytest.raises(RejectedInput) as caught:
        pdf.open_pdf((DOCUMENTS / "bad-input" / "truncated.pdf").read_bytes())
    assert caught.value.code == "corrupt"


@needs_corpus
def test_javascript_and_launch_actions_flagged():
    data = (DOCUMENTS / "bad-input" / "javascript-launch-action.pdf").read_bytes()
    assert pdf_inspect.WARN_ACTIVE in pdf_inspect.inspect(data)


@needs_corpus
def test_plain_invoice_not_flagged():
    data = (DOCUMENTS / "bad-input" / "control-valid-invoice.pdf").read_bytes()
    assert pdf_inspect.inspect(data) == ()


@needs_corpus
def test_owner_password_only_pdf_read_with_restriction_warning():
    data = (DOCUMENTS / "bad-input" / "encrypted-owner-password-only.pdf").read_bytes()
    assert pdf_inspect.WARN_RESTRICTED in pdf_inspect.inspect(data)
