from ocr.sniff import sniff


def test_pdf_after_junk_and_bom():
    assert sniff(b"\xef\xbb\xbf%PDF-1.7\n").mime_type == "application/pdf"


def test_images_by_magic_bytes():
    assert sniff(b"\x89PNG\r\n\x1a\n....").mime_type == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0").mime_type == "image/jpeg"
    assert sniff(b"II*\x00\x08\x00").mime_type == "image/tiff"


def test_html_is_not_taken_for_xml():
    assert sniff(b"<!DOCTYPE html><html><script>").mime_type == "text/html"


def test_utf16_xml_with_and_without_bom():
    xml = '<?xml version="1.0"?><Invoice/>'
    assert sniff(b"\xff\xfe" + xml.encode("utf-16-le")).mime_type == "application/xml"
    assert sniff(xml.encode("utf-16-le")).mime_type == "application/xml"


def test_latin1_text_is_text():
    assert sniff("Pantothensäure\n".encode("latin-1")).mime_type == "text/plain"


def test_binary_is_unknown():
    assert sniff(b"\x00\x01\x02\x03" * 50).mime_type == "application/octet-stream"


def test_mail_headers():
    assert sniff(b"From: a@example.org\nSubject: x\n\nbody").mime_type == "message/rfc822"
