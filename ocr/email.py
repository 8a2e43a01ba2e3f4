"""E-mail (.eml): body text and attachments, each attachment to become its own document."""

import email
import email.policy
import re
import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage, Message
from html.parser import HTMLParser

_MAX_FILENAME = 150
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


@dataclass(frozen=True)
class Attachment:
    filename: str  # sanitised: no path parts, no control characters, never empty
    data: bytes
    mime_type: str  # as declared by the sender; sniff the bytes before trusting it


@dataclass(frozen=True)
class MailParts:
    subject: str
    sender: str
    body_text: str
    attachments: tuple[Attachment, ...]


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "tr", "li"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return re.sub(r"\n\s*\n+", "\n\n", "".join(parser.parts)).strip()


def safe_filename(name: str, fallback: str = "anhang") -> str:
    """Last path component only (both / and \\), NFC, no control or reserved characters,
    no leading dots, at most 150 characters (extension kept)."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("", name).strip().lstrip(".").strip()
    if len(name) > _MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        name = (stem if dot else name)[: _MAX_FILENAME - len(ext) - 1] + ("." + ext if ext else "")
    return name or fallback


def _decoded(part: Message) -> str:
    try:
        if isinstance(part, EmailMessage):
            return str(part.get_content())
    except (LookupError, UnicodeError, KeyError, ValueError):
        pass
    payload = part.get_payload(decode=True) or b""
    return payload.decode(part.get_content_charset() or "utf-8", errors="replace")


def _header(message: Message, name: str) -> str:
    try:
        return str(message.get(name, "") or "").strip()
    except (ValueError, IndexError, TypeError):
        return ""


def mail_parts(data: bytes) -> MailParts:
    """Split an RFC 5322 message. Parts with a file name or `Content-Disposition: attachment`
    are attachments; the first text/plain part (or text/html, flattened) is the body."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        if filename or disposition == "attachment":
            payload = part.get_payload(decode=True) or b""
            number = len(attachments) + 1
            attachments.append(
                Attachment(
                    filename=safe_filename(filename or "", fallback=f"anhang-{number}"),
                    data=payload,
                    mime_type=part.get_content_type(),
                )
            )
        elif part.get_content_type() == "text/plain":
            plain.append(_decoded(part))
        elif part.get_content_type() == "text/html":
            html.append(html_to_text(_decoded(part)))
    body = "\n\n".join(plain) if plain else "\n\n".join(html)
    return MailParts(
        subject=_header(message, "Subject"),
        sender=_header(message, "From"),
        body_text=body.replace("\r\n", "\n").strip(),
        attachments=tuple(attachments),
    )
