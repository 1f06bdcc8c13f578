"""A fake Slack Web API on 127.0.0.1, speaking Slack's wire format.

    with FakeSlackApi() as fake:
        fake.add_user("U0PRIYA", "priya.shah@police.example.org", "Priya Shah")
        client = WebClient(token="xoxb-test", base_url=fake.url)
        ...
        assert fake.calls("chat.postMessage")[0].body["channel"] == "D0PRIYA"

Bodies may be form-encoded, JSON or a GET query string (slack_sdk uses all three). Every call
needs `Authorization: Bearer xoxb-...` (else `invalid_auth`), except `/webhook/...` (response_url).
Failures are injected per method with `fail_next`; `limit_rate` makes chat.postMessage answer 429
beyond N messages per second per channel, as Slack does.

As documented for conversations.history and conversations.replies
(docs.slack.dev/reference/methods/conversations.replies): history returns only a conversation's
parent messages; a thread (its parent and every reply) comes from conversations.replies.

Events sent TO the app (escaped text, retries with X-Slack-Retry-Num, Slackbot posts in threads)
are built by tests/fakes/slack_events.py, with the documentation they follow.

A public or private channel the bot has not been invited to (`exclude_bot_from`) refuses
chat.postMessage with `not_in_channel`, as Slack does for a bot without chat:write.public
(docs.slack.dev/reference/methods/chat.postMessage, "Errors"); DMs and other channels accept.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.server import LocalFakeServer

BOT_USER_ID = "U0DHRBOT"
BOT_ID = "B0DHRBOT"
TEAM_ID = "T0RIVER"
#: Form fields that slack_sdk sends as JSON strings.
JSON_FORM_FIELDS = frozenset({"blocks", "attachments", "view", "metadata"})


@dataclass(frozen=True)
class RecordedCall:
    method: str  # "chat.postMessage", or "webhook" for response_url posts
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    status: int
    error: str | None = None  # the Slack error code answered, if any
    at: float = 0.0  # when it arrived, on the fake's clock: tests count the pace with it


@dataclass
class _Failure:
    status: int
    error: str | None
    retry_after: float | None
    remaining: int


@dataclass
class SlackUser:
    id: str
    email: str | None
    name: str
    real_name: str
    tz: str = "Europe/London"
    is_bot: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": False,
            "is_bot": self.is_bot,
            "tz": self.tz,
            "profile": {"email": self.email, "real_name": self.real_name, "display_name": self.name},
        }


@dataclass
class PostedMessage:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None
    user: str | None = None  # set for ephemeral messages
    edits: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] | None = None


class FakeSlackApi(LocalFakeServer):
    def __init__(self, *, allow_unknown_users: bool = True, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.allow_unknown_users = allow_unknown_users
        self._clock = clock
        self._lock = threading.Lock()
        self._calls: list[RecordedCall] = []
        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._users: dict[str, SlackUser] = {}
        self._messages: list[PostedMessage] = []
        self._sequence = 0
        self._rate_limit: float | None = None
        self._post_delay = 0.0
        self._rate_methods: frozenset[str] = frozenset()
        self._recent_posts: dict[str, deque[float]] = defaultdict(deque)
        self._not_member_of: set[str] = set()
        self._token_error: str | None = None

    @property
    def url(self) -> str:
        """The Web API base URL: WebClient(base_url=fake.url) or SLACK_API_URL."""
        return f"http://127.0.0.1:{self.port}/api/"

    def webhook_url(self, name: str = "response") -> str:
        """A response_url for interaction payloads; posts to it are recorded as method "webhook"."""
        return f"http://127.0.0.1:{self.port}/webhook/{name}"

    # -- seeding and steering ------------------------------------------------------------------

    def add_user(
        self, user_id: str, email: str | None, real_name: str, *, name: str | None = None, tz: str = "Europe/London"
    ) -> SlackUser:
        user = SlackUser(user_id, email, name or real_name.lower().replace(" ", "."), real_name, tz)
        with self._lock:
            self._users[user_id] = user
        return user

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: float | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with a failure.

        status=429 -> `ratelimited` with Retry-After; status>=500 -> an HTTP error; status=200 with
        error="channel_not_found" -> Slack's ok:false answer.
        """
        if error is None:
            error = "ratelimited" if status == 429 else ("internal_error" if status >= 500 else "fatal_error")
        if status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._failures[method].append(_Failure(status, error, retry_after, times))

    def limit_rate(self, per_second: float | None, methods: Iterable[str] = ("chat.postMessage",)) -> None:
        """Allow at most `per_second` posts per channel in any 1 s window; None lifts the limit."""
        with self._lock:
            self._rate_limit = per_second
            self._rate_methods = frozenset(methods)
            self._recent_posts.clear()

    def exclude_bot_from(self, channel: str) -> None:
        """The bot is not a member of `channel`: posts there answer `not_in_channel`."""
        with self._lock:
            self._not_member_of.add(channel)

    def break_token(self, error: str = "invalid_auth") -> None:
        """Every call with the bot token, auth.test included, answers HTTP 200 `{"ok": false, "error":
        error}` until `fix_token`, as Slack answers a token that was revoked (`token_revoked`), is
        invalid (`invalid_auth`) or belongs to a deleted workspace (`account_inactive`): these are
        the authentication errors every Web API method lists (docs.slack.dev/reference/methods/
        chat.postMessage and .../conversations.open, "Errors"; "Typical error response" is HTTP 200
        with ok false)."""
        with self._lock:
            self._token_error = error

    def fix_token(self) -> None:
        with self._lock:
            self._token_error = None

    def slow_down(self, seconds: float) -> None:
        """Take `seconds` over every chat.postMessage, like a slow network (for crash-timing tests)."""
        self._post_delay = seconds

    # -- assertions ----------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[RecordedCall]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def messages(self, channel: str | None = None) -> list[PostedMessage]:
        """Messages accepted by chat.postMessage / chat.postEphemeral (with later chat.update edits)."""
        with self._lock:
            return [m for m in self._messages if channel is None or m.channel == channel]

    def dm_channel_for(self, user_id: str) -> str:
        return "D" + user_id[1:]

    # -- request handling (called from server threads) -----------------------------------------

    def handle(
        self, method: str, path: str, body: dict[str, Any], headers: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        if method == "webhook":
            return self._record(method, path, body, headers, 200, None, {}, {"ok": True})
        token = headers.get("authorization", "")
        if not token.startswith("Bearer xox"):
            return self._record(method, path, body, headers, 200, "invalid_auth", {}, None)
        with self._lock:
            broken = self._token_error
            failure = self._take_failure(method)
        if broken is not None:
            return self._record(method, path, body, headers, 200, broken, {}, None)
        if failure is not None:
            extra = {"Retry-After": _seconds(failure.retry_after)} if failure.retry_after is not None else {}
            return self._record(method, path, body, headers, failure.status, failure.error, extra, None)
        route = self._routes().get(method)
        if route is None:
            return self._record(method, path, body, headers, 200, "unknown_method", {}, None)
        try:
            answer = route(body)
        except _SlackError as error:
            return self._record(method, path, body, headers, error.status, error.code, error.headers, None)
        return self._record(method, path, body, headers, 200, None, {}, answer)

    def _record(
        self,
        method: str,
        path: str,
        body: dict[str, Any],
        headers: dict[str, str],
        status: int,
        error: str | None,
        extra_headers: dict[str, str],
        answer: Any,
    ) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            self._calls.append(RecordedCall(method, path, body, headers, status, error, self._clock()))
        if error is not None:
            answer = {"ok": False, "error": error}
        return status, extra_headers, answer

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.popleft()
        return failure

    def _routes(self) -> dict[str, Callable[[dict[str, Any]], dict[str, Any]]]:
        return {
            "api.test": lambda body: {"ok": True, "args": body},
            "auth.test": self._auth_test,
            "conversations.open": self._conversations_open,
            "conversations.history": self._history,
            "conversations.replies": self._replies,
            "chat.postMessage": self._post_message,
            "chat.update": self._update,
            "chat.postEphemeral": self._post_ephemeral,
            "views.open": self._view,
            "views.publish": self._view,
            "users.lookupByEmail": self._lookup_by_email,
            "users.info": self._users_info,
        }

    def _auth_test(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://riverside-csp.slack.com/",
            "team": "Riverside Community Safety Partnership",
            "user": "dhr-chaser",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _conversations_open(self, body: dict[str, Any]) -> dict[str, Any]:
        users = [u for u in str(body.get("users", "")).split(",") if u]
        if not users:
            raise _SlackError("users_list_not_supplied")
        for user_id in users:
            self._require_user(user_id)
        channel_id = self.dm_channel_for(users[0]) if len(users) == 1 else "G" + "".join(u[1:] for u in users)
        return {"ok": True, "channel": {"id": channel_id, "is_im": len(users) == 1}}

    def _history(self, body: dict[str, Any]) -> dict[str, Any]:
        """Newest first, parent messages only. `oldest` is not applied: the fake's ts are a counter."""
        channel = self._channel_of(body)
        with self._lock:
            found = [m for m in self._messages
                     if m.channel == channel and m.user is None and m.thread_ts in (None, m.ts)]
        return {"ok": True, "messages": self._listed(reversed(found), body), "has_more": False}

    def _replies(self, body: dict[str, Any]) -> dict[str, Any]:
        """The thread of `ts`, oldest first: the parent, then its replies (`thread_not_found` if none)."""
        channel, ts = self._channel_of(body), str(body.get("ts", ""))
        with self._lock:
            found = [m for m in self._messages
                     if m.channel == channel and m.user is None and (m.ts == ts or m.thread_ts == ts)]
        if not found:
            raise _SlackError("thread_not_found")
        return {"ok": True, "messages": self._listed(found, body), "has_more": False}

    @staticmethod
    def _listed(found: Iterable[PostedMessage], body: dict[str, Any]) -> list[dict[str, Any]]:
        with_metadata = str(body.get("include_all_metadata", "")).lower() in ("1", "true")
        messages = []
        for m in found:
            item: dict[str, Any] = {
                "type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": m.text, "ts": m.ts,
            }
            if m.thread_ts:
                item["thread_ts"] = m.thread_ts
            if with_metadata and m.metadata:
                item["metadata"] = m.metadata
            messages.append(item)
        return messages

    def _post_message(self, body: dict[str, Any]) -> dict[str, Any]:
        if self._post_delay:
            time.sleep(self._post_delay)
        channel = self._channel_of(body)
        with self._lock:
            if channel in self._not_member_of:
                raise _SlackError("not_in_channel")
        text, blocks = body.get("text") or "", body.get("blocks")
        if not text and not blocks:
            raise _SlackError("no_text")
        self._check_rate(channel)
        with self._lock:
            ts = self._next_ts()
            self._messages.append(
                PostedMessage(channel, ts, text, blocks, body.get("thread_ts"), metadata=body.get("metadata"))
            )
        message: dict[str, Any] = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "text": text, "ts": ts}
        if blocks:
            message["blocks"] = blocks
        if body.get("thread_ts"):
            message["thread_ts"] = body["thread_ts"]
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _update(self, body: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(body.get("channel", "")), str(body.get("ts", ""))
        with self._lock:
            found = [m for m in self._messages if m.channel == channel and m.ts == ts]
            if not found:
                raise _SlackError("message_not_found")
            message = found[0]
            message.edits.append({"text": message.text, "blocks": message.blocks})
            message.text = body.get("text") or message.text
            if "blocks" in body:
                message.blocks = body["blocks"]
        return {"ok": True, "channel": channel, "ts": ts, "text": message.text, "message": {"text": message.text}}

    def _post_ephemeral(self, body: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel_of(body)
        user = str(body.get("user", ""))
        self._require_user(user)
        with self._lock:
            ts = self._next_ts()
            self._messages.append(
                PostedMessage(channel, ts, body.get("text") or "", body.get("blocks"), body.get("thread_ts"), user)
            )
        return {"ok": True, "message_ts": ts}

    def _view(self, body: dict[str, Any]) -> dict[str, Any]:
        view = body.get("view")
        if not isinstance(view, dict):
            raise _SlackError("invalid_arguments")
        with self._lock:
            self._sequence += 1
            view_id = f"V{self._sequence:08d}"
        return {"ok": True, "view": {**view, "id": view_id, "team_id": TEAM_ID}}

    def _lookup_by_email(self, body: dict[str, Any]) -> dict[str, Any]:
        email = str(body.get("email", "")).lower()
        with self._lock:
            found = [u for u in self._users.values() if u.email and u.email.lower() == email]
        if not found:
            raise _SlackError("users_not_found")
        return {"ok": True, "user": found[0].as_json()}

    def _users_info(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            user = self._users.get(str(body.get("user", "")))
        if user is None:
            raise _SlackError("user_not_found")
        return {"ok": True, "user": user.as_json()}

    def _channel_of(self, body: dict[str, Any]) -> str:
        channel = str(body.get("channel", ""))
        if not channel:
            raise _SlackError("channel_not_found")
        if channel[:1] in {"U", "W"}:  # Slack posts to a user id in their DM with the app
            self._require_user(channel)
            return self.dm_channel_for(channel)
        return channel

    def _require_user(self, user_id: str) -> None:
        with self._lock:
            known = user_id in self._users
        if not known and not (self.allow_unknown_users and user_id[:1] in {"U", "W"}):
            raise _SlackError("user_not_found")

    def _check_rate(self, channel: str) -> None:
        with self._lock:
            if self._rate_limit is None or "chat.postMessage" not in self._rate_methods:
                return
            now = self._clock()
            recent = self._recent_posts[channel]
            while recent and now - recent[0] >= 1.0:
                recent.popleft()
            if len(recent) >= self._rate_limit:
                wait = 1.0 - (now - recent[0])
                raise _SlackError("ratelimited", status=429, headers={"Retry-After": _seconds(wait)})
            recent.append(now)

    def _next_ts(self) -> str:
        # Unique and increasing, in Slack's "seconds.micro" shape.
        self._sequence += 1
        return f"{1_700_000_000 + self._sequence}.{self._sequence:06d}"


class _SlackError(Exception):
    def __init__(self, code: str, *, status: int = 200, headers: dict[str, str] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.headers = headers or {}


def _seconds(value: float | None) -> str:
    # Slack sends whole seconds; round up so a client never retries early.
    return str(max(int(-(-(value or 0) // 1)), 0))


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSlackApi
    protocol_version = "HTTP/1.1"
    timeout = 10

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        body = self._parse_body(parts.query, headers)
        method = "webhook" if parts.path.startswith("/webhook/") else parts.path.rsplit("/", 1)[-1]
        status, extra_headers, answer = self.fake.handle(method, parts.path, body, headers)
        payload = json.dumps(answer).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra_headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _parse_body(self, query: str, headers: dict[str, str]) -> dict[str, Any]:
        body: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        length = int(headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return body
        if headers.get("content-type", "").startswith("application/json"):
            parsed = json.loads(raw.decode("utf-8"))
            body.update(parsed if isinstance(parsed, dict) else {"_": parsed})
            return body
        for name, value in parse_qsl(raw.decode("utf-8"), keep_blank_values=True):
            body[name] = _maybe_json(value) if name in JSON_FORM_FIELDS else value
        return body

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass


def _maybe_json(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


FakeSlackApi.handler = _Handler
