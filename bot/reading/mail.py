"""One whole mail message (the bytes of an .eml file, or a plain .txt body) as the reader needs it:
headers, subject and the body as plain text. Pure: bytes in, values out.

The body is the first text/plain part that is not an attachment, else the first text/html part made
plain. A delivery report (multipart/report, RFC 6522) keeps its human-readable first part, so its text
can be read too; its Content-Type header already says it is automatic.
"""

from __future__ import annotations

from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message

from bot.reading.status import plain_text

__all__ = ["MailMessage", "parse_mail"]


@dataclass(frozen=True)
class MailMessage:
    headers: dict[str, str]
    subject: str
    body: str


def parse_mail(raw: bytes, *, has_headers: bool = True) -> MailMessage:
    """The message in `raw`; with `has_headers` False (a .txt file) all of it is the body."""
    if not has_headers:
        return MailMessage({}, "", _decode(raw).replace("\r\n", "\n"))
    message = message_from_bytes(raw, policy=policy.default)
    headers: dict[str, str] = {}
    for name, value in message.items():
        existing = next((key for key in headers if key.lower() == name.lower()), None)
        if existing is None:
            headers[name] = str(value)
        else:
            headers[existing] = f"{headers[existing]} {value}"
    return MailMessage(headers, str(message.get("Subject") or ""), _body_of(message))


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _part_text(part: Message) -> str:
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
        except (LookupError, ValueError):
            content = None
        if isinstance(content, str):
            return content
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return _decode(payload)
    return ""


def _body_of(message: Message) -> str:
    html: str | None = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        content_type = part.get_content_type()
        if content_type == "text/plain":
            return _part_text(part).replace("\r\n", "\n")
        if content_type == "text/html" and html is None:
            html = _part_text(part)
    return plain_text(html) if html is not None else ""
