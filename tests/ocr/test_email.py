from email.message import EmailMessage

import pytest

from ocr.email import mail_parts, safe_filename

from .corpus import DOCUMENTS, needs_corpus


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("../../../../etc/cron.d/aktenfluss.pdf", "aktenfluss.pdf"),
        ("..\\..\\Windows\\System32\\evil.pdf", "evil.pdf"),
        ("/etc/passwd", "passwd"),
        ("Rechnung\x00\x1b[31m.pdf", "Rechnung[31m.pdf"),
        ("..", "anhang"),
        ("", "anhang"),
        ("Gru\u0308sse.pdf", "Grüsse.pdf"),
    ],
)
def test_attachment_names_lose_paths_and_control_characters(raw, safe):
    assert safe_filename(raw) == safe


def test_overlong_name_keeps_extension():
    name = safe_filename("Ü" * 400 + ".pdf")
    assert len(name) <= 150 and name.endswith(".pdf")


def _mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Sanitär Käslin <info@kaeslin.example>"
    message["Subject"] = "Rechnung für Schulhaus Grüt"
    message.set_content("Guten Tag\nim Anhang die Rechnung.")
    message.add_attachment(
        b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="../../Rechnung Grüt.pdf"
    )
    message.add_attachment(b"\x89PNG...", maintype="image", subtype="png")
    return message.as_bytes()


def test_mail_parts_body_subject_sender_and_attachments():
    parts = mail_parts(_mail())
    assert parts.subject == "Rechnung für Schulhaus Grüt"
    assert "Käslin" in parts.sender
    assert parts.body_text == "Guten Tag\nim Anhang die Rechnung."
    assert [(a.filename, a.mime_type) for a in parts.attachments] == [
        ("Rechnung Grüt.pdf", "application/pdf"),
        ("anhang-2", "image/png"),
    ]
    assert parts.attachments[0].data == b"%PDF-1.4 ..."


@needs_corpus
def test_traversal_attachment_from_corpus_is_plain_name():
    data = (DOCUMENTS / "bad-input" / "mail-attachment-traversal.eml").read_bytes()
    (attachment,) = mail_parts(data).attachments
    assert attachment.filename == "aktenfluss.pdf"
    assert attachment.data.startswith(b"%PDF")


def test_html_only_mail_gives_text_without_script():
    message = EmailMessage()
    message.set_content("<p>Hallo</p><script>alert(1)</script><p>Welt</p>", subtype="html")
    assert mail_parts(message.as_bytes()).body_text.split() == ["Hallo", "Welt"]


def test_not_a_mail_gives_empty_parts_not_an_error():
    parts = mail_parts(b"This is not a valid eml.")
    assert parts.attachments == ()
