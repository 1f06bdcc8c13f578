"""The running bot: the Slack app (Socket Mode or HTTP), /healthz, and the scheduler under its lease.

    serve(settings)   blocks until SIGTERM/SIGINT, then stops the scheduler and the server cleanly.

HTTP mode runs on waitress (a production WSGI server). `POST /slack/events` is checked before
anything parses it (bot.slack_gate): 413 above MAX_BODY_BYTES, 401 when unsigned, forged or older
than 5 minutes; then Bolt, whose first middleware acknowledges a retried or replayed delivery
without processing it again (bot.slack_dedupe). `GET /healthz` says whether the database answers
and whether this process leads the scheduler. Without Slack credentials only /healthz is served,
so a mail-only deployment still has a health check. Slow or idle clients are cut off after
CHANNEL_TIMEOUT seconds, so half-open connections cannot hold the server's connection slots.
"""

from __future__ import annotations

import io
import json
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from typing import Any

import sqlalchemy as sa
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.channels.slack import make_slack_client
from bot.handlers import register_all
from bot.handlers.common import Clock, utc_now
from bot.pauses import health_report
from bot.runtime import Runtime, build_runtime
from bot.settings import Settings
from bot.slack_dedupe import register_dedupe
from bot.slack_gate import MALFORMED, MAX_BODY_BYTES, Refusal, refuse_by_length, refuse_malformed, refuse_unsigned

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def build_bolt_app(runtime: Runtime, *, clock: Clock = utc_now, listener_executor: Executor | None = None) -> App:
    """The Bolt app with every listener. `listener_executor` runs the acks and lazy listeners (Bolt's
    own pool of 5 threads when None); pass one to wait for the work still running, e.g. at shutdown."""
    settings = runtime.settings
    if not settings.slack_bot_token:
        raise ValueError("SLACK_BOT_TOKEN is not set: the Slack app needs it")
    app = App(
        client=make_slack_client(settings.slack_bot_token, settings.slack_api_url),
        signing_secret=settings.slack_signing_secret or "",
        token_verification_enabled=False,  # auth.test runs on the first request instead
        # The process runs for a long time: ack first, work after (lazy listeners, thread pool).
        process_before_response=False,
        listener_executor=listener_executor,
    )
    register_dedupe(app, runtime.engine, clock)
    register_all(app, runtime, clock)
    return app


