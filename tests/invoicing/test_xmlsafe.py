import pytest

from invoicing import xmlsafe
from invoicing.xmlsafe import UnsafeXmlError, parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz>&lol3;</lolz>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice>&xxe;</Invoice>"""


def refused(data: bytes, **kwargs) -> UnsafeXmlError:
    with pytest.raises(UnsafeXmlError) as caught:
        parse_xml(data, **kwargs)
    return caught.value


def test_parses_plain_xml():
    assert parse_xml(b"<Invoice><ID>1</ID></Invoice>").findtext("ID") == "1"


def test_refuses_billion_laughs_with_german_message():
    error = refused(BILLION_LAUGHS)
    assert error.code == "entities"
    assert "Sicherheitsgründen" in error.message_de
    assert error.message_en


def test_refuses_external_entity():
    assert refused(EXTERNAL_ENTITY).code == "entities"


def test_utf16_declared_entities_are_refused_as_well():
    assert refused(BILLION_LAUGHS.decode().encode("utf-16")).code == "entities"


def test_doctype_without_entities_is_accepted():
    assert parse_xml(b"<!DOCTYPE Invoice><Invoice/>").tag == "Invoice"


def test_undeclared_entity_reference_is_not_wellformed():
    assert refused(b"<Invoice>&foo;</Invoice>").code == "not-wellformed"


def test_refuses_oversized_file_without_parsing(monkeypatch):
    def must_not_parse(*args, **kwargs):
        raise AssertionError("parsed although too large")

    monkeypatch.setattr(xmlsafe.etree, "fromstring", must_not_parse)
    big = b"<a>" + b"x" * (50 * 1024 * 1024) + b"</a>"
    error = refused(big)
    assert error.code == "too-large"
    assert "zu groß" in error.message_de


def test_size_limit_is_configurable():
    assert refused(b"<a>12345</a>", max_bytes=5).code == "too-large"


def test_accepts_utf16_with_bom():
    data = '<?xml version="1.0" encoding="UTF-16"?><Rechnung>Grüße</Rechnung>'.encode("utf-16")
    assert parse_xml(data).text == "Grüße"


def test_accepts_utf8_with_bom():
    assert parse_xml(b"\xef\xbb\xbf<a>\xc3\xa4</a>").text == "ä"


def test_broken_utf8_gives_clear_german_message():
    error = refused(b'<?xml version="1.0" encoding="UTF-8"?>\n<a>M\xfcller</a>')
    assert error.code == "encoding"
    assert "kein gültiges UTF-8" in error.message_de
    assert "Zeile 2" in error.message_de


def test_latin1_declared_document_is_decoded_by_its_declaration():
    data = '<?xml version="1.0" encoding="ISO-8859-1"?><a>Müller</a>'.encode("latin-1")
    assert parse_xml(data).text == "Müller"


@pytest.mark.parametrize("data", [b"", b"   \n "])
def test_empty_file_is_refused(data):
    error = refused(data)
    assert error.code == "empty"
    assert error.message_de == "Die Datei ist leer."


def test_not_wellformed_names_the_line():
    error = refused(b"<a>\n<b></a>")
    assert error.code == "not-wellformed"
    assert "wohlgeformt" in error.message_de


def test_unknown_encoding_is_not_wellformed():
    assert refused(b'<?xml version="1.0" encoding="UTF-8-W/O-BOM"?><a/>').code == "not-wellformed"


def test_external_dtd_is_not_loaded():
    data = b'<!DOCTYPE a SYSTEM "http://192.0.2.1/evil.dtd"><a>ok</a>'
    assert parse_xml(data).text == "ok"
