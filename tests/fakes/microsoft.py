"""A fake Microsoft identity platform and Microsoft Graph mail API, over HTTPS on 127.0.0.1.

msal accepts only https authorities, so the fake serves TLS with a throwaway CA made by trustme.

    with FakeMicrosoft() as fake:
        graph = GraphClient(fake.tenant_id, fake.client_id, fake.client_secret, fake.authority_url,
                            fake.graph_url, fake.mailbox, verify=fake.ca_path)
        ... send a chaser ...
        fake.deliver_reply(fake.sent[0], "priya.shah@police.example.org", "Done, policy signed off.")

Sent mail reaches Sent Items `sent_copy_delay` after /send, without its custom headers (see
graph_mail.py for the documentation behind each behaviour). Injected 429/503 answers carry
Retry-After as given, fractions included: RFC 9110 defines whole seconds, but clients meet
fractional values from proxies and gateways, so ours must read them (and not retry early).

Exchange Online's limits on the mailbox, as documented, answer 429 + Retry-After:
- At most 4 requests at once per app and mailbox ("Outlook service limits",
  learn.microsoft.com/graph/throttling-limits#outlook-service-limits); a fifth is refused with
  `ApplicationThrottled`, "Application is over its MailboxConcurrency limit." (the error Outlook
  gives, e.g. learn.microsoft.com/answers/questions/1660054). Always on.
- `limit_sending(30, timedelta(minutes=1))`: at most that many `/send` per rolling window, Exchange
  Online's "Message rate limit" of 30 messages per minute per mailbox
  (learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/
  exchange-online-limits#sending-limits). Stricter than the service on purpose: Exchange carries
  mail beyond the limit over to the following minutes, so the fake refuses it instead, with the
  seconds until the window has room, and a pacing breach shows as a counted 429. Off by default;
  benchmarks scale the window down (30 per 6 s).

`fake.env()` gives the same as environment settings (MS_*, GRAPH_API_URL, DHR_MAILBOX, plus
REQUESTS_CA_BUNDLE and SSL_CERT_FILE so msal/requests and httpx trust the fake's CA).
The mailbox itself (messages, folders, delta) lives in tests/fakes/graph_mail.py.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import shutil
import ssl
import tempfile
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, unquote, urlsplit

import trustme

from tests.fakes.entra_signin import AuthCodeFlow, Page, SignInError
from tests.fakes.graph_mail import GraphError, MailStore
from tests.fakes.server import LocalFakeServer

Handler = Callable[[dict[str, str], dict[str, str], Any], tuple[int, Any]]  # (query, headers, body)
TEXT_PREFER = 'outlook.body-content-type="text"'
DEFAULT_ERROR_CODES = {429: "TooManyRequests", 503: "ServiceUnavailable", 401: "InvalidAuthenticationToken"}
#: Graph's Outlook service: requests at once per app and mailbox (see the module docstring).
MAILBOX_CONCURRENCY = 4
#: Operations on the mailbox itself (everything under /users/{mailbox}/), which the limits count.
_NOT_ON_THE_MAILBOX = frozenset({"openid_configuration", "token", "unknown", "unknown_mailbox"})


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


class FakeMicrosoft(LocalFakeServer):
    """Operations (for `fail_next` and `graph_calls`): openid_configuration, token, create_message,
    get_message, update_message, delete_message, send, create_reply, add_attachment, attachments, move, mail_folders,
    get_folder, create_folder, delta, list_messages."""

    def __init__(
        self,
        *,
        tenant_id: str = "riverside-tenant",
        client_id: str = "dhr-chaser-app",
        client_secret: str = "fake-client-secret",
        mailbox: str = "dhr@riverside.example.gov.uk",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        sent_copy_delay: timedelta = timedelta(seconds=1),
    ) -> None:
        super().__init__()
        self.tenant_id, self.client_id, self.client_secret, self.mailbox = tenant_id, client_id, client_secret, mailbox
        self.mail = MailStore(mailbox, clock, lambda: self.graph_url, sent_copy_delay)
        self.token_requests = 0
        self.calls: list[GraphCall] = []
        self._tokens: set[str] = set()
        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._slow: dict[str, float] = {}
        self._lock = threading.RLock()
        self._clock = clock
        self._in_flight = 0
        #: The most requests to the mailbox that were under way at once.
        self.peak_concurrency = 0
        self._send_limit: tuple[int, timedelta] | None = None
        #: When each accepted /send arrived (the fake's clock), for tests counting the pace.
        self.send_times: list[datetime] = []
        self._tmp: Path | None = None
        #: Set by `expire_client_secret`: the AADSTS code the token endpoint refuses the secret with.
        self._secret_refused: int | None = None
        #: Users signing in to the console (authorization-code flow): see tests/fakes/entra_signin.py.
        self.sign_in = AuthCodeFlow(tenant_id, client_id, client_secret, lambda: f"{self.authority_url}/{self.tenant_id}/v2.0")

    # -- lifecycle -----------------------------------------------------------------------------

    def _make_server(self, handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
        # msal accepts only https authorities: serve TLS with a throw-away CA the tests trust.
        ca = trustme.CA()
        self._tmp = Path(tempfile.mkdtemp(prefix="fake-microsoft-"))
        ca.cert_pem.write_to_path(str(self._tmp / "ca.pem"))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        return _TLSServer(("127.0.0.1", 0), handler, context)

    def stop(self) -> None:
        super().stop()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    @property
    def authority_url(self) -> str:
        """MS_AUTHORITY_URL (without the tenant)."""
        return f"https://127.0.0.1:{self.port}"

    @property
    def graph_url(self) -> str:
        """GRAPH_API_URL (with the version)."""
        return f"https://127.0.0.1:{self.port}/v1.0"

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

    # -- steering and inspection ---------------------------------------------------------------

    def fail_next(
        self,
        operation: str,
        *,
        status: int = 429,
        retry_after: float | None = None,
        times: int = 1,
        code: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `operation` with an error; 429/503 carry Retry-After (1 s default)."""
        if retry_after is None and status in (429, 503):
            retry_after = 1
        code = code or DEFAULT_ERROR_CODES.get(status, "ErrorInternalServerError")
        failure = _Failure(status, code, retry_after, times)
        with self._lock:
            self._failures[operation].append(failure)

    def limit_sending(self, messages: int | None, per: timedelta = timedelta(minutes=1)) -> None:
        """Refuse a /send beyond `messages` per rolling `per` with 429 + Retry-After; None lifts it."""
        with self._lock:
            self._send_limit = None if messages is None else (messages, per)

    def slow_down(self, operation: str, seconds: float) -> None:
        """Take `seconds` over every call of `operation`, like a slow network (for crash-timing tests)."""
        self._slow[operation] = seconds

    def expire_client_secret(self, aadsts: int = 7000222) -> None:
        """The app's client secret stops working until `renew_client_secret`: the token endpoint answers
        400/401 `invalid_client` with AADSTS7000222 ("the provided client secret keys are expired") or
        7000215 ("invalid client secret provided") and `error_codes` [that number], as Entra ID does
        (learn.microsoft.com/entra/identity-platform/reference-error-codes; the error response of
        learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow). Tokens already
        issued stay valid until they expire, as real access tokens do: see `revoke_tokens`."""
        with self._lock:
            self._secret_refused = aadsts

    def renew_client_secret(self) -> None:
        with self._lock:
            self._secret_refused = None

    def revoke_tokens(self) -> None:
        """Every access token issued so far is refused by Graph with 401 InvalidAuthenticationToken
        ("Access token has expired or is not yet valid", learn.microsoft.com/graph/errors), as after
        its expiry; a new token from the token endpoint works again."""
        with self._lock:
            self._tokens.clear()

    @property
    def sent(self) -> list[dict[str, Any]]:
        """Copies of the messages sent, oldest first (as they were when sent)."""
        return self.mail.sent

    @property
    def invalid_recipients(self) -> set[str]:
        """Addresses /send refuses with 400 ErrorInvalidRecipients."""
        return self.mail.invalid_recipients

    def deliver_reply(
        self,
        to_message: Mapping[str, Any] | str,
        from_address: str,
        text: str,
        subject: str | None = None,
        attachments: Iterable[str | tuple[str, bytes]] = (),
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        from_name: str | None = None,
        authentication: str = "pass",
    ) -> dict[str, Any]:
        """Put a reply to a sent message into the Inbox, threaded as Outlook would thread it.

        `to_message` is a sent message (from `fake.sent`), its internetMessageId or its id. The reply
        has In-Reply-To/References = that internetMessageId and the same conversationId; its body
        quotes the original below the reply, its uniqueBody holds only the reply. `authentication`
        is what Exchange Online found: "pass", "fail" (spoofed), "none" (no SPF/DKIM/DMARC at all)
        or "internal" (sent from inside the tenant); its stamps go on top of the sender's headers.
        """
        with self._lock:
            return self.mail.deliver_reply(
                to_message, from_address, text, subject, attachments, headers, from_name, authentication
            )

    def deliver_mail(
        self,
        from_address: str,
        subject: str,
        text: str,
        headers: Mapping[str, str] | Iterable[tuple[str, str]] = (),
        attachments: Iterable[str | tuple[str, bytes]] = (),
        authentication: str = "pass",
    ) -> dict[str, Any]:
        """Put a new, unthreaded mail into the Inbox, stamped as `deliver_reply` says."""
        with self._lock:
            return self.mail.deliver_mail(from_address, subject, text, headers, attachments, authentication)

    def expire_delta_links(self) -> None:
        """Every delta link handed out so far answers 410 Gone from now on."""
        with self._lock:
            self.mail.expire_delta_links()

    def folder_messages(self, folder: str) -> list[dict[str, Any]]:
        """Messages in a folder, by well-known name (inbox, drafts, sentitems) or id."""
        with self._lock:
            return self.mail.folder_messages(folder)

    def folder_names(self) -> list[str]:
        with self._lock:
            return self.mail.folder_names()

    def graph_calls(self, operation: str) -> list[GraphCall]:
        with self._lock:
            return [c for c in self.calls if c.operation == operation]

    # -- request handling (server threads) -----------------------------------------------------

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], raw_body: bytes
    ) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(raw_path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        body = _parse_body(raw_body, headers)
        segments = _split_segments(parts.path)
        if segments[:1] == [self.tenant_id] and segments[1:] == ["oauth2", "v2.0", "authorize"]:
            with self._lock:
                return self.sign_in.authorize(query, body if method == "POST" and isinstance(body, dict) else None)
        operation, handler = self._route(method, _split_segments(parts.path))
        on_mailbox = operation not in _NOT_ON_THE_MAILBOX
        with self._lock:
            if on_mailbox:
                self._in_flight += 1
                self.peak_concurrency = max(self.peak_concurrency, self._in_flight)
            crowded = on_mailbox and self._in_flight > MAILBOX_CONCURRENCY
        try:
            if operation in self._slow:
                time.sleep(self._slow[operation])
            return self._answer(operation, handler, method, parts.path, query, headers, body, crowded)
        finally:
            if on_mailbox:
                with self._lock:
                    self._in_flight -= 1

    def _answer(
        self, operation: str, handler: Handler, method: str, path: str, query: dict[str, str],
        headers: dict[str, str], body: Any, crowded: bool,
    ) -> tuple[int, dict[str, str], Any]:
        extra: dict[str, str] = {}
        with self._lock:
            self.mail.settle()
            try:
                if crowded:
                    raise GraphError(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.",
                                     {"Retry-After": "1"})
                self._fail_if_asked(operation)
                if operation not in {"openid_configuration", "token"}:
                    self._authorise(headers)
                if operation == "send":
                    self._within_send_limit()
                status, answer = handler(query, headers, body)
                if operation == "send":
                    self.send_times.append(self._clock())
            except GraphError as error:
                status, extra = error.status, error.headers
                answer = (
                    _token_error(error)
                    if operation == "token"
                    else {"error": {"code": error.code, "message": error.message}}
                )
            self.calls.append(GraphCall(operation, method, path, query, headers, body, status))
        return status, extra, answer

    def _within_send_limit(self) -> None:
        if self._send_limit is None:
            return
        messages, per = self._send_limit
        now = self._clock()
        recent = [at for at in self.send_times if now - at < per]
        if len(recent) >= messages:
            wait = (recent[-messages] + per - now).total_seconds()
            raise GraphError(429, "ApplicationThrottled", "Message rate limit exceeded for the mailbox.",
                             {"Retry-After": _seconds(round(max(wait, 0.001), 3))})

    def _route(self, verb: str, s: list[str]) -> tuple[str, Handler]:
        mail = self.mail
        if len(s) == 4 and s[0] == self.tenant_id:
            if s[1:] == ["v2.0", ".well-known", "openid-configuration"]:
                return "openid_configuration", lambda q, h, b: (200, self._openid_configuration())
            if s[1:] == ["oauth2", "v2.0", "token"] and verb == "POST":
                return "token", lambda q, h, b: self._token(b)
        if len(s) >= 4 and s[:2] == ["v1.0", "users"]:
            if s[2].lower() != self.mailbox.lower():
                return "unknown_mailbox", _refuse(404, "ErrorInvalidUser", "The requested user is invalid.")
            rest = s[3:]
            routes: dict[tuple[str, ...], tuple[str, Handler]] = {
                ("POST", "messages"): ("create_message", lambda q, h, b: mail.create_message(b)),
                ("GET", "mailFolders"): ("mail_folders", lambda q, h, b: mail.list_folders(q.get("$filter"))),
                ("POST", "mailFolders"): ("create_folder", lambda q, h, b: mail.create_folder(b)),
            }
            if len(rest) >= 2:
                arg = rest[1]
                routes.update({
                    ("GET", "mailFolders", "*"): ("get_folder", lambda q, h, b: mail.get_folder(arg)),
                    ("GET", "messages", "*"): (
                        "get_message", lambda q, h, b: mail.get_message(arg, q.get("$select"), _text(h))),
                    ("PATCH", "messages", "*"): ("update_message", lambda q, h, b: mail.update_message(arg, b)),
                    ("DELETE", "messages", "*"): ("delete_message", lambda q, h, b: mail.delete_message(arg)),
                    ("POST", "messages", "*", "send"): ("send", lambda q, h, b: mail.send(arg)),
                    ("POST", "messages", "*", "createReply"): (
                        "create_reply", lambda q, h, b: mail.create_reply(arg, b)),
                    ("GET", "messages", "*", "attachments"): ("attachments", lambda q, h, b: mail.attachments(arg)),
                    ("POST", "messages", "*", "attachments"): (
                        "add_attachment", lambda q, h, b: mail.add_attachment(arg, b)),
                    ("POST", "messages", "*", "move"): ("move", lambda q, h, b: mail.move(arg, b)),
                    ("GET", "mailFolders", "*", "messages"): (
                        "list_messages", lambda q, h, b: mail.list_messages(arg, q, _text(h))),
                    ("GET", "mailFolders", "*", "messages", "delta"): (
                        "delta", lambda q, h, b: mail.delta(arg, q, _max_page_size(h), _text(h))),
                })
            shape = (verb, rest[0], *(["*"] if len(rest) >= 2 else []), *rest[2:])
            if shape in routes:
                return routes[shape]
        return "unknown", _refuse(404, "ResourceNotFound", "Resource not found for the segment.")

    def _fail_if_asked(self, operation: str) -> None:
        queue = self._failures.get(operation)
        if not queue:
            return
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.popleft()
        extra = {"Retry-After": _seconds(failure.retry_after)} if failure.retry_after is not None else {}
        raise GraphError(failure.status, failure.code, "injected failure", extra)

    def _authorise(self, headers: dict[str, str]) -> None:
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if token not in self._tokens:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty or invalid.")

    # -- identity platform ---------------------------------------------------------------------

    def _openid_configuration(self) -> dict[str, Any]:
        root = f"{self.authority_url}/{self.tenant_id}"
        return {
            "issuer": f"{root}/v2.0",
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "jwks_uri": f"{root}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }

    def _token(self, body: Any) -> tuple[int, Any]:
        self.token_requests += 1
        form = body if isinstance(body, dict) else {}
        if form.get("grant_type") == "authorization_code":
            try:
                return 200, self.sign_in.redeem(form)
            except SignInError as error:
                raise GraphError(error.status, error.code, error.message) from None
        if form.get("grant_type") != "client_credentials":
            raise GraphError(400, "unsupported_grant_type", "AADSTS70003: only client_credentials is supported here.")
        if form.get("client_id") != self.client_id:
            raise GraphError(400, "unauthorized_client", "AADSTS700016: Application not found in the directory.")
        if self._secret_refused == 7000222:
            raise GraphError(401, "invalid_client", "AADSTS7000222: The provided client secret keys for app "
                             f"'{self.client_id}' are expired.")
        if form.get("client_secret") != self.client_secret or self._secret_refused is not None:
            raise GraphError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        if not any(scope.endswith("/.default") for scope in str(form.get("scope", "")).split()):
            raise GraphError(400, "invalid_scope", "AADSTS1002012: client credentials need a /.default scope.")
        token = f"fake-graph-token-{secrets.token_hex(8)}"
        self._tokens.add(token)
        return 200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": token}


def _token_error(error: GraphError) -> dict[str, Any]:
    """The token endpoint's error body: `error`, `error_description` starting "AADSTSnnnn:", and
    `error_codes` [nnnn] (learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow,
    "Error response")."""
    answer: dict[str, Any] = {"error": error.code, "error_description": error.message}
    number = re.match(r"AADSTS(\d+):", error.message)
    if number:
        answer["error_codes"] = [int(number.group(1))]
    return answer


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _refuse(status: int, code: str, message: str) -> Handler:
    def answer(query: dict[str, str], headers: dict[str, str], body: Any) -> tuple[int, Any]:
        raise GraphError(status, code, message)

    return answer


def _split_segments(path: str) -> list[str]:
    """Path segments, with OData key syntax `mailFolders('Inbox')` read as `mailFolders/Inbox`."""
    segments: list[str] = []
    for raw in (unquote(s) for s in path.split("/") if s):
        match = re.fullmatch(r"(\w+)\('([^']*)'\)", raw)
        segments += [match.group(1), match.group(2)] if match else [raw]
    return segments


def _text(headers: dict[str, str]) -> bool:
    return TEXT_PREFER in headers.get("prefer", "")


def _max_page_size(headers: dict[str, str]) -> int:
    match = re.search(r"odata\.maxpagesize=(\d+)", headers.get("prefer", ""))
    return max(int(match.group(1)), 1) if match else 10


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
    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], context: ssl.SSLContext
    ) -> None:
        super().__init__(address, handler)
        self.context = context

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs here, in the connection's own thread, not in the accept loop.
        try:
            secure = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(secure, client_address)
        finally:
            with contextlib.suppress(OSError):
                secure.close()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeMicrosoft
    protocol_version = "HTTP/1.1"
    timeout = 10

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PATCH = do_DELETE = do_GET

    def _serve(self) -> None:
        headers = {k.lower(): v for k, v in self.headers.items()}
        length = int(headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        status, extra, answer = self.fake.handle(self.command, self.path, headers, body)
        page = isinstance(answer, Page)
        payload = answer.body.encode() if isinstance(answer, Page) else b"" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        if payload:
            self.send_header("Content-Type", f"{'text/html' if page else 'application/json'}; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


FakeMicrosoft.handler = _Handler