def health(engine: Engine, leading: Callable[[], bool]) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body) for /healthz: 503 when the database does not answer, or when a channel is
    paused (its credentials refused) and no other channel could tell the coordinators (bot.pauses)."""
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        with Session(engine) as session:
            delivering, paused = health_report(session)
    except Exception:
        log.warning("health check: database unreachable", exc_info=True)
        return 503, {"ok": False, "database": "unreachable", "scheduler": "standby"}
    body = {"ok": delivering, "database": "ok", "scheduler": "leader" if leading() else "standby",
            "paused_channels": paused}
    return (200 if delivering else 503), body


def make_wsgi_app(
    engine: Engine,
    bolt_app: App | None,
    leading: Callable[[], bool] = lambda: False,
    *,
    signing_secret: str = "",
    console: WSGIApp | None = None,
    wall_clock: Callable[[], float] = time.time,
) -> WSGIApp:
    """The WSGI callable: /healthz always, /slack/events (signed by `signing_secret`) when there is a Slack app,
    every other path to the coordinator console when it is turned on (bot/console/mount.py)."""
    if bolt_app is not None and not signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is not set: requests to /slack/events cannot be checked")
    bolt = SlackRequestHandler(bolt_app, path=EVENTS_PATH) if bolt_app is not None else None

    def slack(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        assert bolt is not None
        refusal = refuse_by_length(environ.get("CONTENT_LENGTH"))
        if refusal is None:
            body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
            refusal = refuse_unsigned(
                body, environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"), environ.get("HTTP_X_SLACK_SIGNATURE"),
                signing_secret, wall_clock(),
            )
        if refusal is None:
            refusal = refuse_malformed(body, environ.get("CONTENT_TYPE"))
        if refusal is not None:
            return _refuse(start_response, refusal)
        # Bolt reads the body again (and checks the signature again): hand it the bytes already read.
        try:
            return bolt({**environ, "wsgi.input": io.BytesIO(body)}, start_response)
        except (AttributeError, KeyError, TypeError, ValueError, IndexError) as error:
            # A signed body of a shape Slack never sends (Bolt reads fields before any listener runs).
            log.warning("a signed Slack request of an unknown shape was refused (%s)", type(error).__name__)
            return _refuse(start_response, MALFORMED)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            status, body = health(engine, leading)
            return _json(start_response, status, body)
        if bolt is not None and path == EVENTS_PATH:
            if method != "POST":
                return _json(start_response, 405, {"error": "POST only"})
            return slack(environ, start_response)
        if console is not None:
            return console(environ, start_response)
        return _json(start_response, 404, {"error": "not found"})

    return wsgi


def _refuse(start_response: Callable[..., Any], refusal: Refusal) -> list[bytes]:
    return _json(start_response, refusal.status, {"error": refusal.error})


_REASONS = {
    200: "OK", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
    411: "Length Required", 413: "Content Too Large", 503: "Service Unavailable",
}


def _json(start_response: Callable[..., Any], status: int, body: dict[str, Any]) -> list[bytes]:
    payload = json.dumps(body).encode()
    reason = _REASONS[status]
    start_response(f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


#: Seconds a connection may sit idle or trickle a request before waitress closes it.
CHANNEL_TIMEOUT = 10
#: Open connections allowed at once; beyond it waitress stops accepting until some close.
CONNECTION_LIMIT = 200


class HttpServer:
    """A waitress server that can be stopped from another thread without tearing its socket
    out from under the poll loop (waitress's own `run()` only stops with the process).

    Its limits: bodies over MAX_BODY_BYTES are refused by waitress itself (413), headers over
    64 KB too, and a connection idle for CHANNEL_TIMEOUT seconds is closed (checked every
    second), so slow or half-open clients free their slot quickly (waitress's default is 120 s
    with 100 connections, which a handful of stalled clients can fill).
    """

    def __init__(self, wsgi: WSGIApp, host: str, port: int, *, threads: int = 8) -> None:
        from waitress.server import create_server

        # port 0 picks a free one: see `port`.
        self._server: Any = create_server(
            wsgi, host=host, port=port, threads=threads, ident="dhr-chaser",
            channel_timeout=CHANNEL_TIMEOUT, cleanup_interval=1, connection_limit=CONNECTION_LIMIT,
            max_request_body_size=MAX_BODY_BYTES, max_request_header_size=64 * 1024, asyncore_use_poll=True,
        )
        self._stopping = threading.Event()

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def run(self) -> None:
        while not self._stopping.is_set():
            self._server.asyncore.loop(timeout=0.1, map=self._server._map, count=1)

    def stop(self, thread: threading.Thread | None = None) -> None:
        self._stopping.set()
        if thread is not None:
            thread.join(timeout=5)
        self._server.task_dispatcher.shutdown()
        for channel in list(self._server._map.values()):  # the listener and any kept-alive connections
            channel.close()


def make_http_server(wsgi: WSGIApp, host: str, port: int) -> HttpServer:
    return HttpServer(wsgi, host, port)


def serve(
    settings: Settings,
    *,
    host: str | None = None,
    port: int | None = None,
    stop: threading.Event | None = None,
    on_listening: Callable[[int], None] | None = None,
) -> None:
    """Run until SIGTERM/SIGINT (or `stop` is set): scheduler runner + Slack app or health server.

    `host` and `port` override DHR_HTTP_HOST and DHR_HTTP_PORT (port 0 = any free port; `on_listening` is told which).
    """
    from bot.jobs.runner import SchedulerRunner

    runtime = build_runtime(settings)
    runner = SchedulerRunner(runtime)
    stop = stop or threading.Event()
    _on_signals(stop)
    socket_handler = None
    server: HttpServer | None = None
    thread: threading.Thread | None = None
    try:
        runner.start()
        bolt_app = build_bolt_app(runtime) if settings.slack_enabled else None
        if bolt_app is not None and settings.slack_app_token:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            socket_handler = SocketModeHandler(bolt_app, settings.slack_app_token)
            socket_handler.connect()  # type: ignore[no-untyped-call]
            log.info("Slack app connected in Socket Mode")
            bolt_app = None  # events come over the socket; HTTP keeps only /healthz
        from bot.console.mount import console_for_run

        wsgi = make_wsgi_app(
            runtime.engine, bolt_app, lambda: runner.leading, signing_secret=settings.slack_signing_secret or "",
            console=console_for_run(settings, runtime.engine),
        )
        server = make_http_server(wsgi, host or settings.http_host, settings.http_port if port is None else port)
        thread = threading.Thread(target=server.run, name="dhr-http", daemon=True)
        thread.start()
        log.info("listening on %s port %s", host or settings.http_host, server.port)
        if on_listening is not None:
            on_listening(server.port)
        while not stop.wait(1.0):  # a timed wait, so a signal handler's set() is seen promptly
            pass
    finally:
        log.info("shutting down cleanly")
        if server is not None:
            server.stop(thread)
        if socket_handler is not None:
            socket_handler.close()  # type: ignore[no-untyped-call]
        runner.stop()


def _on_signals(stop: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set from the main thread (tests run serve() elsewhere)
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())
