"""The HTTP side: Slack signatures, /healthz, and serve() starting and stopping cleanly."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import ClassVar

import httpx
import pytest
from sqlalchemy.engine import Engine

from bot.app import HEALTH_PATH, make_http_server, make_wsgi_app, serve
from bot.db import make_engine
from bot.settings import Settings, load_settings
from tests.slack.conftest import SlackHarness, riverside_plan, wait_for


def test_a_forged_signature_is_rejected_with_401_and_runs_nothing(slack: SlackHarness) -> None:
    riverside_plan(slack)
    answer = slack.command("U0MORGAN", "overdue", secret="not-the-signing-secret")
    assert answer.status_code == 401
    assert slack.fake.calls("webhook") == [] and slack.fake.calls("auth.test") == []


def test_a_stale_timestamp_is_rejected_with_401(slack: SlackHarness) -> None:
    riverside_plan(slack)
    six_minutes_ago = int(time.time()) - 360
    assert slack.command("U0MORGAN", "overdue", timestamp=six_minutes_ago).status_code == 401


def test_a_recent_signed_request_is_accepted(slack: SlackHarness) -> None:
    riverside_plan(slack)
    four_minutes_ago = int(time.time()) - 240
    assert slack.command("U0MORGAN", "help", timestamp=four_minutes_ago).status_code == 200


def test_listeners_run_on_the_executor_the_app_was_built_with(slack: SlackHarness) -> None:
    # The harness waits for this executor at teardown; a listener run elsewhere would escape that wait.
    riverside_plan(slack)
    slack.command("U0MORGAN", "help")
    slack.wait_response("U0MORGAN")
    assert slack.listeners.submitted >= 2  # the ack, then the lazy listener that answers


def test_url_verification_is_answered(slack: SlackHarness) -> None:
    answer = slack.post('{"type": "url_verification", "challenge": "riverside-challenge", "token": "x"}', "application/json")
    assert answer.status_code == 200 and answer.json() == {"challenge": "riverside-challenge"}


def test_healthz_reports_the_database_and_scheduler(slack: SlackHarness) -> None:
    answer = httpx.get(slack.url + HEALTH_PATH, timeout=5)
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "database": "ok", "scheduler": "standby", "paused_channels": []}


def _serving(wsgi: object) -> tuple[str, object, threading.Thread]:
    server = make_http_server(wsgi, "127.0.0.1", 0)  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.port}", server, thread


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    unreachable = make_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'dhr.db'}")
    url, server, thread = _serving(make_wsgi_app(unreachable, None, lambda: True))
    try:
        answer = httpx.get(url + HEALTH_PATH, timeout=5)
        assert answer.status_code == 503 and answer.json()["database"] == "unreachable"
    finally:
        server.stop(thread)  # type: ignore[attr-defined]


def test_without_slack_credentials_only_healthz_is_served(engine: Engine) -> None:
    url, server, thread = _serving(make_wsgi_app(engine, None, lambda: True))
    try:
        assert httpx.get(url + HEALTH_PATH, timeout=5).json()["scheduler"] == "leader"
        assert httpx.post(url + "/slack/events", content=b"{}", timeout=5).status_code == 404
    finally:
        server.stop(thread)  # type: ignore[attr-defined]


def _serve_in_thread(settings: Settings) -> tuple[threading.Thread, threading.Event, int]:
    """serve() on a free port in a thread; (thread, stop, port) once it listens."""
    stop, ports = threading.Event(), []
    running = threading.Thread(
        target=serve, args=(settings,), daemon=True,
        kwargs={"host": "127.0.0.1", "port": 0, "stop": stop, "on_listening": ports.append},
    )
    running.start()
    wait_for(lambda: ports or not running.is_alive(), "serve() to listen")
    assert ports, "serve() stopped before it listened"
    return running, stop, ports[0]


def test_serve_leads_the_scheduler_and_stops_when_asked(tmp_path: Path) -> None:
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'dhr.db'}")
    running, stop, port = _serve_in_thread(settings)

    def health() -> dict | None:
        try:
            return httpx.get(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout=2).json()
        except httpx.HTTPError:
            return None

    assert wait_for(lambda: (h := health()) and h["scheduler"] == "leader" and h, "the scheduler lease")["ok"] is True
    stop.set()
    running.join(timeout=15)
    assert not running.is_alive()
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout=2)


class _FakeSocketMode:
    """Stands in for slack_bolt's SocketModeHandler (no WebSocket server on 127.0.0.1 here)."""

    made: ClassVar[list[_FakeSocketMode]] = []

    def __init__(self, app: object, app_token: str) -> None:
        self.app, self.app_token, self.events = app, app_token, []
        _FakeSocketMode.made.append(self)

    def connect(self) -> None:
        self.events.append("connect")

    def close(self) -> None:
        self.events.append("close")


def test_with_an_app_token_serve_uses_socket_mode_and_http_serves_only_healthz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_slack: object
) -> None:
    import slack_bolt.adapter.socket_mode as socket_mode

    monkeypatch.setattr(socket_mode, "SocketModeHandler", _FakeSocketMode)
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'dhr.db'}",
                             slack_bot_token="xoxb-riverside-test", slack_app_token="xapp-riverside-test",
                             slack_api_url=fake_slack.url)  # type: ignore[attr-defined]
    running, stop, port = _serve_in_thread(settings)

    def health() -> int | None:
        try:
            return httpx.get(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout=2).status_code
        except httpx.HTTPError:
            return None

    assert wait_for(health, "the health endpoint") == 200
    assert httpx.post(f"http://127.0.0.1:{port}/slack/events", content=b"{}", timeout=2).status_code == 404
    stop.set()
    running.join(timeout=15)
    handler = _FakeSocketMode.made[-1]
    assert handler.app_token == "xapp-riverside-test" and handler.events == ["connect", "close"]


def test_sigterm_stops_the_bot_cleanly(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys

    script = ("import logging; logging.basicConfig(level=logging.INFO); "
              "from bot.app import serve; from bot.settings import load_settings; "
              "serve(load_settings(), host='127.0.0.1', port=0, on_listening=lambda p: print(p, flush=True))")
    env = {**os.environ, "DHR_DATABASE_URL": f"sqlite:///{tmp_path / 'dhr.db'}"}
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env=env, text=True, cwd=Path(__file__).parents[2])
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        assert httpx.get(f"http://127.0.0.1:{port}{HEALTH_PATH}", timeout=5).status_code == 200
        process.send_signal(signal.SIGTERM)
        _, logged = process.communicate(timeout=30)
        assert process.returncode == 0
        assert "shutting down cleanly" in logged
        assert "another process runs the scheduler" not in logged and "Traceback" not in logged
    finally:
        if process.poll() is None:
            process.kill()
