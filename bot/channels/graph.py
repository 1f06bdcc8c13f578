"""A small Microsoft Graph mail client: app-only token from msal, plain HTTPS calls with httpx.

Only what the bot needs: create a draft (or a reply draft) and send it (so we keep its ids; sendMail returns none),
find a sent message again by the extended property set on its draft, read the Inbox by delta
query, read one message's headers and unique body, list attachment names, mark read, and file
handled mail into a folder.
"""

from __future__ import annotations

import base64
import ssl
import threading
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import msal
import requests
from msal.exceptions import MsalServiceError

from bot.channels.base import (
    MESSAGE_ID_HEADER,
    REF_HEADER,
    DeliveryError,
    Envelope,
    parse_retry_after,
    subject_with_ref,
)

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
HANDLED_FOLDER = "DHR handled"
TEXT_BODY_PREFER = 'outlook.body-content-type="text"'
DEFAULT_MESSAGE_SELECT = (
    "id",
    "subject",
    "from",
    "receivedDateTime",
    "internetMessageId",
    "conversationId",
    "internetMessageHeaders",
    "uniqueBody",
    "hasAttachments",
    "isRead",
)
DELTA_SELECT = (
    "id",
    "subject",
    "from",
    "receivedDateTime",
    "internetMessageId",
    "conversationId",
    "hasAttachments",
    "isRead",
)
#: Graph takes a file attachment in a single POST only when it is under 3 MB.
ATTACHMENT_POST_LIMIT = 3 * 1024 * 1024
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Token errors that a retry cannot fix: the app registration or secret is wrong.
PERMANENT_TOKEN_ERRORS = frozenset(
    {"invalid_client", "unauthorized_client", "invalid_request", "invalid_scope", "invalid_grant"}
)
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: A named MAPI string property of our own, set on every draft to find the mail again after a crash.
#: Custom internetMessageHeaders cannot serve: Exchange drops them from the Sent Items copy
#: (microsoftgraph/microsoft-graph-docs issues #2716, #12726). An extended property stays on the
#: item through send and can be searched with $filter in any folder, however many mails there are
#: (learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-post-singlevalueextendedproperties,
#: learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get, "Get resource instances
#: that match a filter on an extended property").
DHR_KEY_PROPERTY = "String {6b1f4b52-8d2e-4f3a-9a57-3c1d0e8f2a64} Name DhrMessageKey"


