"""Export: the chase log sentences, and import(export(plan)) keeping every field in each format."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.db import session_scope
from bot.models import Action, Message, MessageAction, Partnership, ProgressUpdate, Review
from bot.plans import PlanError, read_plan
from bot.plans.export import chase_log, export_plan
from bot.plans.model import ParsedPlan
from bot.plans.store import import_plan
from bot.rules.escalation import ReplyPolicy
from tests.plans.plan_files import write_csv

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "riverside-dhr3-plan.csv"
TODAY = date(2026, 11, 25)


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _sent(
    day: str, kind: str = "chaser", *, subject: str | None = None, level: int = 1, state: str = "sent"
) -> Message:
    return Message(idempotency_key=f"{kind}-{day}", kind=kind, channel="email", state=state, sent_at=_at(day),
                   subject=subject, level=level)


def _reply(day: str, source: str = "mail_reply") -> ProgressUpdate:
    return ProgressUpdate(action_id=1, at=_at(day, 15), source=source, raw_text="x")


def test_chase_log_reads_like_the_coordinators_notes() -> None:
    messages = [_sent("2016-01-20"), _sent("2016-02-16")]

    assert chase_log(messages, []) == (
        "Chaser sent 20 Jan 2016 asking for an update by 26 Jan 2016. No response received. "
        "Follow-up sent 16 Feb 2016 asking for an update by 22 Feb 2016."
    )


def test_chase_log_works_out_the_reply_by_day_never_reads_it_from_the_message_text() -> None:
    messages = [_sent("2016-01-20", subject="[DHR-1a2b] Update needed by 11 Feb 2016 for the board")]

    assert chase_log(messages, [], replies=ReplyPolicy(reply_within_working_days=10)) == (
        "Chaser sent 20 Jan 2016 asking for an update by 2 Feb 2016."
    )


def test_chase_log_notes_replies_and_escalation() -> None:
    escalation = _sent("2026-10-29", "escalation", level=2)
    escalation.recipient_contact_id = 7
    messages = [_sent("2026-10-01"), _sent("2026-10-15"), escalation]
    replies = [_reply("2026-10-20"), _reply("2026-01-05", source="import")]

    assert chase_log(messages, replies, roles={7: "manager"}) == (
        "Chaser sent 1 Oct 2026 asking for an update by 7 Oct 2026. No response received. "
        "Follow-up sent 15 Oct 2026 asking for an update by 21 Oct 2026. Reply received 20 Oct 2026. "
        "Escalated to the agency manager 29 Oct 2026."
    )


def test_chase_log_says_whom_an_escalation_reached_and_claims_no_one_it_cannot_name() -> None:
    escalation = _sent("2026-10-29", "escalation", level=2)
    escalation.recipient_contact_id = 9

    assert chase_log([escalation], [], roles={9: "coordinator"}) == (
        "Escalated to the coordinator (no agency manager on record) 29 Oct 2026.")
    assert chase_log([escalation], []) == "Escalated 29 Oct 2026."


def test_chase_log_counts_no_refused_reply_as_an_answer() -> None:
    refused = _reply("2026-10-02")
    refused.refused = True

    assert chase_log([_sent("2026-10-01")], [refused], today=date(2026, 10, 20)) == (
        "Chaser sent 1 Oct 2026 asking for an update by 7 Oct 2026. No response received."
    )


def test_chase_log_ignores_unsent_and_other_messages() -> None:
    messages = [
        _sent("2026-10-01", state="pending"), _sent("2026-10-02", "digest"), _sent("2026-10-03", "confirmation")
    ]

    assert chase_log(messages, []) == ""
    assert chase_log([], [_reply("2026-10-20")]) == "Update received 20 Oct 2026."


def test_chase_log_uses_the_partnership_timezone() -> None:
    late = Message(idempotency_key="k", kind="chaser", channel="slack", state="sent",
                   sent_at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))

    assert chase_log([late], []) == "Chaser sent 1 Jul 2026 asking for an update by 7 Jul 2026."


def _import_example(engine: Engine) -> None:
    with session_scope(engine) as session:
        partnership = Partnership(name="Riverside Community Safety Partnership")
        session.add(partnership)
        session.flush()
        assert partnership.id is not None
        import_plan(session, read_plan(EXAMPLE, today=TODAY), partnership_id=partnership.id, source_file="x.csv",
                    actor="test")
        action = session.exec(select(Action).where(Action.ref == "RIV3-4-1")).one()
        message = _sent("2026-07-06", subject="Update needed by 20 Jul 2026")
        session.add(message)
        session.flush()
        assert message.id is not None and action.id is not None
        session.add(MessageAction(message_id=message.id, action_id=action.id))


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "csv"])
def test_round_trip_keeps_every_field(engine: Engine, tmp_path: Path, fmt: str) -> None:
    _import_example(engine)
    out = tmp_path / f"riv3.{fmt}"

    with Session(engine) as session:
        rows = export_plan(session, "RIV3", fmt, out)  # type: ignore[arg-type]
    again = read_plan(out, today=TODAY)

    assert rows == 18
    assert _fields(again) == _fields(read_plan(EXAMPLE, today=TODAY))
    with session_scope(engine) as session:
        partnership = session.exec(select(Partnership)).one()
        assert partnership.id is not None
        report = import_plan(session, again, partnership_id=partnership.id, source_file=out.name, actor="test")
    assert not report.changed and len(report.unchanged) == 18


def _fields(plan: ParsedPlan) -> dict[str, object]:
    """Everything a plan says, without where in its file it said it."""
    data = asdict(plan)
    data.pop("warnings")
    for rec in data["recommendations"]:
        rec.pop("source_row")
        for action in rec["actions"]:
            action.pop("source_row")
    return data


def test_export_adds_the_chase_log_in_its_own_column(engine: Engine, tmp_path: Path) -> None:
    _import_example(engine)
    out = tmp_path / "riv3.csv"

    with Session(engine) as session:
        export_plan(session, "RIV3", "csv", out)

    rows = _csv_rows(out)
    header = next(row for row in rows if len(row) > 1)
    log = header.index("Chase log (chaser)")
    by_ref = {row[header.index("Action ref (chaser)")]: row for row in rows if len(row) == len(header)}
    assert by_ref["RIV3-4-1"][log] == "Chaser sent 6 Jul 2026 asking for an update by 10 Jul 2026."
    assert ["Review code: RIV3"] in rows


def _csv_rows(out: Path) -> list[list[str]]:
    import csv

    with out.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_export_of_an_unknown_review_is_an_error(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session, pytest.raises(PlanError, match="no review with code 'NOPE'"):
        export_plan(session, "NOPE", "csv", tmp_path / "x.csv")


def _header_row(out: Path) -> list[str]:
    import csv

    with out.open(encoding="utf-8-sig", newline="") as handle:
        return next(row for row in csv.reader(handle) if len(row) > 1)


def test_export_writes_the_coordinators_own_headers(engine: Engine, tmp_path: Path) -> None:
    _import_example(engine)
    out = tmp_path / "riv3.csv"

    with Session(engine) as session:
        export_plan(session, "RIV3", "csv", out)

    assert _header_row(out) == [
        "Recommendation No",
        "Recommendation",
        "Section",
        "Scope of rec i.e. local or regional",
        "Key actions",
        "Lead agency",
        "Evidence of Achievement",
        "Target date for Completion",
        "Due date (chaser)",
        "Status",
        "Progress report",
        "Action ref (chaser)",
        "Chase log (chaser)",
    ]


#: A fictional plan laid out its own way: lead first, target before evidence, no progress column.
OWN_LAYOUT = ("BY WHOM Who is going to do it?", "Ref", "Recommendation", "ACTION What are we going to do?", "By when",
              "Success measure")
OWN_ROWS = (
    ("Fairfield Police", "1", "Agencies to share one risk checklist.", "Adopt the checklist in control room.",
     "31/03/2026", "Checklist in use"),
    ("Fairfield Housing", "1", "Agencies to share one risk checklist.", "Train tenancy officers on it.", "Summer 2026",
     "Training records"),
    ("Fairfield CSP", "2", "The board to audit referrals yearly.", "Book the first audit.", "tbc", "Audit report"),
)


def _import_own_layout(engine: Engine, tmp_path: Path) -> ParsedPlan:
    own = write_csv(tmp_path / "own.csv", OWN_ROWS, OWN_LAYOUT, ["Fairfield action plan", "Review code: FF1"])
    plan = read_plan(own, today=TODAY)
    with session_scope(engine) as session:
        partnership = Partnership(name="Fairfield Community Safety Partnership")
        session.add(partnership)
        session.flush()
        assert partnership.id is not None
        import_plan(session, plan, partnership_id=partnership.id, source_file="own.csv", actor="test")
    return plan


def test_export_of_a_plan_without_progress_column_names_it_progress(engine: Engine, tmp_path: Path) -> None:
    _import_own_layout(engine, tmp_path)
    out = tmp_path / "ff1.csv"

    with Session(engine) as session:
        export_plan(session, "FF1", "csv", out)

    assert _header_row(out) == [
        "BY WHOM Who is going to do it?",
        "Ref",
        "Recommendation",
        "ACTION What are we going to do?",
        "By when",
        "Due date (chaser)",
        "Status",
        "Progress",
        "Success measure",
        "Action ref (chaser)",
        "Chase log (chaser)",
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "csv"])
def test_round_trip_of_a_plan_in_its_own_column_order(engine: Engine, tmp_path: Path, fmt: str) -> None:
    plan = _import_own_layout(engine, tmp_path)
    out = tmp_path / f"ff1.{fmt}"

    with Session(engine) as session:
        export_plan(session, "FF1", fmt, out)  # type: ignore[arg-type]
    again = read_plan(out, today=TODAY)

    assert _fields(again) == _fields(plan)
    assert {name: again.column_headers[name] for name in plan.column_headers} == plan.column_headers


def test_reimport_replaces_the_remembered_headers(engine: Engine, tmp_path: Path) -> None:
    _import_own_layout(engine, tmp_path)
    renamed = ("Lead agency", "Ref", "Recommendation", "Key actions", "Target date", "Success measure", "Update")
    plan = read_plan(write_csv(tmp_path / "v2.csv", [(*row, "") for row in OWN_ROWS], renamed, ["Review code: FF1"]),
                     today=TODAY)

    with session_scope(engine) as session:
        partnership = session.exec(select(Partnership)).one()
        assert partnership.id is not None
        import_plan(session, plan, partnership_id=partnership.id, source_file="v2.csv", actor="test")
    with Session(engine) as session:
        review = session.exec(select(Review).where(Review.code == "FF1")).one()

    assert list(review.column_headers.values()) == list(renamed)
    assert review.column_headers["progress"] == "Update"


def test_export_chase_log_does_not_count_a_refused_reply_as_received(engine: Engine, tmp_path: Path) -> None:
    _import_example(engine)
    with session_scope(engine) as session:
        action = session.exec(select(Action).where(Action.ref == "RIV3-4-1")).one()
        assert action.id is not None
        # Someone not allowed to change the action answered: kept for the record, never an answer.
        session.add(ProgressUpdate(action_id=action.id, at=_at("2026-07-08", 15), source="mail_reply",
                                   raw_text="done", refused=True))
    out = tmp_path / "riv3.csv"

    with Session(engine) as session:
        export_plan(session, "RIV3", "csv", out)

    text = out.read_text(encoding="utf-8-sig")
    assert "Chaser sent 6 Jul 2026" in text
    assert "Reply received" not in text
