import codecs

import pytest

from ocr.errors import RejectedInput
from ocr.steps.textfiles import decode_text, decode_xml

XML = "<Invoice><Name>Müller & Söhne Straße</Name></Invoice>"


@pytest.mark.parametrize(
    "data",
    [
        XML.encode("utf-8"),
        codecs.BOM_UTF8 + XML.encode("utf-8"),
        codecs.BOM_UTF16_LE + XML.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + XML.encode("utf-16-be"),
        ('<?xml version="1.0" encoding="ISO-8859-1"?>' + XML).encode("latin-1"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "declared-latin1"],
)
def test_xml_decoded_by_bom_or_declaration(data):
    assert "Müller & Söhne Straße" in decode_xml(data)


def test_xml_utf16_without_bom_refused():
    with pytest.raises(RejectedInput) as caught:
        decode_xml(XML.encode("utf-16-le"))
    assert caught.value.code == "bad_encoding"


def test_xml_invalid_utf8_refused_with_byte_offset():
    with pytest.raises(RejectedInput) as caught:
        decode_xml(b"<a>M\xfcller</a>")
    assert "Byte 4" in caught.value.message_de


def test_xml_with_dtd_refused_without_resolving():
    data = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'
    with pytest.raises(RejectedInput) as caught:
        decode_xml(data)
    assert caught.value.code == "unsupported_type"
    assert "root:" not in caught.value.message_de


def test_text_falls_back_to_windows_1252_with_warning():
    warnings: list[str] = []
    assert decode_text("Pantothensäure".encode("cp1252"), warnings) == "Pantothensäure"
    assert warnings


def test_xml_broken_after_bom_refused():
    with pytest.raises(RejectedInput) as caught:
        decode_xml(codecs.BOM_UTF8 + b"<a>\xff</a>")
    assert caught.value.code == "bad_encoding"
