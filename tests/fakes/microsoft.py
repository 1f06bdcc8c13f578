"""A fake Microsoft identity platform and Microsoft Graph mail API, over HTTPS on 127.0.0.1.

msal accepts only https authorities, so the fake serves TLS with a throwaway CA made by trustme.

    with FakeMicrosoft() as fake:
        graph = GraphClient(fake.tenant_id, fake.client_id, fake.client_secret, fake.authority_url,
                            fake.graph_url, fake.mailbox, verify=fake.ca_path)
        ... send a chaser ...
        fake.deliver_reply(fake.sent[0], "priya.shah@police.example.org", "Done, policy signed off.")

`fake.env()` gives the same as environment settings (MS_*, GRAPH_API_URL, DHR_MAILBOX, plus
REQUESTS_CA_BUNDLE and SSL_CERT_FILE so msal/requests and httpx trust the fake's CA).
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
import secrets
import shutil
import ssl
import tempfile
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

import trustme

WELL_KNOWN_FOLDERS = {"inbox": "Inbox", "drafts": "Drafts", "sentitems": "Sent Items", "deleteditems": "Deleted Items"}
HIDDEN_UNLESS_SELECTED = ("internetMessageHeaders", "uniqueBody")


@dataclass(frozen=True)
class GraphCall:
    operation: str  # "token", "create_message", "send", "delta", ... (the names fail_next takes)
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int


@dataclass
class _Failure:
    status: int
    code: str
    retry_after: float | None
    remaining: int


@dataclass
class _Stored:
    data: dict[str, Any]
    folder: str
    created_seq: int
    changed_seq: int
    attachments: list[dict[str, Any]] = field(default_factory=list)


class GraphError(Exception):
    def __init__(self, status: int, code: str, message: str = "", headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.status, self.code, self.message, self.headers = status, code, message or code, headers or {}


class FakeMicrosoft:
    def __init__(
        self,
        *,
        tenant_id: str = "riverside-tenant",
        client_id: str = "dhr-chaser-app",
        client_secret: str = "fake-client-secret",
        mailbox: str = "dhr@riverside.example.gov.uk",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.tenant_id, self.client_id, self.client_secret, self.mailbox = tenant_id, client_id, client_secret, mailbox
        self._clock = clock
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._seq = 0
        self.token_requests = 0
        self._tokens: set[str] = set()
        self.calls: list[GraphCall] = []
        self.sent: list[dict[str, Any]] = []  # copies of messages as sent
        self.invalid_recipients: set[str] = set()  # /send answers 400 ErrorInvalidRecipients for these
        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._messages: dict[str, _Stored] = {}
        self._removed: list[tuple[int, str, str]] = []  # (seq, folder id, message id)
        self._folders: dict[str, dict[str, Any]] = {}
        for well_known, name in WELL_KNOWN_FOLDERS.items():
            self._folders[f"AAMk-{well_known}"] = {"id": f"AAMk-{well_known}", "displayName": name, "wellKnown": well_known}
        self._delta_tokens: dict[str, dict[str, Any]] = {}
        self._skip_tokens: dict[str, dict[str, Any]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._tmp: Path | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> FakeMicrosoft:
        ca = trustme.CA()
        self._tmp = Path(tempfile.mkdtemp(prefix="fake-microsoft-"))
        ca.cert_pem.write_to_path(str(self._tmp / "ca.pem"))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        handler = type("_BoundHandler", (_Handler,), {"fake": self})
        self._server = _TLSServer(("127.0.0.1", 0), handler, context)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> FakeMicrosoft:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "FakeMicrosoft is not started"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def authority_url(self) -> str:
        """MS_AUTHORITY_URL (without the tenant)."""
        return self.base_url

    @property
    def graph_url(self) -> str:
        """GRAPH_API_URL (with the version)."""
        return f"{self.base_url}/v1.0"

    @property
    def ca_path(self) -> str:
        assert self._tmp is not None, "FakeMicrosoft is not started"
        return str(self._tmp / "ca.pem")

    def env(self) -> dict[str, str]:
        return {
            "MS_TENANT_ID": self.tenant_id,
            "MS_CLIENT_ID": self.client_id,
            "MS_CLIENT_SECRET": self.client_secret,
            "MS_AUTHORITY_URL": self.authority_url,
            "GRAPH_API_URL": self.graph_url,
            "DHR_MAILBOX": self.mailbox,
            "REQUESTS_CA_BUNDLE": self.ca_path,
            "SSL_CERT_FILE": self.ca_path,
        }

    # -- steering ------------------------------------------------------------------------------

    def fail_next(
        self, operation: str, *, status: int = 429, retry_after: float | None = None, times: int = 1, code: str | None = None
    ) -> None:
        """Answer the next `times` calls of `operation` (see GraphCall.operation) with an error.

        429 and 503 carry Retry-After (1 s unless given), as Graph does when throttling.
        """
        if retry_after is None and status in (429, 503):
            retry_after = 1
        default_code = {429: "TooManyRequests", 503: "ServiceUnavailable", 401: "InvalidAuthenticationToken"}
        with self._lock:
            self._failures[operation].append(
                _Failure(status, code or default_code.get(status, "ErrorInternalServerError"), retry_after, times)
            )

    def expire_delta_links(self) -> None:
        """Every delta link handed out so far answers 410 Gone from now on."""
        with self._lock:
            for state in itertools.chain(self._delta_tokens.values(), self._skip_tokens.values()):
                state["expired"] = True

    def deliver_reply(
        self,
        to_message: Mapping[str, Any] | str,
        from_address: str,
        text: str,
        subject: str | None = None,
        attachments: Iterable[str | tuple[str, bytes]] = (),
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        from_name: str | None = None,
    ) -> dict[str, Any]:
        """Put a reply to a sent message into the Inbox, threaded as Outlook would thread it.

        `to_message` is a sent message (from `fake.sent`), its internetMessageId or its id.
        The body quotes the original below the reply; uniqueBody holds only the reply.
        """
        with self._lock:
            original = self._find_sent(to_message)
            original_id = original["internetMessageId"]
            quoted = f"<p>{html.escape(text)}</p><hr><p>From: {html.escape(self.mailbox)}</p>{original['body']['content']}"
            return self._arrive(
                from_address=from_address,
                from_name=from_name,
                subject=subject or f"RE: {original.get('subject', '')}",
                body_html=quoted,
                unique_html=f"<p>{html.escape(text)}</p>",
                conversation_id=original["conversationId"],
                threading={"In-Reply-To": original_id, "References": original_id},
                attachments=attachments,
                headers=headers,
            )

    def deliver_mail(
        self,
        from_address: str,
        subject: str,
        text: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        attachments: Iterable[str | tuple[str, bytes]] = (),
    ) -> dict[str, Any]:
        """Put a new (unthreaded) mail into the Inbox."""
        with self._lock:
            body = f"<p>{html.escape(text)}</p>"
            return self._arrive(
                from_address=from_address,
                from_name=None,
                subject=subject,
                body_html=body,
                unique_html=body,
                conversation_id=self._new_id("conv"),
                threading={},
                attachments=attachments,
                headers=headers,
            )

    # -- inspection ----------------------------------------------------------------------------

    def folder_messages(self, folder: str) -> list[dict[str, Any]]:
        with self._lock:
            folder_id = self._folder_id(folder)
            return [dict(s.data) for s in self._messages.values() if s.folder == folder_id]

    def folder_names(self) -> list[str]:
        with self._lock:
            return [f["displayName"] for f in self._folders.values()]

    def graph_calls(self, operation: str) -> list[GraphCall]:
        with self._lock:
            return [c for c in self.calls if c.operation == operation]

    # -- request handling ----------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(raw_path)
        segments = [unquote(s) for s in parts.path.split("/") if s]
        query = {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
        operation, action = self._route(method, segments)
        parsed_body: Any = _parse_body(body, headers)
        with self._lock:
            try:
                self._fail_if_asked(operation)
                if operation not in {"openid_configuration", "token"}:
                    self._authorise(headers)
                status, extra, answer = action(query=query, headers=headers, body=parsed_body)
            except GraphError as error:
                status, extra = error.status, error.headers
                answer = (
                    {"error": error.code, "error_description": error.message}
                    if operation == "token"
                    else {"error": {"code": error.code, "message": error.message}}
                )
            self.calls.append(GraphCall(operation, method, parts.path, query, headers, parsed_body, status))
        return status, extra, answer

    def _route(self, method: str, s: list[str]) -> tuple[str, Callable[..., tuple[int, dict[str, str], Any]]]:
        if len(s) == 4 and s[0] == self.tenant_id and s[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            return "openid_configuration", self._openid_configuration
        if len(s) == 4 and s[0] == self.tenant_id and s[1:] == ["oauth2", "v2.0", "token"] and method == "POST":
            return "token", self._token
        if len(s) >= 4 and s[:2] == ["v1.0", "users"]:
            if s[2].lower() != self.mailbox.lower():
                return "unknown_mailbox", _raiser(404, "ErrorInvalidUser", "The requested user is invalid.")
            rest, verb = s[3:], method
            if rest == ["messages"] and verb == "POST":
                return "create_message", self._create_message
            if len(rest) == 2 and rest[0] == "messages":
                handlers = {"GET": ("get_message", self._get_message), "PATCH": ("update_message", self._patch_message),
                            "DELETE": ("delete_message", self._delete_message)}
                if verb in handlers:
                    name, handler = handlers[verb]
                    return name, _bind(handler, rest[1])
            if len(rest) == 3 and rest[0] == "messages":
                actions = {("POST", "send"): ("send", self._send), ("GET", "attachments"): ("attachments", self._attachments),
                           ("POST", "move"): ("move", self._move)}
                if (verb, rest[2]) in actions:
                    name, handler = actions[(verb, rest[2])]
                    return name, _bind(handler, rest[1])
            if rest == ["mailFolders"]:
                return ("mail_folders", self._list_folders) if verb == "GET" else ("create_folder", self._create_folder)
            if len(rest) == 4 and rest[0] == "mailFolders" and rest[2:] == ["messages", "delta"] and verb == "GET":
                return "delta", _bind(self._delta, _folder_name(rest[1]))
            if len(rest) == 3 and rest[0] == "mailFolders" and rest[2] == "messages" and verb == "GET":
                return "list_messages", _bind(self._list_messages, _folder_name(rest[1]))
        return "unknown", _raiser(404, "ResourceNotFound", "Resource not found for the segment.")

    def _fail_if_asked(self, operation: str) -> None:
        queue = self._failures.get(operation)
        if not queue:
            return
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.popleft()
        extra = {"Retry-After": str(int(failure.retry_after))} if failure.retry_after is not None else {}
        raise GraphError(failure.status, failure.code, "injected failure", extra)

    def _authorise(self, headers: dict[str, str]) -> None:
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self._tokens:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")

    # -- identity platform ---------------------------------------------------------------------

    def _openid_configuration(self, **_: Any) -> tuple[int, dict[str, str], Any]:
        root = f"{self.base_url}/{self.tenant_id}"
        return 200, {}, {
            "issuer": f"{root}/v2.0",
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "jwks_uri": f"{root}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def _token(self, body: Any, **_: Any) -> tuple[int, dict[str, str], Any]:
        self.token_requests += 1
        form = body if isinstance(body, dict) else {}
        if form.get("grant_type") != "client_credentials":
            raise GraphError(400, "unsupported_grant_type", "AADSTS70003: only client_credentials is supported here.")
        if form.get("client_id") != self.client_id:
            raise GraphError(400, "unauthorized_client", "AADSTS700016: Application not found in the directory.")
        if form.get("client_secret") != self.client_secret:
            raise GraphError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        if not any(scope.endswith("/.default") for scope in str(form.get("scope", "")).split()):
            raise GraphError(400, "invalid_scope", "AADSTS1002012: client credentials need a /.default scope.")
        token = f"fake-graph-token-{secrets.token_hex(8)}"
        self._tokens.add(token)
        return 200, {}, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}

    # -- messages ------------------------------------------------------------------------------

    def _create_message(self, body: Any, **_: Any) -> tuple[int, dict[str, str], Any]:
        if not isinstance(body, dict):
            raise GraphError(400, "RequestBodyRead", "Expected a JSON object.")
        for header in body.get("internetMessageHeaders", []):
            if not str(header.get("name", "")).lower().startswith("x-"):
                raise GraphError(400, "InvalidInternetMessageHeader", "Only x- headers may be set.")
        now = _iso(self._clock())
        data = {
            "id": self._new_id("msg"),
            "createdDateTime": now,
            "lastModifiedDateTime": now,
            "receivedDateTime": now,
            "sentDateTime": None,
            "hasAttachments": False,
            "internetMessageId": f"<{secrets.token_hex(12)}@fake.outlook.test>",
            "subject": body.get("subject", ""),
            "importance": "normal",
            "conversationId": self._new_id("conv"),
            "isRead": True,
            "isDraft": True,
            "body": body.get("body", {"contentType": "text", "content": ""}),
            "from": {"emailAddress": {"name": "DHR chaser", "address": self.mailbox}},
            "toRecipients": body.get("toRecipients", []),
            "ccRecipients": body.get("ccRecipients", []),
            "internetMessageHeaders": body.get("internetMessageHeaders", []),
        }
        data["uniqueBody"] = data["body"]
        stored = self._store(data, self._folder_id("drafts"))
        return 201, {}, self._project(stored, None, text=False)

    def _get_message(self, message_id: str, query: dict[str, str], headers: dict[str, str], **_: Any) -> tuple[int, dict[str, str], Any]:
        stored = self._message(message_id)
        return 200, {}, self._project(stored, query.get("$select"), text=_wants_text(headers))

    def _patch_message(self, message_id: str, body: Any, **_: Any) -> tuple[int, dict[str, str], Any]:
        stored = self._message(message_id)
        allowed = {"isRead", "categories", "flag", "importance"} | ({"subject", "body", "toRecipients", "ccRecipients"} if stored.data["isDraft"] else set())
        for name, value in (body or {}).items():
            if name not in allowed:
                raise GraphError(400, "ErrorInvalidPropertyUpdateSentMessage", f"{name} cannot be changed.")
            stored.data[name] = value
        self._seq += 1
        stored.changed_seq = self._seq
        return 200, {}, self._project(stored, None, text=False)

    def _delete_message(self, message_id: str, **_: Any) -> tuple[int, dict[str, str], Any]:
        stored = self._message(message_id)
        self._remove(message_id, stored)
        return 204, {}, None

    def _send(self, message_id: str, **_: Any) -> tuple[int, dict[str, str], Any]:
        stored = self._message(message_id)
        if not stored.data["isDraft"]:
            raise GraphError(400, "ErrorInvalidOperation", "The message has already been sent.")
        recipients = [r["emailAddress"]["address"] for r in stored.data["toRecipients"] + stored.data["ccRecipients"]]
        if not recipients or any(a.lower() in {i.lower() for i in self.invalid_recipients} for a in recipients):
            raise GraphError(400, "ErrorInvalidRecipients", "At least one recipient is not valid.")
        moved = self._relocate(message_id, stored, self._folder_id("sentitems"))
        moved.data.update(isDraft=False, sentDateTime=_iso(self._clock()))
        self.sent.append(json.loads(json.dumps(moved.data)))
        return 202, {}, None

    def _attachments(self, message_id: str, **_: Any) -> tuple[int, dict[str, str], Any]:
        return 200, {}, {"value": [dict(a) for a in self._message(message_id).attachments]}

    def _move(self, message_id: str, body: Any, **_: Any) -> tuple[int, dict[str, str], Any]:
        stored = self._message(message_id)
        destination = self._folder_id(str((body or {}).get("destinationId", "")))
        return 201, {}, self._project(self._relocate(message_id, stored, destination), None, text=False)

    def _list_messages(self, folder: str, query: dict[str, str], headers: dict[str, str], **_: Any) -> tuple[int, dict[str, str], Any]:
        folder_id = self._folder_id(folder)
        items = [s for s in self._messages.values() if s.folder == folder_id]
        return 200, {}, {"value": [self._project(s, query.get("$select"), text=_wants_text(headers)) for s in items]}

    # -- folders -------------------------------------------------------------------------------

    def _list_folders(self, query: dict[str, str], **_: Any) -> tuple[int, dict[str, str], Any]:
        folders = list(self._folders.values())
        wanted = re.fullmatch(r"displayName eq '((?:[^']|'')*)'", query.get("$filter", ""))
        if wanted:
            name = wanted.group(1).replace("''", "'")
            folders = [f for f in folders if f["displayName"] == name]
        elif query.get("$filter"):
            raise GraphError(400, "ErrorInvalidUrlQueryFilter", "The fake understands only displayName eq '...'.")
        return 200, {}, {"value": [self._folder_json(f) for f in folders]}

    def _create_folder(self, body: Any, **_: Any) -> tuple[int, dict[str, str], Any]:
        name = str((body or {}).get("displayName", "")).strip()
        if not name:
            raise GraphError(400, "ErrorInvalidRequest", "displayName is required.")
        if any(f["displayName"].lower() == name.lower() for f in self._folders.values()):
            raise GraphError(409, "ErrorFolderExists", "A folder with the specified name already exists.")
        folder = {"id": self._new_id("folder"), "displayName": name, "wellKnown": None}
        self._folders[folder["id"]] = folder
        return 201, {}, self._folder_json(folder)

    def _folder_json(self, folder: dict[str, Any]) -> dict[str, Any]:
        inside = [s for s in self._messages.values() if s.folder == folder["id"]]
        return {
            "id": folder["id"],
            "displayName": folder["displayName"],
            "parentFolderId": "AAMk-root",
            "childFolderCount": 0,
            "unreadItemCount": sum(1 for s in inside if not s.data["isRead"]),
            "totalItemCount": len(inside),
        }

    def _folder_id(self, name_or_id: str) -> str:
        if name_or_id in self._folders:
            return name_or_id
        for folder in self._folders.values():
            if folder["wellKnown"] == name_or_id.lower():
                return str(folder["id"])
        raise GraphError(404, "ErrorInvalidIdMalformed", "Folder not found.")

    # -- delta ---------------------------------------------------------------------------------

    def _delta(self, folder: str, query: dict[str, str], headers: dict[str, str], **_: Any) -> tuple[int, dict[str, str], Any]:
        folder_id = self._folder_id(folder)
        page_size = _max_page_size(headers)
        if "$skiptoken" in query:
            state = self._sync_state(self._skip_tokens, query["$skiptoken"])
        else:
            if "$deltatoken" in query:
                since = self._sync_state(self._delta_tokens, query["$deltatoken"])
                watermark, select, created_only = since["watermark"], since["select"], since["created_only"]
            else:
                watermark, select, created_only = 0, query.get("$select"), query.get("changeType") == "created"
            state = {"items": self._changes(folder_id, watermark, select, created_only, _wants_text(headers)),
                     "end": self._seq, "select": select, "created_only": created_only, "expired": False}
        page, rest = state["items"][:page_size], state["items"][page_size:]
        link = f"{self.graph_url}/users/{self.mailbox}/mailFolders/{folder}/messages/delta"
        answer: dict[str, Any] = {"value": page}
        if rest:
            token = secrets.token_urlsafe(12)
            self._skip_tokens[token] = {**state, "items": rest}
            answer["@odata.nextLink"] = f"{link}?$skiptoken={token}"
        else:
            token = secrets.token_urlsafe(12)
            self._delta_tokens[token] = {"watermark": state["end"], "select": state["select"],
                                         "created_only": state["created_only"], "expired": False}
            answer["@odata.deltaLink"] = f"{link}?$deltatoken={token}"
        return 200, {}, answer

    def _sync_state(self, table: dict[str, dict[str, Any]], token: str) -> dict[str, Any]:
        state = table.get(token)
        if state is None or state["expired"]:
            raise GraphError(410, "SyncStateNotFound", "The sync state generation is not found; resync.")
        return state

    def _changes(self, folder_id: str, watermark: int, select: str | None, created_only: bool, text: bool) -> list[dict[str, Any]]:
        stamp = (lambda s: s.created_seq) if created_only else (lambda s: s.changed_seq)
        changed = sorted((s for s in self._messages.values() if s.folder == folder_id and stamp(s) > watermark), key=stamp)
        items = [self._project(s, select, text=text) for s in changed]
        if not created_only and watermark:
            items += [{"id": mid, "@removed": {"reason": "deleted"}} for seq, fid, mid in self._removed if fid == folder_id and seq > watermark]
        return items

    # -- storage helpers -----------------------------------------------------------------------

    def _arrive(self, *, from_address: str, from_name: str | None, subject: str, body_html: str, unique_html: str,
                conversation_id: str, threading: dict[str, str], attachments: Iterable[str | tuple[str, bytes]],
                headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, Any]:
        now = _iso(self._clock())
        internet_id = f"<{secrets.token_hex(12)}@mail.example.test>"
        sender = {"emailAddress": {"name": from_name or from_address, "address": from_address}}
        extra = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        header_list = [{"name": "Message-ID", "value": internet_id}, {"name": "From", "value": from_address},
                       {"name": "To", "value": self.mailbox}, {"name": "Subject", "value": subject}]
        header_list += [{"name": k, "value": v} for k, v in threading.items()]
        header_list += [{"name": k, "value": v} for k, v in extra]
        files = [_attachment(a, self._new_id("att")) for a in attachments]
        data = {
            "id": self._new_id("msg"), "createdDateTime": now, "lastModifiedDateTime": now, "receivedDateTime": now,
            "sentDateTime": now, "hasAttachments": bool(files), "internetMessageId": internet_id, "subject": subject,
            "importance": "normal", "conversationId": conversation_id, "isRead": False, "isDraft": False,
            "body": {"contentType": "html", "content": body_html},
            "uniqueBody": {"contentType": "html", "content": unique_html},
            "from": sender, "sender": sender,
            "toRecipients": [{"emailAddress": {"name": "DHR chaser", "address": self.mailbox}}], "ccRecipients": [],
            "internetMessageHeaders": header_list,
        }
        stored = self._store(data, self._folder_id("inbox"), files)
        return json.loads(json.dumps(stored.data))

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
        data = {**stored.data, "id": self._new_id("msg")}
        return self._store(data, folder_id, stored.attachments)

    def _message(self, message_id: str) -> _Stored:
        stored = self._messages.get(message_id)
        if stored is None:
            raise GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")
        return stored

    def _find_sent(self, to_message: Mapping[str, Any] | str) -> dict[str, Any]:
        key = to_message if isinstance(to_message, str) else str(to_message.get("internetMessageId") or to_message.get("id"))
        candidates = self.sent + [s.data for s in self._messages.values()]
        for message in candidates:
            if key in (message.get("internetMessageId"), message.get("id")):
                return message
        raise KeyError(f"FakeMicrosoft: no message with id or internetMessageId {key!r} to reply to")

    def _project(self, stored: _Stored, select: str | None, *, text: bool) -> dict[str, Any]:
        data = json.loads(json.dumps(stored.data))
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

    def _new_id(self, prefix: str) -> str:
        return f"AAMk-{prefix}-{next(self._ids):05d}-{secrets.token_hex(3)}"


def _bind(function: Callable[..., Any], argument: str) -> Callable[..., Any]:
    return lambda **kwargs: function(argument, **kwargs)


def _raiser(status: int, code: str, message: str) -> Callable[..., Any]:
    def answer(**_: Any) -> Any:
        raise GraphError(status, code, message)

    return answer


def _folder_name(segment: str) -> str:
    match = re.fullmatch(r"\w+\('([^']*)'\)", segment)  # mailFolders('Inbox') arrives as one segment
    return match.group(1) if match else segment


def _wants_text(headers: dict[str, str]) -> bool:
    return 'outlook.body-content-type="text"' in headers.get("prefer", "")


def _max_page_size(headers: dict[str, str]) -> int:
    match = re.search(r"odata\.maxpagesize=(\d+)", headers.get("prefer", ""))
    return max(int(match.group(1)), 1) if match else 10


def _html_to_text(content: str) -> str:
    content = re.sub(r"<(br|/p|hr|/div)[^>]*>", "\n", content, flags=re.IGNORECASE)
    return html.unescape(re.sub(r"<[^>]+>", "", content)).strip()


def _attachment(item: str | tuple[str, bytes], attachment_id: str) -> dict[str, Any]:
    name, content = (item, b"fake attachment") if isinstance(item, str) else item
    return {"@odata.type": "#microsoft.graph.fileAttachment", "id": attachment_id, "name": name,
            "contentType": "application/octet-stream", "size": len(content), "isInline": False,
            "contentBytes": base64.b64encode(content).decode("ascii")}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_body(body: bytes, headers: dict[str, str]) -> Any:
    if not body:
        return None
    if headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {k: v[-1] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError:
        return body.decode("utf-8", errors="replace")


class _TLSServer(ThreadingHTTPServer):
    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], context: ssl.SSLContext) -> None:
        super().__init__(address, handler)
        self.context = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs here, in the connection's own thread, so a slow client never
        # holds up the accept loop.
        try:
            secure = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(secure, client_address)
        finally:
            try:
                secure.close()
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    fake: FakeMicrosoft
    protocol_version = "HTTP/1.1"
    timeout = 10

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def _serve(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        status, extra, answer = self.fake.handle(self.command, self.path, headers, body)
        payload = b"" if answer is None else json.dumps(answer).encode("utf-8")
        self.send_response(status)
        if payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass
