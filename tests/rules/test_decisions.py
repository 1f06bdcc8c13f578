"""The stored decision day against the rules it stands for (bot/rules/decisions.py).

The sweep reads only the actions whose stored day has come, so the day must never be later than
any step the full rules would take: on every working day before it, `due_step`, the companion rule
and `next_rung` (outside a pause) all say nothing. And it must not be uselessly early: an action
read on a day when nothing is due gets a later day, or none, so it is not read at every sweep.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.rules.chasing import ActionState, Policy, board_requests_open, due_step, next_chase_day
from bot.rules.decisions import decision_basis, next_decision_day
from bot.rules.escalation import EscalationPolicy, LadderState, ReplyPolicy, ladder_paused, next_rung, next_rung_day
from bot.rules.statuses import ActionStatus, Precision
from bot.rules.workdays import SendWindow, add_working_days, is_working_day

WINDOW = SendWindow(time(9, 30), time(16, 30))
START = date(2026, 11, 2)
HORIZON = 150  # days looked at after `today`: longer than any interval the strategies draw


def _moment(day: date, minutes: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minutes)


def _near(today: date, before: int = 30, after: int = 30) -> st.SearchStrategy[date]:
    """Days around `today`, where the rules' edges are."""
    return st.integers(min_value=-before, max_value=after).map(lambda n: today + timedelta(days=n))


def _moments(today: date) -> st.SearchStrategy[datetime]:
    return st.builds(_moment, _near(today, after=0), st.integers(min_value=0, max_value=24 * 60 - 1))


@st.composite
def cases(draw: st.DrawFn) -> tuple[ActionState, LadderState, Policy, EscalationPolicy, list[date], date]:
    policy = Policy(
        heads_up_working_days=draw(st.integers(0, 8)),
        repeat_every_working_days=draw(st.integers(1, 8)),
        board_update_working_days=draw(st.integers(1, 12)),
        send_window=WINDOW,
    )
    escalation = EscalationPolicy(
        escalate_after_chasers=draw(st.integers(1, 3)),
        board_after_working_days=draw(st.integers(1, 8)),
        grace_working_days=draw(st.integers(0, 6)),
    )
    today = draw(_near(START, 60, 60).filter(is_working_day))
    days, moments = _near(today), _moments(today)
    undated = draw(st.booleans())
    due = None if undated and draw(st.booleans()) else draw(days)
    precision = Precision.NONE if undated else draw(st.sampled_from([Precision.DAY, Precision.MONTH]))
    status = draw(st.sampled_from([ActionStatus.NOT_STARTED, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETE]))
    reply = draw(st.none() | moments)
    chases = sorted(draw(st.lists(moments, max_size=4)))
    delivered = [c for c in chases if draw(st.booleans())]  # some were only queued
    since_reply = [c for c in delivered if reply is None or c > reply]
    manager = draw(st.none() | moments)
    board = draw(st.none() | moments) if manager is not None else None
    contact = draw(st.none() | st.just(7))
    state = ActionState(
        action_id=1, ref="TST1-1-1", status=status.value, due=due, precision=precision.value,
        snoozed_until=draw(st.none() | days), contact_id=contact, agency_id=3,
        last_reply_at=reply, last_chase_at=max(chases) if chases else None,
        chases_since_reply=sum(1 for c in chases if reply is None or c > reply),
        deferred_until=draw(st.none() | days) if contact is not None else None,
    )
    ladder = LadderState(
        action_id=1, ref="TST1-1-1", agency_id=3, contact_id=contact, status=status.value,
        chases_since_reply=len(since_reply), last_chase_at=max(delivered) if delivered else None,
        last_reply_at=reply, manager_escalated_at=manager, board_escalated_at=board,
    )
    meetings = draw(st.lists(_near(today, 5, 40), max_size=3))
    return state, ladder, policy, escalation, meetings, today


def _chase_due(state: ActionState, policy: Policy, meetings: list[date], day: date) -> bool:
    """Whether chasing takes a step of the action's own on send day `day` (riding along in another
    action's chaser is not: the sweep reads every action of a person it chases)."""
    return due_step(state, policy, day, board_requests_open(meetings, policy, day)) is not None


def _rung_due(state: ActionState, ladder: LadderState, escalation: EscalationPolicy, day: date) -> bool:
    if ladder_paused(state.snoozed_until, state.deferred_until, day):
        return False
    return next_rung(ladder, escalation, day, WINDOW) is not None


def _working_days(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count) if is_working_day(first + timedelta(days=n))]


