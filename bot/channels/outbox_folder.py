"""The transport used when no Slack or Microsoft credentials are set: files in a folder.

Each message becomes `<message_id>-<kind>.json` (the envelope and metadata) plus either an `.eml`
(a real RFC 5322 message, openable in any mail client) or a `.txt` (what Slack would have shown).
Files are written to a temporary name and renamed, the .json last, so a reader never sees half a
message and a second send of the same message id changes nothing.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any

from bot.channels.base import MESSAGE_ID_HEADER, REF_HEADER, Envelope, Receipt, subject_with_ref
from bot.rules.statuses import ChannelKind

DEFAULT_FROM = "DHR chaser <dhr-chaser@localhost>"
MESSAGE_ID_DOMAIN = "dhr-chaser.localhost"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class OutboxFolderChannel:
    kind: ChannelKind = ChannelKind.OUTBOX

    def __init__(
        self, folder: Path, *, from_address: str = DEFAULT_FROM, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.folder = Path(folder)
        self.from_address = from_address
        self._clock = clock

    def send(self, envelope: Envelope) -> Receipt:
        self.folder.mkdir(parents=True, exist_ok=True)
        stem = f"{envelope.message_id}-{_safe(envelope.kind)}"
        json_path = self.folder / f"{stem}.json"
        is_mail = is_mail_address(envelope.to_address)
        internet_message_id = outbox_message_id(envelope) if is_mail else None
        if json_path.exists():  # already written: same message, same files
            return Receipt(outbox_path=str(json_path), internet_message_id=internet_message_id)
        now = self._clock()
        if is_mail:
            body_path = self.folder / f"{stem}.eml"
            _write_atomically(body_path, build_email(envelope, self.from_address, now).as_bytes())
        else:
            body_path = self.folder / f"{stem}.txt"
            _write_atomically(body_path, slack_text(envelope).encode("utf-8"))
        record: dict[str, Any] = {
            "message_id": envelope.message_id,
            "kind": envelope.kind,
            "channel": "email" if is_mail else "slack",
            "written_at": now.isoformat(),
            "body_file": body_path.name,
            "internet_message_id": internet_message_id,
            "envelope": asdict(envelope),
        }
        _write_atomically(json_path, json.dumps(record, indent=2, ensure_ascii=False).encode("utf-8"))
        return Receipt(outbox_path=str(json_path), internet_message_id=internet_message_id)


    def find_sent(self, envelope: Envelope, since: datetime) -> Receipt | None:  # noqa: ARG002 (the protocol's)
        json_path = self.folder / f"{envelope.message_id}-{_safe(envelope.kind)}.json"
        if not json_path.exists():
            return None
        is_mail = is_mail_address(envelope.to_address)
        return Receipt(outbox_path=str(json_path), internet_message_id=outbox_message_id(envelope) if is_mail else None)

    def probe(self) -> None:
        """A folder has no credentials to lose."""


def is_mail_address(address: str) -> bool:
    return "@" in address


def outbox_message_id(envelope: Envelope) -> str:
    """A Message-ID fixed by the message id, so rewriting the same message gives the same id."""
    return f"<dhr-{envelope.message_id}-{_safe(envelope.kind)}@{MESSAGE_ID_DOMAIN}>"


def build_email(envelope: Envelope, from_address: str, now: datetime) -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = from_address
    message["To"] = formataddr((envelope.to_name or "", envelope.to_address))
    if envelope.cc:
        message["Cc"] = ", ".join(envelope.cc)
    message["Subject"] = subject_with_ref(envelope.subject, envelope.ref_token)
    message["Date"] = format_datetime(now.astimezone(UTC))
    message["Message-ID"] = outbox_message_id(envelope)
    if envelope.reply_to_internet_message_id:
        message["In-Reply-To"] = envelope.reply_to_internet_message_id
        message["References"] = envelope.reply_to_internet_message_id
    if envelope.ref_token:
        message[REF_HEADER] = envelope.ref_token
    message[MESSAGE_ID_HEADER] = str(envelope.message_id)
    message.set_content(envelope.text)
    if envelope.html:
        message.add_alternative(envelope.html, subtype="html")
    return message


def slack_text(envelope: Envelope) -> str:
    where = envelope.slack_channel or envelope.to_address
    lines = [f"To: {envelope.to_name or where} ({where})"]
    if envelope.thread_ts:
        lines.append(f"Thread: {envelope.thread_ts}")
    lines += ["", envelope.text, ""]
    return "\n".join(lines)


def _safe(kind: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", kind) or "message"


def _write_atomically(path: Path, data: bytes) -> None:
    # mkstemp creates the file 0600: these files hold sensitive case details.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
