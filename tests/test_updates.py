"""Recording progress: confident readings apply, unsure ones wait for the person to confirm."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.db import session_scope
from bot.models import Action, Contact, Event, ProgressUpdate
from bot.plans.export import export_plan
from bot.rules.statuses import ReadStatus, UpdateSource
from bot.settings import load_settings
from bot.updates import (
    Proposed,
    UpdateRefused,
    confirm_update,
    record_update,
    reject_update,
    set_away,
    snooze,
)
from tests.factories import small_plan

NOW = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)


def setup(engine: Engine) -> None:
    with session_scope(engine) as session:
        small_plan(session, load_settings(), [("1-1", "Riverside Police", date(2026, 11, 20), "in_progress")])


def action(session: Session) -> Action:
    return session.exec(select(Action).where(Action.ref == "RIV3-1-1")).one()


def priya(session: Session) -> Contact:
    return session.exec(select(Contact).where(Contact.name == "Priya Shah")).one()


def test_confident_completion_closes_the_action_and_is_audited(engine: Engine) -> None:
    setup(engine)
    with session_scope(engine) as session:
        record_update(session, action(session), Proposed(ReadStatus.COMPLETE, evidence="Policy published", confidence=0.9,
                      raw_text="Done, policy published"), source=UpdateSource.SLACK_REPLY,
                      author_contact=priya(session), author="U0PRIYA", now=NOW)
    with session_scope(engine) as session:
        assert action(session).status == "complete"
        assert "Policy published" in (action(session).progress or "")
        kinds = [e.kind for e in session.exec(select(Event).order_by(Event.id)).all()]
        assert "update.recorded" in kinds and "action.changed" in kinds


def test_unsure_reading_is_kept_but_not_applied_until_confirmed(engine: Engine) -> None:
    setup(engine)
    with session_scope(engine) as session:
        update = record_update(session, action(session), Proposed(ReadStatus.EXTENSION_REQUESTED,
                               new_due=date(2027, 3, 31), confidence=0.5, raw_text="maybe March?"),
                               source=UpdateSource.MAIL_REPLY, author_contact=priya(session), author="mail", now=NOW)
        update_id = update.id
        assert action(session).due == date(2026, 11, 20)
        assert update.confirmed is False
    with session_scope(engine) as session:
        confirm_update(session, update_id, actor="U0PRIYA", now=NOW)
        confirm_update(session, update_id, actor="U0PRIYA", now=NOW)  # a double click changes nothing more
    with session_scope(engine) as session:
        assert action(session).due == date(2027, 3, 31)
        assert action(session).status == "in_progress"
        assert len(session.exec(select(Event).where(Event.kind == "action.changed")).all()) == 1


def test_rejected_reading_never_changes_the_action(engine: Engine) -> None:
    setup(engine)
    with session_scope(engine) as session:
        update = record_update(session, action(session), Proposed(ReadStatus.COMPLETE, confidence=0.4),
                               source=UpdateSource.SLACK_REPLY, author_contact=priya(session), author="U0PRIYA", now=NOW)
        reject_update(session, update.id, actor="U0PRIYA", now=NOW)
    with session_scope(engine) as session:
        assert action(session).status == "in_progress"
        assert session.exec(select(ProgressUpdate)).one().confirmed is False


def test_no_response_reading_leaves_status_alone(engine: Engine) -> None:
    setup(engine)
    with session_scope(engine) as session:
        record_update(session, action(session), Proposed(ReadStatus.UNCLEAR, confidence=0.9, raw_text="see attached"),
                      source=UpdateSource.MAIL_REPLY, author_contact=priya(session), author="mail", now=NOW)
        assert action(session).status == "in_progress"


def test_snooze_needs_a_future_date_and_an_open_action(engine: Engine) -> None:
    setup(engine)
    with session_scope(engine) as session:
        with pytest.raises(UpdateRefused, match="future"):
            snooze(session, action(session), date(2026, 12, 1), actor="cli", now=NOW)
        snooze(session, action(session), date(2026, 12, 14), actor="cli", now=NOW)
        assert action(session).snoozed_until == date(2026, 12, 14)


def test_away_only_moves_later(engine: Engine) -> None:
    setup(engine)
    with session_scope(engine) as session:
        set_away(session, priya(session), date(2026, 12, 14), actor="mail", now=NOW)
        set_away(session, priya(session), date(2026, 12, 10), actor="mail", now=NOW)
        assert priya(session).away_until == date(2026, 12, 14)


def test_a_rejected_reading_cannot_be_confirmed_later(engine: Engine) -> None:
    setup(engine)
    with session_scope(engine) as session:
        update = record_update(session, action(session), Proposed(ReadStatus.COMPLETE, confidence=0.4),
                               source=UpdateSource.MAIL_REPLY, author_contact=priya(session), author="mail", now=NOW)
        reject_update(session, update.id, actor="mail", now=NOW)
        with pytest.raises(UpdateRefused, match="set aside"):
            confirm_update(session, update.id, actor="mail", now=NOW)
        assert action(session).status == "in_progress"


def test_dates_are_local_just_after_midnight_in_summer(engine: Engine) -> None:
    setup(engine)
    half_past_midnight_bst = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 July in London
    with session_scope(engine) as session:
        record_update(session, action(session), Proposed(ReadStatus.IN_PROGRESS, raw_text="Started", confidence=0.9),
                      source=UpdateSource.SLACK_REPLY, author_contact=priya(session), author="U0PRIYA",
                      now=half_past_midnight_bst)
        assert (action(session).progress or "").endswith("02 Jul 2026: Started")
        with pytest.raises(UpdateRefused, match="future"):
            snooze(session, action(session), date(2026, 7, 2), actor="cli", now=half_past_midnight_bst)


def test_a_lead_may_snooze_only_so_far_ahead_and_a_coordinator_further(engine: Engine) -> None:
    setup(engine)
    with session_scope(engine) as session:
        with pytest.raises(UpdateRefused, match="up to 183 days"):
            snooze(session, action(session), date(2099, 1, 1), actor="slack:U1", now=NOW, max_days=183)
        assert action(session).snoozed_until is None
        snooze(session, action(session), date(2027, 5, 1), actor="slack:U1", now=NOW, max_days=183)
        snooze(session, action(session), date(2099, 1, 1), actor="slack:UCOORD", now=NOW, max_days=None)
        assert action(session).snoozed_until == date(2099, 1, 1)


REPLY_WITH_PERSONAL_DATA = (
    "Done. The subject (DOB 12/03/1985, NHS no 943 476 5919) is flagged; her sister is on 07700 900461 and "
    "j.smith@gmail.com. Copy sam.jones@riverside.example.gov.uk and me, priya@police.example.org. By 31 March 2027."
)
MASKED_REPLY = (
    "Done. The subject ([date of birth removed], [NHS number removed]) is flagged; her sister is on "
    "[phone number removed] and [email address removed]. Copy sam.jones@riverside.example.gov.uk and me, "
    "priya@police.example.org. By 31 March 2027."
)


def _record_reply(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Contact(name="Sam Jones", email="sam.jones@riverside.example.gov.uk", role="coordinator"))
        record_update(session, action(session), Proposed(ReadStatus.COMPLETE, evidence=REPLY_WITH_PERSONAL_DATA,
                      confidence=0.9, raw_text=REPLY_WITH_PERSONAL_DATA), source=UpdateSource.MAIL_REPLY,
                      author_contact=priya(session), author="priya@police.example.org", now=NOW)


def test_personal_data_in_a_reply_is_masked_wherever_it_is_stored(engine: Engine, tmp_path: Path) -> None:
    setup(engine)
    _record_reply(engine)
    with session_scope(engine) as session:
        update = session.exec(select(ProgressUpdate)).one()
        assert update.raw_text == MASKED_REPLY and update.evidence == MASKED_REPLY
        assert update.unmasked_text is None  # the partnership keeps no original unless it says so
        assert MASKED_REPLY in (action(session).progress or "")
        recorded = session.exec(select(Event).where(Event.kind == "update.recorded")).one()
        assert recorded.data["masked"] == ["date_of_birth", "email_address", "nhs_number", "phone_number"]
        export_plan(session, "RIV3", "csv", tmp_path / "plan.csv")
    exported = (tmp_path / "plan.csv").read_text(encoding="utf-8")
    assert "[NHS number removed]" in exported
    for secret in ("12/03/1985", "943 476 5919", "07700 900461", "j.smith@gmail.com"):
        assert secret not in exported


def test_the_original_is_kept_apart_only_when_the_partnership_turns_it_on(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DHR_SAFETY__KEEP_UNMASKED_REPLIES", "true")
    setup(engine)
    _record_reply(engine)
    with session_scope(engine) as session:
        update = session.exec(select(ProgressUpdate)).one()
        assert update.raw_text == MASKED_REPLY
        assert update.unmasked_text == REPLY_WITH_PERSONAL_DATA
        assert "943 476 5919" not in (action(session).progress or "")
        export_plan(session, "RIV3", "csv", tmp_path / "plan.csv")
    assert "943 476 5919" not in (tmp_path / "plan.csv").read_text(encoding="utf-8")


def test_nothing_is_kept_apart_when_nothing_was_masked(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHR_SAFETY__KEEP_UNMASKED_REPLIES", "true")
    setup(engine)
    with session_scope(engine) as session:
        record_update(session, action(session), Proposed(ReadStatus.IN_PROGRESS, raw_text="On track for 31/03/2027"),
                      source=UpdateSource.SLACK_REPLY, author_contact=priya(session), author="U0PRIYA", now=NOW)
    with session_scope(engine) as session:
        update = session.exec(select(ProgressUpdate)).one()
        assert update.raw_text == "On track for 31/03/2027" and update.unmasked_text is None
        assert "masked" not in session.exec(select(Event).where(Event.kind.like("update.%"))).one().data  # type: ignore[attr-defined]