class GraphClient:
    """Graph calls for one mailbox (DHR_MAILBOX), authenticated as the app (client credentials).

    `authority_url` is MS_AUTHORITY_URL without the tenant (https://login.microsoftonline.com);
    `graph_url` is GRAPH_API_URL including the version (https://graph.microsoft.com/v1.0).
    `verify` is True or a CA bundle path (tests point it at the fake's CA); it is given to both msal
    and httpx. One msal application per client, created on first use, so its token cache is reused.
    """

    def __init__(
        self,
        tenant_id: str,
        client_id: str,
        client_secret: str,
        authority_url: str,
        graph_url: str,
        mailbox: str,
        http: httpx.Client | None = None,
        *,
        verify: bool | str = True,
        timeout: float = 30.0,
        scope: str = GRAPH_SCOPE,
    ) -> None:
        self.tenant_id = tenant_id
        self.client_id = client_id
        self._client_secret = client_secret
        self.authority = f"{authority_url.rstrip('/')}/{tenant_id}"
        self.graph_url = graph_url.rstrip("/")
        self.mailbox = mailbox
        self.scope = scope
        self._verify = verify
        self._timeout = timeout
        self._http = http or httpx.Client(timeout=timeout, verify=_ssl_verify(verify))
        self._owns_http = http is None
        self._app: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()
        self._folder_ids: dict[str, str] = {}

    # -- sending -------------------------------------------------------------------------------

    def create_message(self, envelope: Envelope) -> dict[str, Any]:
        """Create a draft in the mailbox; the answer carries id, conversationId, internetMessageId."""
        return self._json("POST", self._mailbox_url("messages"), json=_draft_fields(envelope), expected=(201, 200))

    def create_reply(self, original_id: str, envelope: Envelope) -> dict[str, Any]:
        """A reply draft to the received message `original_id`, so Outlook threads it under that mail.

        createReply makes the draft in the original's conversation, with In-Reply-To and References
        set from it; a PATCH then gives it our subject, body, recipients and the DhrMessageKey
        extended property (set on an existing item by PATCH), replacing the quoted history: the
        least data goes out (learn.microsoft.com/graph/api/message-createreply, "You can update the
        draft later"; learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-post-
        singlevalueextendedproperties). The update documents no internetMessageHeaders, so a reply
        carries none of our x- headers; nothing relies on them (see DHR_KEY_PROPERTY).
        """
        draft = self._json("POST", self._message_url(original_id, "createReply"), json={}, expected=(201, 200))
        fields = _draft_fields(envelope)
        fields.pop("internetMessageHeaders")
        return self._json("PATCH", self._message_url(str(draft["id"])), json=fields, expected=(200,))

    def add_file_attachment(self, message_id: str, name: str, content: bytes, content_type: str) -> None:
        """Attach a file under 3 MB to a draft in one request (bigger files need an upload session:
        learn.microsoft.com/graph/api/message-post-attachments, learn.microsoft.com/graph/outlook-large-attachments)."""
        payload = {
            "@odata.type": "#microsoft.graph.fileAttachment",
            "name": name,
            "contentType": content_type,
            "contentBytes": base64.b64encode(content).decode("ascii"),
        }
        self._request("POST", self._message_url(message_id, "attachments"), json=payload, expected=(201, 200))

    def send_message(self, message_id: str) -> None:
        self._request("POST", self._message_url(message_id, "send"), expected=(202, 200, 204))

    def delete_message(self, message_id: str) -> None:
        self._request("DELETE", self._message_url(message_id), expected=(204, 200))

    # -- reading -------------------------------------------------------------------------------

    def get_message(self, message_id: str, select: tuple[str, ...] | str = DEFAULT_MESSAGE_SELECT) -> dict[str, Any]:
        """One message with its headers and the text unique to it (Exchange drops quoted history)."""
        fields = select if isinstance(select, str) else ",".join(select)
        return self._json(
            "GET",
            self._message_url(message_id),
            params={"$select": fields},
            headers={"Prefer": TEXT_BODY_PREFER},
        )

    def inbox_delta(
        self, delta_link: str | None = None, *, page_size: int = 50, received_since: datetime | None = None
    ) -> tuple[list[dict[str, Any]], str]:
        """Messages new in the Inbox since `delta_link` (all of them when None), and the next link.

        Pages are followed to the end. An expired link (410 Gone) restarts a full sync, so the
        caller must tolerate seeing a message again (match on internetMessageId). Removed items
        (`@removed`) are left out. A full sync (first or after 410) asks only for mail received
        at or after `received_since`: messages delta takes `$filter=receivedDateTime ge ...` on
        its first request and keeps it in the links it returns
        (learn.microsoft.com/graph/api/message-delta, "Query parameters").
        """
        try:
            return self._delta_round(delta_link, page_size, received_since)
        except _DeltaExpired:
            if delta_link is None:
                raise DeliveryError("Graph delta expired on a fresh sync", permanent=False, code="http_410") from None
            return self._delta_round(None, page_size, received_since)

    def find_by_key(self, folder: str, key: str) -> list[dict[str, Any]]:
        """Messages in a well-known folder (`sentitems`, `drafts`) whose DhrMessageKey is `key`.

        A server-side $filter on the extended property: it finds the mail among any number of
        others, where paging through the newest N would miss it.
        """
        escaped_key = key.replace("'", "''")
        query = {
            "$filter": (
                f"singleValueExtendedProperties/Any(ep: ep/id eq '{DHR_KEY_PROPERTY}' and ep/value eq '{escaped_key}')"
            ),
            "$select": "id,conversationId,internetMessageId,sentDateTime,isDraft",
            "$top": "5",
        }
        answer = self._json("GET", self._mailbox_url(f"mailFolders/{folder}/messages"), params=query)
        return list(answer.get("value", []))

    def list_attachments(self, message_id: str) -> list[str]:
        data = self._json("GET", self._message_url(message_id, "attachments"), params={"$select": "id,name"})
        return [str(item.get("name", "")) for item in data.get("value", [])]

    # -- filing --------------------------------------------------------------------------------

    def mark_read(self, message_id: str) -> None:
        self._request("PATCH", self._message_url(message_id), json={"isRead": True}, expected=(200,))

    def move_to(self, message_id: str, folder_name: str = HANDLED_FOLDER) -> dict[str, Any]:
        """Move a message to a top-level folder (created when missing). The moved copy has a new id."""
        destination = self.folder_id(folder_name)
        return self._json(
            "POST", self._message_url(message_id, "move"), json={"destinationId": destination}, expected=(201, 200)
        )

    def folder_id(self, name: str) -> str:
        """Id of the top-level mail folder called `name`, creating it on first use."""
        cached = self._folder_ids.get(name)
        if cached:
            return cached
        folder = self._find_folder(name)
        if folder is None:
            response = self._request(
                "POST", self._mailbox_url("mailFolders"), json={"displayName": name}, expected=(201, 200, 409)
            )
            # 409: another worker created it between our look-up and create.
            folder = response.json() if response.status_code != 409 else self._find_folder(name)
            if folder is None:
                raise DeliveryError(f"Graph folder {name!r} could not be created", permanent=False)
        self._folder_ids[name] = str(folder["id"])
        return self._folder_ids[name]

    def probe(self) -> None:
        """Whether the app can still reach the mailbox: a token fetched afresh from the token endpoint
        (msal's cache would hide an expired or replaced secret for up to an hour) and one small read
        (the Inbox's id), which a withdrawn mailbox permission refuses with 403 ErrorAccessDenied."""
        with self._lock:
            self._app = None
        self._json("GET", self._mailbox_url("mailFolders/inbox"), params={"$select": "id"})

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    # -- internals -----------------------------------------------------------------------------

    def _find_folder(self, name: str) -> dict[str, Any] | None:
        escaped = name.replace("'", "''")
        data = self._json(
            "GET", self._mailbox_url("mailFolders"), params={"$filter": f"displayName eq '{escaped}'"}
        )
        matches = [f for f in data.get("value", []) if f.get("displayName") == name]
        return matches[0] if matches else None

    def _delta_round(
        self, delta_link: str | None, page_size: int, received_since: datetime | None
    ) -> tuple[list[dict[str, Any]], str]:
        url = delta_link or self._mailbox_url("mailFolders('Inbox')/messages/delta")
        params: dict[str, str] | None = None
        if delta_link is None:
            params = {"$select": ",".join(DELTA_SELECT), "changeType": "created"}
            if received_since is not None:
                since = received_since if received_since.tzinfo else received_since.replace(tzinfo=UTC)
                params["$filter"] = f"receivedDateTime ge {since.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}"
        messages: list[dict[str, Any]] = []
        while True:
            response = self._request(
                "GET",
                url,
                params=params,
                headers={"Prefer": f"odata.maxpagesize={page_size}"},
                expected=(200, 410),
            )
            if response.status_code == 410:
                raise _DeltaExpired()
            page = response.json()
            messages.extend(item for item in page.get("value", []) if "@removed" not in item)
            if "@odata.nextLink" in page:
                url, params = str(page["@odata.nextLink"]), None
                continue
            if "@odata.deltaLink" in page:
                return messages, str(page["@odata.deltaLink"])
            raise DeliveryError("Graph delta page had neither nextLink nor deltaLink", permanent=False)

    def _mailbox_url(self, path: str) -> str:
        return f"{self.graph_url}/users/{quote(self.mailbox, safe='@')}/{path}"

    def _message_url(self, message_id: str, action: str | None = None) -> str:
        url = self._mailbox_url(f"messages/{quote(message_id, safe='')}")
        return f"{url}/{action}" if action else url

    def _json(self, method: str, url: str, **kwargs: Any) -> dict[str, Any]:
        response = self._request(method, url, **kwargs)
        data = response.json()
        if not isinstance(data, dict):
            raise DeliveryError(f"Graph {method} answered with non-object JSON", permanent=False)
        return data

    def _request(
        self,
        method: str,
        url: str,
        *,
        expected: tuple[int, ...] = (200,),
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        all_headers = {"Authorization": f"Bearer {self._token()}", **(headers or {})}
        try:
            response = self._http.request(method, url, headers=all_headers, **kwargs)
        except httpx.TransportError as error:
            raise DeliveryError(
                f"Graph {method} unreachable: {type(error).__name__}", permanent=False, code="connection_error"
            ) from error
        if response.status_code in expected:
            return response
        if response.status_code == 401:
            with self._lock:
                self._app = None  # a refused token is not asked for again from msal's cache
        raise delivery_error_from_graph(response, method)

    def _token(self) -> str:
        with self._lock:
            try:
                if self._app is None:
                    self._app = msal.ConfidentialClientApplication(
                        self.client_id,
                        client_credential=self._client_secret,
                        authority=self.authority,
                        instance_discovery=False,
                        verify=self._verify,
                        timeout=self._timeout,
                    )
                result = self._app.acquire_token_for_client(scopes=[self.scope])
            except requests.RequestException as error:
                raise DeliveryError(
                    f"Microsoft login unreachable: {type(error).__name__}", permanent=False, code="connection_error"
                ) from error
            except MsalServiceError as error:  # msal raises on 5xx from the token endpoint
                raise DeliveryError(
                    f"Microsoft login failed: {error}", permanent=False, code="login_unavailable"
                ) from error
            except ValueError as error:  # authority discovery refused (unknown tenant, bad URL)
                raise DeliveryError(
                    f"Microsoft authority {self.authority} rejected: {error}", permanent=True, code="bad_authority"
                ) from error
        if "access_token" in result:
            return str(result["access_token"])
        oauth_error = str(result.get("error", "unknown_error"))
        raise DeliveryError(
            f"Microsoft token request failed: {oauth_error}", permanent=oauth_error in PERMANENT_TOKEN_ERRORS,
            code=token_error_code(result),
        )


def token_error_code(result: dict[str, Any]) -> str:
    """The short code of a refused token request: `AADSTS7000222` (secret expired) says more than
    the OAuth `invalid_client` it comes with, so the first AADSTS number wins when the answer has
    one (`error_codes`, learn.microsoft.com/entra/identity-platform/reference-error-codes). Never
    the description, which may quote request details."""
    codes = result.get("error_codes")
    if isinstance(codes, list) and codes and isinstance(codes[0], int):
        return f"AADSTS{codes[0]}"
    return str(result.get("error", "unknown_error"))


def _draft_fields(envelope: Envelope) -> dict[str, Any]:
    headers = [{"name": MESSAGE_ID_HEADER, "value": str(envelope.message_id)}]
    if envelope.ref_token:
        headers.append({"name": REF_HEADER, "value": envelope.ref_token})
    if envelope.html:
        body = {"contentType": "html", "content": envelope.html}
    else:
        body = {"contentType": "text", "content": envelope.text}
    to: dict[str, Any] = {"address": envelope.to_address}
    if envelope.to_name:
        to["name"] = envelope.to_name
    return {
        "subject": subject_with_ref(envelope.subject, envelope.ref_token),
        "body": body,
        "toRecipients": [{"emailAddress": to}],
        "ccRecipients": [{"emailAddress": {"address": address}} for address in envelope.cc],
        "internetMessageHeaders": headers,
        "singleValueExtendedProperties": [{"id": DHR_KEY_PROPERTY, "value": message_key(envelope)}],
    }


def message_key(envelope: Envelope) -> str:
    """The DhrMessageKey of one outbox message: its row id and reply token, so a database started
    afresh (ids from 1 again) cannot mistake an old mail in Sent Items for a new one."""
    return f"dhr:{envelope.message_id}:{envelope.ref_token or '-'}"


class _DeltaExpired(Exception):
    """The stored delta link is no longer valid (HTTP 410); start a full sync."""


def delivery_error_from_graph(response: httpx.Response, method: str) -> DeliveryError:
    status = response.status_code
    code = f"http_{status}"
    try:
        error = response.json().get("error", {})
        code = str(error.get("code") or code)
    except (ValueError, AttributeError):
        pass
    retry_after = parse_retry_after(response.headers.get("Retry-After"))
    transient = status in TRANSIENT_STATUSES
    return DeliveryError(
        f"Graph {method} failed: {code} (HTTP {status})",
        permanent=not transient,
        retry_after=retry_after if transient else None,
        code=code,
        rate_limited=status == 429,
    )


def _ssl_verify(verify: bool | str) -> bool | ssl.SSLContext:
    # httpx 0.28 deprecates verify=<path>; an SSL context is the supported way to add a CA.
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    return verify
