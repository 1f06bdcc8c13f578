"""The mailbox behind the fake Graph API: messages, folders, delta sync and arriving mail.

Behaviour copied from Exchange where the bot depends on it, awkward parts included:

- A moved message gets a new id while its internetMessageId stays
  (learn.microsoft.com/graph/outlook-create-send-messages; learn.microsoft.com/graph/api/message-move).
- internetMessageHeaders and uniqueBody come back only when selected
  (learn.microsoft.com/graph/api/resources/message).
- `POST .../send` answers 202 and the mail goes out, but its copy reaches Sent Items only later
  (`sent_copy_delay`): the message is queued in the Outbox and saved to Sent Items once Exchange
  has submitted it (learn.microsoft.com/graph/api/message-send: "saved in the Sent Items folder";
  the 202 means accepted, not done).
- The Sent Items copy carries NO custom internetMessageHeaders: Microsoft's Jason Johnston,
  "internet headers just do not exist on the copy in Sent Items"
  (github.com/microsoftgraph/microsoft-graph-docs issues #2716, #12726, #18761; #3066). The
  recipient's copy (`sent`) keeps them, since they went out on the wire.
- singleValueExtendedProperties set on a draft stay on the item through send and move, are
  returned only with `$expand=singleValueExtendedProperties($filter=id eq '...')`, and can be
  searched with `$filter=singleValueExtendedProperties/Any(ep: ep/id eq '...' and ep/value eq
  '...')`; the name in the id is case-sensitive, the value case-insensitive
  (learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get, -post-singlevalueextendedproperties).
- `POST .../messages/{id}/createReply` answers 201 with a new draft in Drafts: "RE: " and the
  original subject, addressed to the original's replyTo (else its from), in the original's
  conversation, the original quoted in the body, and In-Reply-To/References set from the
  original's internetMessageId once it goes out. The JSON body may hold a `comment` or a
  `message` (with a body) but not both: both answer 400. The draft is then changed with PATCH
  (body, subject, recipients, and singleValueExtendedProperties as on any existing message) and
  sent with `/send` (learn.microsoft.com/graph/api/message-createreply;
  learn.microsoft.com/graph/api/message-update; learn.microsoft.com/graph/api/
  singlevaluelegacyextendedproperty-post-singlevalueextendedproperties, "existing message": PATCH).
- `POST .../messages/{id}/attachments` with a `#microsoft.graph.fileAttachment` (name,
  contentBytes in base64) adds a file to a draft in one request only when it is under 3 MB;
  a bigger file needs an upload session, which the fake does not offer, and is refused with 413
  (learn.microsoft.com/graph/api/message-post-attachments, "limits the size of the attachment
  you can add to under 3 MB"; learn.microsoft.com/graph/outlook-large-attachments).
- Folder listings come newest first, 10 per page unless `$top` says otherwise
  (learn.microsoft.com/graph/api/user-list-messages; paging with nextLink is left out: the bot
  never pages a listing, it filters).
- `Prefer: outlook.body-content-type="text"` turns HTML bodies into text; delta pages follow
  `Prefer: odata.maxpagesize`; an expired delta link answers 410 Gone
  (learn.microsoft.com/graph/delta-query-messages). Messages delta takes only
  `$filter=receivedDateTime ge|gt {instant}`, on the first request of a round, and keeps it in
  its nextLink and deltaLink (learn.microsoft.com/graph/api/message-delta, "Query parameters").

Not thread-safe by itself: FakeMicrosoft calls it under its lock.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

WELL_KNOWN_FOLDERS = {
    "inbox": "Inbox", "drafts": "Drafts", "outbox": "Outbox", "sentitems": "Sent Items",
    "deleteditems": "Deleted Items",
}
#: `String {GUID} Name X` or `String 0x1234`, as Graph documents extended property ids.
_GUID = r"\{[0-9a-fA-F-]{36}\}"
EXTENDED_PROPERTY_ID = re.compile(
    rf"(String|Integer|Boolean|SystemTime|Binary) ({_GUID} Name \S.*|{_GUID} Id 0x[0-9a-fA-F]+|0x[0-9a-fA-F]+)"
)
_ANY_EXTENDED = re.compile(
    r"singleValueExtendedProperties/Any\((\w+): \1/id eq '((?:[^']|'')*)' and \1/value eq '((?:[^']|'')*)'\)"
)
_FIELD_EQ = re.compile(r"(internetMessageId|subject|conversationId) eq '((?:[^']|'')*)'")
_RECEIVED_SINCE = re.compile(r"receivedDateTime (ge|gt) (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)")
_EXPAND_EXTENDED = re.compile(r"singleValueExtendedProperties\(\$filter=id eq '((?:[^']|'')*)'\)")
DEFAULT_PAGE = 10
#: "Under 3 MB" for a single attachment POST (see the module docstring).
ATTACHMENT_POST_LIMIT = 3 * 1024 * 1024
HIDDEN_UNLESS_SELECTED = ("internetMessageHeaders", "uniqueBody")
Answer = tuple[int, Any]
Headers = Mapping[str, str] | Iterable[tuple[str, str]]
Attachments = Iterable[str | tuple[str, bytes]]


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str = "", headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.headers = status, code, message or code, headers or {}


@dataclass
class _Stored:
    data: dict[str, Any]
    folder: str
    created_seq: int
    changed_seq: int
    attachments: list[dict[str, Any]] = field(default_factory=list)
    extended: dict[str, str] = field(default_factory=dict)
    #: In the Outbox: when the copy lands in Sent Items (fake clock).
    settles_at: datetime | None = None
    #: A createReply draft: the internetMessageId it answers (In-Reply-To and References on the wire).
    in_reply_to: str | None = None


class MailStore:
    def __init__(
        self,
        address: str,
        clock: Callable[[], datetime],
        graph_url: Callable[[], str],
        sent_copy_delay: timedelta = timedelta(seconds=0),
    ) -> None:
        self.address = address
        self.sent_copy_delay = sent_copy_delay
        self._clock = clock
        self._graph_url = graph_url
        self._ids = itertools.count(1)
        self._seq = 0
        self.sent: list[dict[str, Any]] = []
        self.invalid_recipients: set[str] = set()
        self._messages: dict[str, _Stored] = {}
        self._removed: list[tuple[int, str, str]] = []  # (seq, folder id, message id)
        self._folders: dict[str, dict[str, Any]] = {
            f"AAMk-{key}": {"id": f"AAMk-{key}", "displayName": name, "wellKnown": key}
            for key, name in WELL_KNOWN_FOLDERS.items()
        }
        self._delta_tokens: dict[str, dict[str, Any]] = {}
        self._skip_tokens: dict[str, dict[str, Any]] = {}

    # -- for tests -----------------------------------------------------------------------------

    def folder_messages(self, folder: str) -> list[dict[str, Any]]:
        self.settle()
        folder_id = self.folder_id(folder)
        return [_copy(s.data) for s in self._messages.values() if s.folder == folder_id]

    def folder_names(self) -> list[str]:
        return [f["displayName"] for f in self._folders.values()]

    def expire_delta_links(self) -> None:
        for state in itertools.chain(self._delta_tokens.values(), self._skip_tokens.values()):
            state["expired"] = True

    def deliver_reply(
        self,
        to_message: Mapping[str, Any] | str,
        from_address: str,
        text: str,
        subject: str | None,
        attachments: Attachments,
        headers: Headers,
        from_name: str | None,
        authentication: str = "pass",
    ) -> dict[str, Any]:
        original = self._find(to_message)
        original_id = original["internetMessageId"]
        reply = f"<p>{html.escape(text)}</p>"
        quoted = f"{reply}<hr><p>From: {html.escape(self.address)}</p>{original['body']['content']}"
        subject = subject or f"RE: {original.get('subject', '')}"
        given = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        files = list(attachments)
        outlook = outlook_reply_headers(str(original.get("subject", "")), has_attachments=bool(files))
        overridden = {name.lower() for name, _ in given}
        return self._arrive(
            from_address, from_name, subject, quoted, reply,
            original["conversationId"], {"In-Reply-To": original_id, "References": original_id},
            files, [(n, v) for n, v in outlook if n.lower() not in overridden] + given, authentication,
        )

    def deliver_mail(
        self, from_address: str, subject: str, text: str, headers: Headers, attachments: Attachments,
        authentication: str = "pass",
    ) -> dict[str, Any]:
        body = f"<p>{html.escape(text)}</p>"
        return self._arrive(
            from_address, None, subject, body, body, self._new_id("conv"), {}, attachments, headers, authentication
        )

    # -- Graph operations ----------------------------------------------------------------------

    def create_message(self, body: Any) -> Answer:
        if not isinstance(body, dict):
            raise GraphError(400, "RequestBodyRead", "Expected a JSON object.")
        for header in body.get("internetMessageHeaders", []):
            if not str(header.get("name", "")).lower().startswith("x-"):
                raise GraphError(400, "InvalidInternetMessageHeader", "Only x- headers may be set.")
        extended = _extended_properties(body.get("singleValueExtendedProperties", []))
        now = _iso(self._clock())
        content = body.get("body", {"contentType": "text", "content": ""})
        data = {
            "id": self._new_id("msg"), "createdDateTime": now, "lastModifiedDateTime": now,
            "receivedDateTime": now, "sentDateTime": None, "hasAttachments": False,
            "internetMessageId": f"<{secrets.token_hex(12)}@fake.outlook.test>",
            "subject": body.get("subject", ""), "importance": "normal", "conversationId": self._new_id("conv"),
            "isRead": True, "isDraft": True, "body": content, "uniqueBody": content,
            "from": {"emailAddress": {"name": "DHR chaser", "address": self.address}},
            "toRecipients": body.get("toRecipients", []), "ccRecipients": body.get("ccRecipients", []),
            "internetMessageHeaders": body.get("internetMessageHeaders", []),
        }
        stored = self._store(data, self.folder_id("drafts"))
        stored.extended = extended
        return 201, _project(stored, None, text=False)

    def create_reply(self, message_id: str, body: Any) -> Answer:
        original = self._message(message_id).data
        request = body if isinstance(body, dict) else {}
        message = request.get("message") or {}
        if request.get("comment") is not None and message.get("body") is not None:
            raise GraphError(400, "ErrorInvalidRequest", "Specify either a comment or a message body, not both.")
        sender = original.get("replyTo") or [original.get("from")]
        comment = html.escape(str(request.get("comment") or ""))
        quoted = f"<p>{comment}</p><hr><p>From: {html.escape(_address(original.get('from')))}</p>"
        now = _iso(self._clock())
        data = {
            "id": self._new_id("msg"), "createdDateTime": now, "lastModifiedDateTime": now,
            "receivedDateTime": now, "sentDateTime": None, "hasAttachments": False,
            "internetMessageId": f"<{secrets.token_hex(12)}@fake.outlook.test>",
            "subject": f"RE: {original.get('subject', '')}", "importance": "normal",
            "conversationId": original["conversationId"], "isRead": True, "isDraft": True,
            "body": message.get("body") or {"contentType": "html", "content": quoted + original["body"]["content"]},
            "from": {"emailAddress": {"name": "DHR chaser", "address": self.address}},
            "toRecipients": message.get("toRecipients") or [r for r in sender if r],
            "ccRecipients": message.get("ccRecipients", []),
            "internetMessageHeaders": [],
        }
        data["uniqueBody"] = data["body"]
        stored = self._store(data, self.folder_id("drafts"))
        stored.in_reply_to = str(original["internetMessageId"])
        return 201, _project(stored, None, text=False)

    def get_message(self, message_id: str, select: str | None, text: bool) -> Answer:
        return 200, _project(self._message(message_id), select, text=text)

    def update_message(self, message_id: str, body: Any) -> Answer:
        stored = self._message(message_id)
        allowed = {"isRead", "categories", "flag", "importance"}
        if stored.data["isDraft"]:
            allowed |= {"subject", "body", "toRecipients", "ccRecipients"}
        for name, value in (body or {}).items():
            if name == "singleValueExtendedProperties":
                stored.extended.update(_extended_properties(value))
                continue
            if name not in allowed:
                raise GraphError(400, "ErrorInvalidPropertyUpdateSentMessage", f"{name} cannot be changed.")
            stored.data[name] = value
        self._seq += 1
        stored.changed_seq = self._seq
        return 200, _project(stored, None, text=False)

    def delete_message(self, message_id: str) -> Answer:
        self._remove(message_id, self._message(message_id))
        return 204, None

    def send(self, message_id: str) -> Answer:
        stored = self._message(message_id)
        if not stored.data["isDraft"]:
            raise GraphError(400, "ErrorInvalidOperation", "The message has already been sent.")
        to_and_cc = stored.data["toRecipients"] + stored.data["ccRecipients"]
        recipients = [r["emailAddress"]["address"].lower() for r in to_and_cc]
        refused = {address.lower() for address in self.invalid_recipients}
        if not recipients or refused.intersection(recipients):
            raise GraphError(400, "ErrorInvalidRecipients", "At least one recipient is not valid.")
        queued = self._relocate(message_id, stored, self.folder_id("outbox"))
        queued.data.update(isDraft=False, sentDateTime=_iso(self._clock()))
        queued.settles_at = self._clock() + self.sent_copy_delay
        on_the_wire = _copy(queued.data)
        on_the_wire["attachments"] = [dict(item) for item in queued.attachments]
        if queued.in_reply_to:
            on_the_wire["internetMessageHeaders"] += [
                {"name": "In-Reply-To", "value": queued.in_reply_to}, {"name": "References", "value": queued.in_reply_to}
            ]
        self.sent.append(on_the_wire)
        self.settle()
        return 202, None

    def settle(self) -> None:
        """Queued mail whose time has come lands in Sent Items: a new id, and no custom headers."""
        now = self._clock()
        for message_id, stored in list(self._messages.items()):
            if stored.settles_at is not None and stored.settles_at <= now:
                stored.settles_at = None
                copy = self._relocate(message_id, stored, self.folder_id("sentitems"))
                copy.data.pop("internetMessageHeaders", None)

    def add_attachment(self, message_id: str, body: Any) -> Answer:
        stored = self._message(message_id)
        item = body if isinstance(body, dict) else {}
        if item.get("@odata.type") != "#microsoft.graph.fileAttachment" or not item.get("name"):
            raise GraphError(400, "ErrorInvalidRequest", "A fileAttachment with a name is expected.")
        try:
            content = base64.b64decode(str(item.get("contentBytes", "")), validate=True)
        except ValueError:
            raise GraphError(400, "ErrorInvalidRequest", "contentBytes is not base64.") from None
        if len(content) >= ATTACHMENT_POST_LIMIT:
            raise GraphError(413, "ErrorRequestEntityTooLarge", "Use an upload session for files of 3 MB or more.")
        attachment = _attachment((str(item["name"]), content), self._new_id("att"))
        attachment["contentType"] = str(item.get("contentType") or attachment["contentType"])
        stored.attachments.append(attachment)
        stored.data["hasAttachments"] = True
        return 201, dict(attachment)

    def attachments(self, message_id: str) -> Answer:
        return 200, {"value": [dict(a) for a in self._message(message_id).attachments]}

    def move(self, message_id: str, body: Any) -> Answer:
        stored = self._message(message_id)
        destination = self.folder_id(str((body or {}).get("destinationId", "")))
        return 201, _project(self._relocate(message_id, stored, destination), None, text=False)

    def list_messages(self, folder: str, query: Mapping[str, str], text: bool) -> Answer:
        folder_id = self.folder_id(folder)
        items = [s for s in self._messages.values() if s.folder == folder_id]
        if query.get("$filter"):
            matches = _filter(query["$filter"])
            items = [s for s in items if matches(s)]
        items.sort(key=lambda s: (s.data["receivedDateTime"], s.created_seq), reverse=True)
        top = int(query.get("$top") or DEFAULT_PAGE)
        expand = query.get("$expand")
        answers = []
        for stored in items[:top]:
            answer = _project(stored, query.get("$select"), text=text)
            if expand:
                wanted = _EXPAND_EXTENDED.fullmatch(expand)
                if not wanted:
                    raise GraphError(400, "BadRequest", "The fake expands only extended properties by id.")
                prop_id = wanted.group(1).replace("''", "'")
                if prop_id in stored.extended:
                    answer["singleValueExtendedProperties"] = [{"id": prop_id, "value": stored.extended[prop_id]}]
            answers.append(answer)
        return 200, {"value": answers}

    def list_folders(self, filter_text: str | None) -> Answer:
        folders = list(self._folders.values())
        if filter_text:
            wanted = re.fullmatch(r"displayName eq '((?:[^']|'')*)'", filter_text)
            if not wanted:
                raise GraphError(400, "ErrorInvalidUrlQueryFilter", "The fake understands only displayName eq '...'.")
            folders = [f for f in folders if f["displayName"] == wanted.group(1).replace("''", "'")]
        return 200, {"value": [self._folder_json(f) for f in folders]}

    def get_folder(self, name_or_id: str) -> Answer:
        """GET mailFolders/{id or well-known name} (learn.microsoft.com/graph/api/mailfolder-get)."""
        return 200, self._folder_json(self._folders[self.folder_id(name_or_id)])

    def create_folder(self, body: Any) -> Answer:
        name = str((body or {}).get("displayName", "")).strip()
        if not name:
            raise GraphError(400, "ErrorInvalidRequest", "displayName is required.")
        if any(f["displayName"].lower() == name.lower() for f in self._folders.values()):
            raise GraphError(409, "ErrorFolderExists", "A folder with the specified name already exists.")
        folder_id = self._new_id("folder")
        folder: dict[str, Any] = {"id": folder_id, "displayName": name, "wellKnown": None}
        self._folders[folder_id] = folder
        return 201, self._folder_json(folder)

    def delta(self, folder: str, query: dict[str, str], page_size: int, text: bool) -> Answer:
        folder_id = self.folder_id(folder)
        if "$skiptoken" in query:
            state = _live(self._skip_tokens, query["$skiptoken"])
        else:
            if "$deltatoken" in query:
                since = _live(self._delta_tokens, query["$deltatoken"])
                watermark, select, created_only = since["watermark"], since["select"], since["created_only"]
                received = since["received"]
            else:
                watermark, select, created_only = 0, query.get("$select"), query.get("changeType") == "created"
                received = _received_filter(query.get("$filter"))
            items = [item for item in self._changes(folder_id, watermark, select, created_only, text)
                     if "@removed" in item or received(self._messages[item["id"]])]
            state = {"items": items, "end": self._seq, "select": select, "created_only": created_only,
                     "received": received}
        page, rest = state["items"][:page_size], state["items"][page_size:]
        link = f"{self._graph_url()}/users/{self.address}/mailFolders/{folder}/messages/delta"
        token = secrets.token_urlsafe(12)
        answer: dict[str, Any] = {"value": page}
        if rest:
            self._skip_tokens[token] = {**state, "items": rest, "expired": False}
            answer["@odata.nextLink"] = f"{link}?$skiptoken={token}"
        else:
            self._delta_tokens[token] = {
                "watermark": state["end"], "select": state["select"],
                "created_only": state["created_only"], "received": state["received"], "expired": False,
            }
            answer["@odata.deltaLink"] = f"{link}?$deltatoken={token}"
        return 200, answer

    def folder_id(self, name_or_id: str) -> str:
        if name_or_id in self._folders:
            return name_or_id
        for folder in self._folders.values():
            if folder["wellKnown"] == name_or_id.lower():
                return str(folder["id"])
        raise GraphError(404, "ErrorInvalidIdMalformed", "Folder not found.")

    # -- storage -------------------------------------------------------------------------------

    def _changes(
        self, folder_id: str, watermark: int, select: str | None, created_only: bool, text: bool
    ) -> list[dict[str, Any]]:
        def stamp(stored: _Stored) -> int:
            return stored.created_seq if created_only else stored.changed_seq

        changed = sorted(
            (s for s in self._messages.values() if s.folder == folder_id and stamp(s) > watermark), key=stamp
        )
        items = [_project(s, select, text=text) for s in changed]
        if not created_only and watermark:
            items += [
                {"id": mid, "@removed": {"reason": "deleted"}}
                for seq, fid, mid in self._removed
                if fid == folder_id and seq > watermark
            ]
        return items

    def _arrive(
        self, from_address: str, from_name: str | None, subject: str, body_html: str, unique_html: str,
        conversation_id: str, threading: dict[str, str], attachments: Attachments, headers: Headers,
        authentication: str,
    ) -> dict[str, Any]:
        now = _iso(self._clock())
        internet_id = f"<{secrets.token_hex(12)}@mail.example.test>"
        sender = {"emailAddress": {"name": from_name or from_address, "address": from_address}}
        extra = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        # The header firewall: what the sender wrote as an Exchange organisation header never arrives.
        extra = [(n, v) for n, v in extra if not n.lower().startswith(ORGANIZATION_HEADER_PREFIX)]
        names_values = receiver_stamps(from_address, authentication)
        names_values += [("Message-ID", internet_id), ("From", from_address), ("To", self.address), ("Subject", subject)]
        names_values += list(threading.items()) + extra
        files = [_attachment(item, self._new_id("att")) for item in attachments]
        data = {
            "id": self._new_id("msg"), "createdDateTime": now, "lastModifiedDateTime": now,
            "receivedDateTime": now, "sentDateTime": now, "hasAttachments": bool(files),
            "internetMessageId": internet_id, "subject": subject, "importance": "normal",
            "conversationId": conversation_id, "isRead": False, "isDraft": False,
            "body": {"contentType": "html", "content": body_html},
            "uniqueBody": {"contentType": "html", "content": unique_html},
            "from": sender, "sender": sender,
            "toRecipients": [{"emailAddress": {"name": "DHR chaser", "address": self.address}}],
            "ccRecipients": [],
            "internetMessageHeaders": [{"name": n, "value": v} for n, v in names_values],
        }
        return _copy(self._store(data, self.folder_id("inbox"), files).data)

    def _store(self, data: dict[str, Any], folder_id: str, attachments: list[dict[str, Any]] | None = None) -> _Stored:
        self._seq += 1
        data["parentFolderId"] = folder_id
        stored = _Stored(data, folder_id, self._seq, self._seq, attachments or [])
        self._messages[data["id"]] = stored
        return stored

    def _remove(self, message_id: str, stored: _Stored) -> None:
        del self._messages[message_id]
        self._seq += 1
        self._removed.append((self._seq, stored.folder, message_id))

    def _relocate(self, message_id: str, stored: _Stored, folder_id: str) -> _Stored:
        # Exchange gives a moved item a new id; internetMessageId stays.
        self._remove(message_id, stored)
        moved = self._store({**stored.data, "id": self._new_id("msg")}, folder_id, stored.attachments)
        moved.extended, moved.in_reply_to = stored.extended, stored.in_reply_to
        return moved

    def _message(self, message_id: str) -> _Stored:
        stored = self._messages.get(message_id)
        if stored is None:
            raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        return stored

    def _find(self, to_message: Mapping[str, Any] | str) -> dict[str, Any]:
        key = to_message if isinstance(to_message, str) else str(to_message.get("internetMessageId") or to_message.get("id"))
        for message in self.sent + [s.data for s in self._messages.values()]:
            if key in (message.get("internetMessageId"), message.get("id")):
                return message
        raise KeyError(f"FakeMicrosoft: no message with id or internetMessageId {key!r} to reply to")

    def _folder_json(self, folder: dict[str, Any]) -> dict[str, Any]:
        inside = [s for s in self._messages.values() if s.folder == folder["id"]]
        return {
            "id": folder["id"], "displayName": folder["displayName"], "parentFolderId": "AAMk-root",
            "childFolderCount": 0, "unreadItemCount": sum(1 for s in inside if not s.data["isRead"]),
            "totalItemCount": len(inside),
        }

    def _new_id(self, prefix: str) -> str:
        return f"AAMk-{prefix}-{next(self._ids):05d}-{secrets.token_hex(3)}"


ORGANIZATION_HEADER_PREFIX = "x-ms-exchange-organization-"
#: How Exchange Online Protection stamps an arriving mail, by what it found (fictional IPs from RFC 5737).
#: Its Authentication-Results carries no authserv-id and goes on top, above anything the sender
#: wrote (learn.microsoft.com/defender-office-365/message-headers-eop-mdo); "internal" is mail
#: sent by a user of the tenant itself, which gets no DMARC verdict but the AuthAs: Internal stamp.
_STAMPS = {
    "pass": ("spf=pass (sender IP is 198.51.100.20) smtp.mailfrom={d}; dkim=pass (signature was verified) "
             "header.d={d};dmarc=pass action=none header.from={d};compauth=pass reason=100", "Anonymous"),
    "fail": ("spf=fail (sender IP is 203.0.113.9) smtp.mailfrom={d}; dkim=none (message not signed) "
             "header.d=none;dmarc=fail action=quarantine header.from={d};compauth=fail reason=000", "Anonymous"),
    "none": ("spf=none (sender IP is 203.0.113.9) smtp.mailfrom={d}; dkim=none (message not signed) "
             "header.d=none;dmarc=none action=none header.from={d};compauth=fail reason=001", "Anonymous"),
    "internal": ("dkim=none (message not signed) header.d=none;dmarc=none action=none header.from={d};",
                 "Internal"),
}


def receiver_stamps(from_address: str, authentication: str) -> list[tuple[str, str]]:
    results, auth_as = _STAMPS[authentication]
    domain = from_address.rpartition("@")[2]
    return [("Authentication-Results", results.format(d=domain)), ("X-MS-Exchange-Organization-AuthAs", auth_as)]


def outlook_reply_headers(topic: str, *, has_attachments: bool) -> list[tuple[str, str]]:
    """The headers Outlook for Windows puts on a reply a person writes, beside the usual ones.

    X-Auto-Response-Suppress is among them: it asks the RECIPIENT's systems not to answer
    automatically ([MS-OXCMAIL] 2.1.3.2.20 from PidTagAutoResponseSuppress, [MS-OXOMSG]
    2.2.1.77), so on its own it says nothing about whether a person wrote the mail. Machine
    replies say so with Auto-Submitted (RFC 3834) and an "Automatic reply:" subject.
    """
    return [
        ("Thread-Topic", topic),
        ("Thread-Index", base64.b64encode(secrets.token_bytes(22)).decode("ascii")),
        ("Accept-Language", "en-GB, en-US"),
        ("Content-Language", "en-GB"),
        ("X-MS-Has-Attach", "yes" if has_attachments else ""),
        ("X-MS-TNEF-Correlator", ""),
        ("X-Auto-Response-Suppress", "All"),
    ]


def _filter(text: str) -> Callable[[_Stored], bool]:
    """The two $filter shapes the bot uses; anything else is refused as Graph refuses what it cannot run."""
    extended = _ANY_EXTENDED.fullmatch(text)
    if extended:
        prop_id, value = extended.group(2).replace("''", "'"), extended.group(3).replace("''", "'")
        return lambda s: s.extended.get(prop_id, "").casefold() == value.casefold() and prop_id in s.extended
    field_eq = _FIELD_EQ.fullmatch(text)
    if field_eq:
        name, value = field_eq.group(1), field_eq.group(2).replace("''", "'")
        return lambda s: s.data.get(name) == value
    raise GraphError(400, "ErrorInvalidUrlQueryFilter", f"The fake cannot evaluate $filter={text!r}.")


def _extended_properties(items: Any) -> dict[str, str]:
    extended: dict[str, str] = {}
    for prop in items if isinstance(items, list) else [None]:
        prop_id, value = str((prop or {}).get("id", "")), (prop or {}).get("value")
        if not EXTENDED_PROPERTY_ID.fullmatch(prop_id) or not isinstance(value, str):
            raise GraphError(400, "ErrorInvalidExtendedPropertyValue", "Bad extended property id or value.")
        extended[prop_id] = value
    return extended


def _address(recipient: Any) -> str:
    return str(((recipient or {}).get("emailAddress") or {}).get("address", ""))


def _received_filter(text: str | None) -> Callable[[_Stored], bool]:
    """The one $filter messages delta takes: receivedDateTime ge/gt an instant (kept in its links)."""
    if not text:
        return lambda s: True
    wanted = _RECEIVED_SINCE.fullmatch(text)
    if not wanted:
        raise GraphError(400, "ErrorInvalidUrlQueryFilter", "Delta takes only receivedDateTime ge/gt in $filter.")
    operator, since = wanted.group(1), _parse_iso(wanted.group(2))
    if operator == "ge":
        return lambda s: _parse_iso(s.data["receivedDateTime"]) >= since
    return lambda s: _parse_iso(s.data["receivedDateTime"]) > since


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _live(table: dict[str, dict[str, Any]], token: str) -> dict[str, Any]:
    state = table.get(token)
    if state is None or state["expired"]:
        raise GraphError(410, "SyncStateNotFound", "The sync state generation is not found; resync.")
    return state


def _project(stored: _Stored, select: str | None, *, text: bool) -> dict[str, Any]:
    data = _copy(stored.data)
    if select:
        wanted = {name.strip() for name in select.split(",")} | {"id"}
        data = {k: v for k, v in data.items() if k in wanted}
    else:
        for hidden in HIDDEN_UNLESS_SELECTED:
            data.pop(hidden, None)
    if text:
        for name in ("body", "uniqueBody"):
            if name in data and data[name].get("contentType") == "html":
                data[name] = {"contentType": "text", "content": _html_to_text(data[name]["content"])}
    return data


def _copy(data: dict[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(data))
    return copied


def _html_to_text(content: str) -> str:
    content = re.sub(r"<(br|/p|hr|/div)[^>]*>", "\n", content, flags=re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", "", content)).strip()


def _attachment(item: str | tuple[str, bytes], attachment_id: str) -> dict[str, Any]:
    name, content = (item, b"fictional attachment") if isinstance(item, str) else item
    return {
        "@odata.type": "#microsoft.graph.fileAttachment", "id": attachment_id, "name": name,
        "contentType": "application/octet-stream", "size": len(content), "isInline": False,
        "contentBytes": base64.b64encode(content).decode("ascii"),
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
