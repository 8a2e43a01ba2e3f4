"""Every hostile or odd file is read or refused with a German reason: no crash, no hang,
bounded memory. Each file runs in a child process with an address-space cap and a time limit."""

import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor

import pytest

from .corpus import DOCUMENTS, manifest, needs_corpus
from .isolated import limit_memory, read_file

pytestmark = [needs_corpus, pytest.mark.ocr_corpus]

PER_FILE_SECONDS = 90

# What Aktenfluss does with each bad-input file: a RejectedInput code, or "read".
EXPECTED = {
    "billion-laughs.xml": "unsupported_type",
    "bomb-20000x20000-grey.png": "image_bomb",
    "bomb-30000x30000-1bit.png": "image_bomb",
    "broken-xref.pdf": "read",
    "control-valid-invoice.pdf": "read",
    "duplicate-of-control-valid-invoice.pdf": "read",  # duplicates are found by hash in efile
    "empty-2000-pages.pdf": "too_many_pages",
    "encrypted-owner-password-only.pdf": "read",
    "encrypted-user-password.pdf": "encrypted",
    "facturx-malformed-xml.pdf": "read",  # the embedded XML is the invoicing side's business
    "html-named-as.pdf": "unsupported_type",
    "huge-page-size.pdf": "page_too_large",
    "invalid-utf8.xml": "bad_encoding",
    "javascript-launch-action.pdf": "read",
    "mail-attachment-traversal.eml": "read",
    "mail-with-pdf-attachment.eml": "read",
    "nested-zip-bomb.zip": "unsupported_type",
    "png-named-as.pdf": "read",
    "text-named-as.pdf": "read",  # read as the plain text it is
    "tiff-zero-dimensions.tif": "corrupt",
    "truncated.jpg": "read",
    "truncated.pdf": "corrupt",
    "utf16le-bom-no-declaration.xml": "read",
    "utf16le-no-bom-no-declaration.xml": "bad_encoding",
    "xxe-etc-passwd.xml": "unsupported_type",
    "zero-bytes.pdf": "empty",
    "zip-slip-traversal.zip": "unsupported_type",
}


def _files(folder: str) -> list[str]:
    return [row["file"] for row in manifest(folder)]


def _id(name: str) -> str:
    return name if len(name) < 60 else name[:20] + "…" + name[-12:]


@pytest.fixture(scope="module")
def pool():
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=context, initializer=limit_memory) as executor:
        yield executor


def _read(pool, folder: str, name: str) -> dict:
    future = pool.submit(read_file, str(DOCUMENTS / folder / name))
    return future.result(timeout=PER_FILE_SECONDS)


def _assert_german_reason(outcome: dict) -> None:
    assert outcome["code"]
    assert re.search(r"[Bb]itte|nicht", outcome["message"]), outcome["message"]


@pytest.mark.parametrize("name", _files("bad-input"), ids=_id)
def test_bad_input_is_read_or_refused_in_german(pool, name):
    outcome = _read(pool, "bad-input", name)
    expected = EXPECTED.get(name, "read" if name.startswith("..") else None)
    assert outcome["outcome"] in ("read", "rejected"), outcome
    if outcome["outcome"] == "rejected":
        _assert_german_reason(outcome)
        assert outcome["code"] == expected, outcome
    else:
        assert expected == "read", outcome
        assert outcome["unchanged"]


@pytest.mark.parametrize("name", _files("paperless-samples"), ids=_id)
def test_paperless_sample_is_read_or_refused_in_german(pool, name):
    outcome = _read(pool, "paperless-samples", name)
    assert outcome["outcome"] in ("read", "rejected"), outcome
    if outcome["outcome"] == "rejected":
        _assert_german_reason(outcome)


def test_xxe_never_reveals_local_files(pool):
    outcome = _read(pool, "bad-input", "xxe-etc-passwd.xml")
    assert "root:" not in str(outcome)


def test_warnings_name_the_problem(pool):
    javascript = _read(pool, "bad-input", "javascript-launch-action.pdf")
    assert any("aktive Inhalte" in w for w in javascript["warnings"])
    assert javascript["searchable"], "active content gets a cleaned copy"
    renamed = _read(pool, "bad-input", "png-named-as.pdf")
    assert renamed["mime_type"] == "image/png"
    assert any("Dateiendung .pdf" in w for w in renamed["warnings"])
    assert any("repariert" in w for w in _read(pool, "bad-input", "broken-xref.pdf")["warnings"])
