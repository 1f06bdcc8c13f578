"""Random mail through the real inbox poll and random Slack-SIGNED requests through the real endpoint:
never a traceback or a server error, and nothing in the plan changes on what is refused.

Signed bodies are what a leaked signing secret or a buggy proxy would send: they pass the gate, so
they reach Bolt and our listeners, where the unsigned fuzz in tests/slack never gets."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.models import Action, Contact, Message
from tests.inbox.conftest import SAM, TOM, Mailroom
from tests.slack.conftest import TEAM, SlackHarness, riverside_plan

AS_FIXTURES = settings(max_examples=25, deadline=None,
                       suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
REFS = ["RIV3-1-1", "RIV3-4-1", "RIV3-4-2", "RIV3-5-1", "RIV3-9-9"]
_words = st.sampled_from(["done", "complete", "not", "yet", "by", "31 March 2027", "next week", "back on",
                          "out of office", "1 January 2099", "yes", "no", "stuck", "&amp;", "<@U0PRIYA>",
                          "<https://x.example|link>", "\x00", "\u202e", "🙂", *REFS])
_reply_text = st.one_of(st.text(max_size=600), st.lists(_words, max_size=25).map(" ".join))


def _plan_state(engine: Engine) -> list[tuple[Any, ...]]:
    """What a refused input must never change: every action's status, dates and owner, and who is away."""
    with Session(engine) as session:
        actions = [(a.ref, a.status, a.due, a.snoozed_until, a.progress, a.lead_agency_id, a.lead_contact_id)
                   for a in session.exec(select(Action).order_by(col(Action.id))).all()]
        away = [(c.email, c.away_until) for c in session.exec(select(Contact).order_by(col(Contact.id))).all()]
    return [*actions, *away]


_headers = st.lists(st.tuples(
    st.sampled_from(["Authentication-Results", "Auto-Submitted", "X-Auto-Response-Suppress", "Content-Type",
                     "In-Reply-To", "References", "X-MS-Exchange-Organization-AuthAs", "Precedence"]),
    st.text(max_size=120)), max_size=6)


@AS_FIXTURES
@given(text=_reply_text, subject=st.one_of(st.none(), st.text(max_size=120)), headers=_headers,
       authentication=st.sampled_from(["fail", "none"]), sender=st.sampled_from([SAM, TOM]))
def test_random_unauthenticated_mail_is_held_and_changes_nothing(
    mailroom: Mailroom, caplog: pytest.LogCaptureFixture, text: str, subject: str | None,
    headers: list[tuple[str, str]], authentication: str, sender: str,
) -> None:
    before = _plan_state(mailroom.engine)
    caplog.clear()
    mailroom.fake.deliver_reply(mailroom.sent_to(sender), sender, text, subject=subject, headers=headers,
                                authentication=authentication)

    with caplog.at_level(logging.WARNING):
        report = mailroom.poll()

    assert report.seen >= 1
    assert _plan_state(mailroom.engine) == before
    assert [r for r in caplog.records if r.exc_info] == []


@AS_FIXTURES
@given(text=_reply_text, headers=_headers, sender=st.sampled_from([SAM, TOM, "stranger@elsewhere.example"]))
def test_random_authenticated_mail_is_read_or_quarantined_without_a_traceback(
    mailroom: Mailroom, caplog: pytest.LogCaptureFixture, text: str, headers: list[tuple[str, str]], sender: str,
) -> None:
    caplog.clear()
    mailroom.fake.deliver_reply(mailroom.sent_to(TOM), sender, text, headers=headers)
    with caplog.at_level(logging.WARNING):
        report = mailroom.poll()
    assert report.seen >= 1
    assert [r for r in caplog.records if r.exc_info] == []


_json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=40))
_json = st.recursive(_json_scalar, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=5)), max_leaves=20)
_event = st.fixed_dictionaries(
    {"type": st.sampled_from(["message", "app_home_opened", "app_mention", "reaction_added", "nonsense"])},
    optional={"user": st.sampled_from(["U0STRANGER", "", "USLACKBOT"]), "text": _reply_text,
              "channel": st.sampled_from(["D0PRIYA", "C0DHRTEAM", ""]), "ts": st.text(max_size=20),
              "thread_ts": st.sampled_from(["1.000001", "x", ""]), "subtype": st.text(max_size=20),
              "bot_id": st.text(max_size=8), "extra": _json},
)


def _signed_bodies() -> st.SearchStrategy[tuple[str, str]]:
    events = _event.map(lambda e: (json.dumps({"type": "event_callback", "team_id": TEAM["id"], "event": e,
                                                "event_id": "Ev" + str(abs(hash(json.dumps(e, sort_keys=True))))}),
                                   "application/json"))
    commands = st.tuples(st.sampled_from(["/dhr", "/other", ""]), _reply_text).map(lambda ct: (urlencode({
        "team_id": TEAM["id"], "user_id": "U0STRANGER", "command": ct[0], "text": ct[1],
        "trigger_id": f"fuzz.{abs(hash(ct))}", "response_url": "http://127.0.0.1:9/nowhere"}),
        "application/x-www-form-urlencoded"))
    interactions = _json.map(lambda payload: (urlencode({"payload": json.dumps(payload)}),
                                              "application/x-www-form-urlencoded"))
    anything = st.tuples(st.text(max_size=400), st.sampled_from(["application/json",
                                                                 "application/x-www-form-urlencoded"]))
    return st.one_of(events, commands, interactions, anything)


@AS_FIXTURES
@given(request=_signed_bodies())
def test_random_signed_slack_requests_get_no_server_error_and_change_nothing(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture, request: tuple[str, str]
) -> None:
    if not _plan_state(slack.engine):
        riverside_plan(slack)
    before = _plan_state(slack.engine)
    caplog.clear()
    body, content_type = request

    with caplog.at_level(logging.WARNING):
        answer = slack.post(body, content_type)
        slack.listeners.settle()

    assert answer.status_code < 500
    assert _plan_state(slack.engine) == before
    with Session(slack.engine) as session:
        assert session.exec(select(Message)).all() == []
    assert [r for r in caplog.records if r.exc_info] == []
