"""/slack/events refuses what Slack would never send before reading or parsing it."""

from __future__ import annotations

import hashlib
import hmac
import logging
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import CHANNEL_TIMEOUT
from bot.slack_gate import MAX_BODY_BYTES
from tests.slack.conftest import SIGNING_SECRET, SlackHarness, riverside_plan


def _raw(slack: SlackHarness, body: bytes, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(slack.url + "/slack/events", content=body, headers=headers, timeout=10)


def test_a_body_over_the_cap_is_refused_with_413_even_when_signed(slack: SlackHarness) -> None:
    answer = slack.post("text=" + "x" * MAX_BODY_BYTES, "application/x-www-form-urlencoded")
    assert answer.status_code == 413
    assert slack.listeners.submitted == 0


def test_a_huge_unsigned_upload_is_refused_from_its_length_without_being_read(slack: SlackHarness) -> None:
    host, port = urlsplit(slack.url).hostname, urlsplit(slack.url).port
    with socket.create_connection((host, port), timeout=10) as connection:
        connection.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 262144000\r\n\r\n" + b"{" * 1024)
        status_line = connection.recv(200).split(b"\r\n", 1)[0]
    assert b" 413 " in status_line


@pytest.mark.parametrize("headers", [
    {},
    {"X-Slack-Request-Timestamp": "yesterday", "X-Slack-Signature": "v0=abc"},
    {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "not-a-signature"},
    {"X-Slack-Request-Timestamp": str(int(time.time()))},
])
def test_malformed_unsigned_requests_get_401_and_log_no_traceback(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, headers: dict[str, str]
) -> None:
    caplog.set_level(logging.DEBUG)
    for body in (b"\xff\xfe\x00garbage", b"payload=%7B%22type", b'{"type": "event_callback", "event": ['):
        answer = _raw(slack, body, {"Content-Type": "application/json", **headers})
        assert answer.status_code == 401, body
    assert [r for r in caplog.records if r.exc_info] == []
    assert slack.listeners.submitted == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=2048), content_type=st.sampled_from(["application/json", "text/plain"]))
def test_random_unsigned_bytes_never_reach_a_listener(slack: SlackHarness, body: bytes, content_type: str) -> None:
    answer = _raw(slack, body, {"Content-Type": content_type})
    assert answer.status_code == 401
    assert slack.listeners.submitted == 0


def test_signed_bytes_that_are_not_utf8_are_a_400_not_a_traceback(slack: SlackHarness) -> None:
    riverside_plan(slack)
    body, ts = b"payload=\xff\xfe", str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    signature = f"v0={digest}"
    answer = _raw(slack, body, {"Content-Type": "application/x-www-form-urlencoded",
                                "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature})
    assert answer.status_code == 400


def test_a_stalled_half_open_connection_is_closed_by_the_server(slack: SlackHarness) -> None:
    host, port = urlsplit(slack.url).hostname, urlsplit(slack.url).port
    stalled = [socket.create_connection((host, port), timeout=10) for _ in range(20)]
    try:
        for connection in stalled:
            connection.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")  # and then nothing more
        # Meanwhile the endpoint still answers others.
        assert httpx.get(slack.url + "/healthz", timeout=10).status_code == 200
        # waitress closes each stalled connection once it has been idle CHANNEL_TIMEOUT seconds (its
        # default would keep them 120 s); the generous bound here is for a loaded test machine.
        stalled[0].settimeout(CHANNEL_TIMEOUT * 4)
        assert stalled[0].recv(100) == b""
    finally:
        for connection in stalled:
            connection.close()
