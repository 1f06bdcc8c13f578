"""Random and damaged input: plans and mails never end in a traceback, only in a clear refusal."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.cli import app
from bot.inbox.rules import choose_message, incoming_mail, read_confirmation_reply, subject_tokens, token_to_match
from bot.inbox.trust import sender_verdict
from bot.models import Action, Event, Recommendation, Review
from bot.plans import PlanError, read_plan, read_plan_text
from bot.reading.replies import is_automatic_reply, read_replies, strip_quoted
from bot.textsafety import clean_text
from tests.plans.plan_files import ROWS, write_docx, write_xlsx

TODAY = date(2026, 12, 3)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_VALID: dict[str, bytes] = {}


def _valid(suffix: str) -> bytes:
    if suffix not in _VALID:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"plan{suffix}"
            (write_xlsx if suffix == ".xlsx" else write_docx)(path, ROWS)
            _VALID[suffix] = path.read_bytes()
    return _VALID[suffix]


def _read(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"plan{suffix}"
        path.write_bytes(data)
        try:
            read_plan(path, review_code="RIV3", today=TODAY)
        except PlanError as error:
            assert path.name in str(error) and "\n" not in str(error)


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from([".xlsx", ".docx", ".csv", ".txt", ".tsv"]))
def test_random_bytes_as_a_plan_are_read_or_refused(data: bytes, suffix: str) -> None:
    _read(data, suffix)


@FUZZ
@given(st.sampled_from([".xlsx", ".docx"]), st.data())
def test_a_damaged_office_file_is_read_or_refused(suffix: str, data: st.DataObject) -> None:
    original = bytearray(_valid(suffix))
    cut = data.draw(st.integers(min_value=1, max_value=len(original)))
    damaged = original[:cut]
    for _ in range(data.draw(st.integers(min_value=0, max_value=8))):
        if damaged:
            index = data.draw(st.integers(min_value=0, max_value=len(damaged) - 1))
            damaged[index] = data.draw(st.integers(min_value=0, max_value=255))
    _read(bytes(damaged), suffix)


@FUZZ
@given(st.text(max_size=2000))
def test_random_text_as_a_pasted_plan_is_read_or_refused(text: str) -> None:
    try:
        read_plan_text(text, review_code="RIV3", today=TODAY)
    except PlanError as error:
        assert "\n" not in str(error)


_header = st.tuples(st.sampled_from(["Authentication-Results", "X-MS-Exchange-Organization-AuthAs", "In-Reply-To",
                                     "References", "Auto-Submitted", "Subject", "X-Autoreply"]), st.text(max_size=200))


@FUZZ
@given(
    subject=st.text(max_size=300), body=st.text(max_size=3000), sender=st.text(max_size=80),
    headers=st.lists(_header, max_size=8),
)
def test_random_mail_is_read_without_a_traceback(subject: str, body: str, sender: str, headers: list[Any]) -> None:
    mail = incoming_mail({
        "id": "AAMk-fuzz", "subject": subject, "uniqueBody": {"content": body},
        "from": {"emailAddress": {"address": sender}},
        "internetMessageHeaders": [{"name": name, "value": value} for name, value in headers],
    })
    verdict = sender_verdict(mail.header_list, mail.sender)
    assert isinstance(verdict.authenticated, bool)
    choose_message(None, None, has_unknown_token=bool(subject_tokens(mail.subject)), by_conversation=[])
    token_to_match(subject_tokens(mail.subject))
    is_automatic_reply(mail.text, mail.subject, mail.headers)
    read_replies(strip_quoted(mail.text), today=TODAY, known_refs=["RIV3-4-1", "RIV3-5-1"])
    read_confirmation_reply(mail.text)


@FUZZ
@given(st.text())
def test_cleaned_text_holds_no_control_character_and_cleaning_twice_changes_nothing(text: str) -> None:
    cleaned = clean_text(text)
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in cleaned)
    assert clean_text(cleaned) == cleaned


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(data=st.binary(max_size=2048), suffix=st.sampled_from([".xlsx", ".docx", ".csv"]))
def test_dhr_import_of_random_bytes_refuses_cleanly_and_changes_nothing(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, data: bytes, suffix: str
) -> None:
    monkeypatch.setenv("DHR_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    before = _row_counts(engine)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"plan{suffix}"
        path.write_bytes(data)
        result = CliRunner().invoke(app, ["import", str(path), "--review", "RIV3"])

    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code != 0:
        assert _row_counts(engine) == before


def _row_counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {model.__name__: len(session.exec(select(model)).all())
                for model in (Review, Recommendation, Action, Event)}