def _days_before(today: date, decided: date | None) -> list[date]:
    """The send days from `today` before `decided` (up to HORIZON days when there is none)."""
    last = decided if decided is not None else today + timedelta(days=HORIZON)
    return _working_days(today, min((last - today).days, HORIZON))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_chasing_takes_no_step_before_its_day(case) -> None:  # type: ignore[no-untyped-def]
    state, _ladder, policy, _escalation, meetings, today = case
    decided = next_chase_day(state, policy, today, meetings)
    for day in _days_before(today, decided):
        assert not _chase_due(state, policy, meetings, day), (day, decided)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_escalation_takes_no_step_before_its_day(case) -> None:  # type: ignore[no-untyped-def]
    state, ladder, _policy, escalation, _meetings, today = case
    decided = next_rung_day(ladder, escalation, WINDOW, state.snoozed_until, state.deferred_until)
    for day in _days_before(today, decided):
        assert not _rung_due(state, ladder, escalation, day), (day, decided)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_the_stored_day_is_the_earlier_of_the_two(case) -> None:  # type: ignore[no-untyped-def]
    state, ladder, policy, escalation, meetings, today = case
    days = [d for d in (next_chase_day(state, policy, today, meetings),
                        next_rung_day(ladder, escalation, WINDOW, state.snoozed_until, state.deferred_until)) if d]
    assert next_decision_day(state, ladder, policy, escalation, today, meetings) == min(days, default=None)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_an_action_read_when_nothing_is_due_gets_a_later_day(case) -> None:  # type: ignore[no-untyped-def]
    """A day that has come means a rule takes a step that day: an action read on a send day when
    nothing is due must be given a later day (or none), or every sweep would read it again."""
    state, ladder, policy, escalation, meetings, today = case
    chase_day = next_chase_day(state, policy, today, meetings)
    if chase_day is not None and chase_day <= today:
        assert _chase_due(state, policy, meetings, today), chase_day
    rung_day = next_rung_day(ladder, escalation, WINDOW, state.snoozed_until, state.deferred_until)
    if rung_day is not None and rung_day <= today:
        assert _rung_due(state, ladder, escalation, today), rung_day


def test_a_dated_action_is_next_decided_on_its_heads_up_day() -> None:
    policy = Policy(heads_up_working_days=5, send_window=WINDOW)
    state = ActionState(1, "TST1-1-1", "in_progress", date(2026, 12, 18), "day", None, 7, 3, None, None, 0, None)
    assert next_chase_day(state, policy, date(2026, 12, 1)) == add_working_days(date(2026, 12, 18), -5)


def test_a_snooze_or_an_absence_moves_the_day_to_its_end() -> None:
    policy = Policy(heads_up_working_days=0, send_window=WINDOW)
    state = ActionState(1, "TST1-1-1", "in_progress", date(2026, 12, 1), "day", date(2027, 1, 11), 7, 3,
                        None, None, 0, date(2027, 1, 4))
    assert next_chase_day(state, policy, date(2026, 12, 7)) == date(2027, 1, 11)


def test_an_undated_action_waits_for_the_next_board_request_and_without_meetings_for_nothing() -> None:
    policy = Policy(board_update_working_days=10, send_window=WINDOW)
    state = ActionState(1, "TST1-1-1", "in_progress", None, "none", None, 7, 3, None, None, 0, None)
    meeting = date(2027, 3, 10)
    assert next_chase_day(state, policy, date(2026, 12, 7), [meeting]) == add_working_days(meeting, -10)
    assert next_chase_day(state, policy, date(2026, 12, 7), []) is None


def test_a_closed_action_and_a_ladder_at_its_top_need_no_decision() -> None:
    policy, escalation = Policy(send_window=WINDOW), EscalationPolicy()
    closed = ActionState(1, "TST1-1-1", "complete", date(2026, 12, 1), "day", None, 7, 3, None, None, 0, None)
    assert next_chase_day(closed, policy, date(2026, 12, 7)) is None
    at_top = LadderState(1, "TST1-1-1", 3, 7, "in_progress", 3, _moment(date(2026, 11, 2), 600), None,
                         _moment(date(2026, 11, 9), 600), _moment(date(2026, 11, 16), 600))
    assert next_rung_day(at_top, escalation, WINDOW) is None


def test_the_basis_changes_with_a_meeting_a_policy_or_an_agency_override() -> None:
    policy, replies, escalation = Policy(send_window=WINDOW), ReplyPolicy(), EscalationPolicy()
    basis = decision_basis(policy, replies, escalation, {3: None}, [date(2027, 3, 10)])
    assert basis == decision_basis(policy, replies, escalation, {3: {}}, [date(2027, 3, 10), date(2027, 3, 10)])
    assert basis != decision_basis(policy, replies, escalation, {3: None}, [date(2027, 3, 11)])
    assert basis != decision_basis(Policy(repeat_every_working_days=3, send_window=WINDOW), replies, escalation,
                                   {3: None}, [date(2027, 3, 10)])
    assert basis != decision_basis(policy, replies, escalation, {3: {"escalate_after_chasers": 3}},
                                   [date(2027, 3, 10)])


def test_a_reply_in_the_run_up_answers_the_due_date_chaser_so_the_day_counts_from_it() -> None:
    policy = Policy(heads_up_working_days=5, repeat_every_working_days=10, send_window=WINDOW)
    replied = datetime(2026, 12, 8, 11, tzinfo=UTC)  # Tuesday, in the run-up to Friday 11 December
    state = ActionState(1, "TST1-1-1", "in_progress", date(2026, 12, 11), "day", None, 7, 3, replied, None, 0, None)
    # Not the due date: the reply answered it, and the next chaser counts from the reply.
    assert next_chase_day(state, policy, date(2026, 12, 14)) == date(2026, 12, 22)
    assert due_step(state, policy, date(2026, 12, 14)) is None
