from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.rules.chasing import ActionState, ChaseIntent, ChasePlan, Policy, plan_chases
from bot.rules.statuses import MessageKind
from bot.rules.workdays import is_working_day, send_day

LONDON = ZoneInfo("Europe/London")
POLICY = Policy()
PRIYA, TOM = 101, 102  # contact ids: Priya Shah (police lead), Tom Okafor (hospitals lead)


def london(y: int, m: int, d: int, hh: int = 8, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def action(
    action_id: int = 1,
    ref: str = "RIV3-2-1",
    due: date | None = date(2026, 6, 17),
    *,
    precision: str = "day",
    status: str = "in_progress",
    contact_id: int | None = PRIYA,
    **changes: object,
) -> ActionState:
    state = ActionState(
        action_id=action_id,
        ref=ref,
        status=status,
        due=due,
        precision=precision if due is not None else "none",
        snoozed_until=None,
        contact_id=contact_id,
        agency_id=1,
        last_reply_at=None,
        last_chase_at=None,
        chases_since_reply=0,
        deferred_until=None,
    )
    return replace(state, **changes)  # type: ignore[arg-type]


def apply(plan: ChasePlan, states: list[ActionState], now: datetime) -> list[ActionState]:
    """What the outbox layer records: each covered action was chased when the intent was written."""
    covered = {action_id for intent in plan.intents for action_id in intent.action_ids}
    return [
        replace(s, last_chase_at=now, chases_since_reply=s.chases_since_reply + 1) if s.action_id in covered else s
        for s in states
    ]


Sent = list[tuple[datetime, ChaseIntent]]


def simulate(
    states: list[ActionState],
    moments: Iterable[datetime],
    policy: Policy = POLICY,
    meetings: Sequence[date] = (),
    before_sweep: Callable[[datetime, list[ActionState]], list[ActionState]] | None = None,
) -> Sent:
    sent: Sent = []
    for now in moments:
        if before_sweep is not None:
            states = before_sweep(now, states)
        plan = plan_chases(states, policy, now, meetings)
        sent.extend((now, intent) for intent in plan.intents)
        states = apply(plan, states, now)
    return sent


def daily(first: date, last: date, hour: int = 8) -> list[datetime]:
    days = (last - first).days + 1
    return [london(first.year, first.month, first.day, hour) + timedelta(days=i) for i in range(days)]


def hourly_utc(first: datetime, last: datetime) -> list[datetime]:
    hours = int((last - first).total_seconds() // 3600) + 1
    return [first + timedelta(hours=i) for i in range(hours)]


def sent_days(sent: Sent) -> list[tuple[date, MessageKind]]:
    return [(intent.not_before.astimezone(LONDON).date(), intent.kind) for _, intent in sent]


def all_step_keys(sent: Sent) -> list[str]:
    return [key for _, intent in sent for key in intent.step_keys]


def test_heads_up_then_chaser_on_due_date_then_repeats_every_five_working_days() -> None:
    sent = simulate([action(due=date(2026, 6, 17))], daily(date(2026, 6, 1), date(2026, 7, 16)))

    assert sent_days(sent) == [
        (date(2026, 6, 10), MessageKind.HEADS_UP),
        (date(2026, 6, 17), MessageKind.CHASER),
        (date(2026, 6, 24), MessageKind.CHASER),
        (date(2026, 7, 1), MessageKind.CHASER),
        (date(2026, 7, 8), MessageKind.CHASER),
        (date(2026, 7, 15), MessageKind.CHASER),
    ]
    assert all_step_keys(sent)[:3] == [
        "1:heads_up:2026-06-17",
        "1:chaser:2026-06-17:2026-06-17",
        "1:chaser:2026-06-17:2026-06-24",
    ]


def test_chaser_for_a_saturday_due_date_goes_on_monday() -> None:
    sent = simulate([action(due=date(2026, 6, 20))], daily(date(2026, 6, 15), date(2026, 6, 23)))
    assert (date(2026, 6, 22), MessageKind.CHASER) in sent_days(sent)
    assert (date(2026, 6, 20), MessageKind.CHASER) not in sent_days(sent)


def test_chaser_skips_christmas_bank_holidays_and_their_substitute_day() -> None:
    sent = simulate([action(due=date(2026, 12, 25))], daily(date(2026, 12, 10), date(2026, 12, 31)))
    assert sent_days(sent) == [(date(2026, 12, 18), MessageKind.HEADS_UP), (date(2026, 12, 29), MessageKind.CHASER)]


def test_repeat_chaser_counts_working_days_over_bank_holidays() -> None:
    sent = simulate([action(due=date(2026, 12, 22))], daily(date(2026, 12, 20), date(2027, 1, 8)))
    chasers = [day for day, kind in sent_days(sent) if kind is MessageKind.CHASER]
    assert chasers == [date(2026, 12, 22), date(2026, 12, 31), date(2027, 1, 8)]


def test_reply_resets_the_clock_so_the_next_chaser_counts_from_the_reply() -> None:
    def reply_on_thursday(now: datetime, states: list[ActionState]) -> list[ActionState]:
        reply_at = london(2026, 6, 18, 14, 0)
        if now > reply_at and states[0].last_reply_at is None:
            return [replace(states[0], last_reply_at=reply_at, chases_since_reply=0)]
        return states

    sent = simulate(
        [action(due=date(2026, 6, 15))], daily(date(2026, 6, 15), date(2026, 7, 3)), before_sweep=reply_on_thursday
    )
    chasers = [day for day, kind in sent_days(sent) if kind is MessageKind.CHASER]
    assert chasers == [date(2026, 6, 15), date(2026, 6, 25), date(2026, 7, 2)]  # not 22 June


def test_reply_on_the_due_date_before_the_chaser_replaces_it() -> None:
    replied = action(due=date(2026, 6, 15), last_reply_at=london(2026, 6, 15, 7, 0))
    assert plan_chases([replied], POLICY, london(2026, 6, 15, 8, 0)).intents == ()


def test_snoozed_action_is_not_chased_before_its_snooze_date() -> None:
    snoozed = action(due=date(2026, 6, 15), snoozed_until=date(2026, 6, 19))
    sent = simulate([snoozed], daily(date(2026, 6, 1), date(2026, 6, 24)))
    assert sent_days(sent) == [(date(2026, 6, 19), MessageKind.CHASER)]


def test_out_of_office_defers_chasing_until_the_lead_is_back() -> None:
    away = action(due=date(2026, 6, 15), deferred_until=date(2026, 6, 22))
    sent = simulate([away], daily(date(2026, 6, 1), date(2026, 6, 26)))
    assert sent_days(sent) == [(date(2026, 6, 22), MessageKind.CHASER)]


@pytest.mark.parametrize("status", ["complete", "not_applicable"])
def test_closed_actions_are_never_chased(status: str) -> None:
    overdue = action(due=date(2026, 1, 15), status=status)
    undated = action(action_id=2, ref="RIV3-2-2", due=None, status=status)
    sent = simulate([overdue, undated], daily(date(2026, 1, 1), date(2026, 3, 31)), meetings=[date(2026, 2, 12)])
    assert sent == []


def test_undated_action_gets_one_update_request_before_each_board_meeting() -> None:
    ongoing = action(ref="RIV3-4-1", due=None, precision="none", status="in_progress")
    meetings = [date(2026, 7, 16), date(2026, 10, 15)]
    sent = simulate([ongoing], daily(date(2026, 6, 1), date(2026, 10, 31)), meetings=meetings)
    assert sent_days(sent) == [
        (date(2026, 7, 2), MessageKind.BOARD_UPDATE_REQUEST),
        (date(2026, 10, 1), MessageKind.BOARD_UPDATE_REQUEST),
    ]
    assert all_step_keys(sent) == ["1:board:2026-07-16", "1:board:2026-10-15"]


def test_recent_reply_counts_as_the_update_for_the_board() -> None:
    ongoing = action(due=None, last_reply_at=london(2026, 7, 3, 11, 0))
    plan = plan_chases([ongoing], POLICY, london(2026, 7, 6), [date(2026, 7, 16)])
    assert plan.intents == ()


def test_one_message_per_person_with_the_most_urgent_kind_first() -> None:
    states = [
        action(1, "RIV3-1-1", due=date(2026, 6, 22)),  # heads-up day
        action(2, "RIV3-2-1", due=date(2026, 6, 10)),  # overdue: chaser
        action(3, "RIV3-3-1", due=None),  # board update request
        action(4, "RIV3-1-2", due=date(2026, 6, 22), contact_id=TOM),
    ]
    plan = plan_chases(states, POLICY, london(2026, 6, 15, 10, 0), [date(2026, 6, 25)])

    assert [(i.contact_id, i.kind, i.action_ids) for i in plan.intents] == [
        (PRIYA, MessageKind.CHASER, (2, 3, 1)),
        (TOM, MessageKind.HEADS_UP, (4,)),
    ]


def test_a_full_message_leaves_the_rest_for_the_next_sweep() -> None:
    states = [action(i, f"RIV3-5-{i}", due=date(2026, 6, 10)) for i in range(1, 26)]
    now = london(2026, 6, 15, 10, 0)
    first = plan_chases(states, POLICY, now)
    assert [len(i.action_ids) for i in first.intents] == [20]
    assert first.held_back_action_ids == tuple(range(21, 26))

    later = plan_chases(apply(first, states, now), POLICY, now + timedelta(hours=1))
    assert [i.action_ids for i in later.intents] == [tuple(range(21, 26))]


def test_actions_without_a_lead_contact_are_returned_for_the_coordinators() -> None:
    states = [
        action(1, due=date(2026, 6, 10), contact_id=None),
        action(2, "RIV3-2-2", due=date(2026, 9, 1), contact_id=None),
    ]
    plan = plan_chases(states, POLICY, london(2026, 6, 15, 10, 0))
    assert plan.intents == ()
    assert plan.unassigned_action_ids == (1,)  # action 2 is not due anything yet


def test_the_same_inputs_give_the_same_idempotency_key_in_any_order() -> None:
    states = [action(1, due=date(2026, 6, 10)), action(2, "RIV3-2-2", due=date(2026, 6, 11))]
    now = london(2026, 6, 15, 3, 0)
    first = plan_chases(states, POLICY, now)
    again = plan_chases(list(reversed(states)), POLICY, now + timedelta(hours=2))  # a re-run after a crash
    assert [i.idempotency_key for i in first.intents] == [i.idempotency_key for i in again.intents]
    other_person = plan_chases([replace(s, contact_id=TOM) for s in states], POLICY, now)
    assert other_person.intents[0].idempotency_key != first.intents[0].idempotency_key


def test_action_already_chased_for_the_step_is_not_chased_again() -> None:
    chased = action(due=date(2026, 6, 15), last_chase_at=london(2026, 6, 15, 0, 5), chases_since_reply=1)
    assert plan_chases([chased], POLICY, london(2026, 6, 15, 14, 0)).intents == ()
    assert plan_chases([chased], POLICY, london(2026, 6, 19, 14, 0)).intents == ()
    assert len(plan_chases([chased], POLICY, london(2026, 6, 22, 9, 0)).intents) == 1


def test_a_sweep_after_friday_window_plans_mondays_chaser_only_once() -> None:
    # Heads-up day is Friday 12 June, the due date Monday 15 June. Decided on Friday evening, the
    # message goes out on Monday, so it is Monday's chaser, and Monday's own sweep adds nothing.
    states = [action(due=date(2026, 6, 15))]
    policy = Policy(heads_up_working_days=1)
    sent = simulate(states, [london(2026, 6, 12, 18, 0), london(2026, 6, 15, 3, 0), london(2026, 6, 15, 10, 0)], policy)
    assert sent_days(sent) == [(date(2026, 6, 15), MessageKind.CHASER)]


def test_not_before_is_the_next_window_opening() -> None:
    plan = plan_chases([action(due=date(2026, 6, 10))], POLICY, london(2026, 6, 13, 9, 0))  # a Saturday
    assert plan.intents[0].not_before == london(2026, 6, 15, 9, 30)


def test_naive_history_is_rejected_naming_the_action() -> None:
    with pytest.raises(ValueError, match="RIV3-2-1.*last_chase_at"):
        action(last_chase_at=datetime(2026, 6, 1, 9, 0))


@pytest.mark.parametrize(
    ("first", "last"),
    [
        # Spring: clocks go forward at 01:00 GMT on Sunday 29 March 2026.
        (datetime(2026, 3, 25, 0, 0, tzinfo=UTC), datetime(2026, 4, 2, 23, 0, tzinfo=UTC)),
        # Autumn: clocks go back at 01:00 GMT on Sunday 25 October 2026 (01:00-02:00 happens twice).
        (datetime(2026, 10, 21, 0, 0, tzinfo=UTC), datetime(2026, 10, 29, 23, 0, tzinfo=UTC)),
    ],
    ids=["spring", "autumn"],
)
def test_hourly_sweeps_across_a_clock_change_send_each_step_once_inside_the_window(
    first: datetime, last: datetime
) -> None:
    policy = Policy(heads_up_working_days=1, repeat_every_working_days=1)
    monday = first.date() + timedelta(days=(7 - first.weekday()) % 7)  # the Monday after the change
    states = [
        action(1, "RIV3-1-1", due=first.date() + timedelta(days=1)),  # chased daily from the Thursday
        action(2, "RIV3-1-2", due=monday, contact_id=TOM),  # heads-up on the Friday, chased from Monday
    ]
    sent = simulate(states, hourly_utc(first, last), policy)

    keys = all_step_keys(sent)
    assert len(keys) == len(set(keys))
    for _, intent in sent:
        local = intent.not_before.astimezone(LONDON)
        assert is_working_day(local.date())
        assert time(9, 30) <= local.time() < time(16, 30)
    last_day = send_day(last, policy.send_window)  # the last sweep plans for the next working day
    span = [first.date() + timedelta(days=i) for i in range((last_day - first.date()).days + 1)]
    working_days = [d for d in span if is_working_day(d)]
    tom_days = [day for (_, i), (day, _) in zip(sent, sent_days(sent), strict=True) if i.contact_id == TOM]
    priya_days = [day for (_, i), (day, _) in zip(sent, sent_days(sent), strict=True) if i.contact_id == PRIYA]
    # A heads-up on the Wednesday, then one chaser every working day: none skipped, none doubled.
    assert priya_days == working_days
    assert tom_days == [d for d in working_days if d >= monday - timedelta(days=3)]


# --- properties -------------------------------------------------------------------------------

_start = datetime(2026, 3, 20, 0, 0, tzinfo=UTC)

actions_strategy = st.lists(
    st.builds(
        lambda i, due_offset, status, snooze, contact: action(
            i,
            f"RIV3-9-{i}",
            due=None if due_offset is None else _start.date() + timedelta(days=due_offset),
            status=status,
            contact_id=contact,
            snoozed_until=None if snooze is None else _start.date() + timedelta(days=snooze),
        ),
        i=st.integers(1, 10_000),
        due_offset=st.none() | st.integers(-20, 60),
        status=st.sampled_from(["not_started", "in_progress", "blocked", "complete"]),
        snooze=st.none() | st.integers(0, 40),
        contact=st.none() | st.sampled_from([PRIYA, TOM]),
    ),
    max_size=8,
    unique_by=lambda s: s.action_id,
)
sweep_gaps = st.lists(st.integers(min_value=1, max_value=60 * 60 * 30), min_size=1, max_size=80)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states=actions_strategy, gaps=sweep_gaps, policy=st.builds(
    Policy,
    heads_up_working_days=st.integers(0, 6),
    repeat_every_working_days=st.integers(1, 6),
    board_update_working_days=st.integers(1, 12),
    max_actions_per_message=st.integers(1, 4),
))
def test_sweeps_with_intents_applied_never_repeat_a_step_and_send_inside_the_window(
    states: list[ActionState], gaps: list[int], policy: Policy
) -> None:
    moments = []
    now = _start
    for gap in gaps:
        now += timedelta(seconds=gap)
        moments.append(now)
    meetings = [date(2026, 4, 16), date(2026, 5, 14)]
    seen_steps: set[str] = set()
    for now in moments:
        plan = plan_chases(states, policy, now, meetings)
        for intent in plan.intents:
            assert seen_steps.isdisjoint(intent.step_keys)
            seen_steps.update(intent.step_keys)
            local = intent.not_before.astimezone(LONDON)
            assert intent.not_before >= now
            assert is_working_day(local.date()) and time(9, 30) <= local.time() < time(16, 30)
            assert len(intent.action_ids) <= policy.max_actions_per_message
        states = apply(plan, states, now)
        rerun = plan_chases(states, policy, now, meetings)  # the same sweep again, after it was applied
        assert _only_held_back(rerun, plan)


def _only_held_back(rerun: ChasePlan, plan: ChasePlan) -> bool:
    """A re-run may only pick up what the first run held back for lack of room."""
    covered = {a for intent in rerun.intents for a in intent.action_ids}
    return covered <= set(plan.held_back_action_ids)


def test_other_overdue_actions_ride_along_so_a_person_is_chased_on_one_day_not_several() -> None:
    # Two overdue actions for Priya whose repeat clocks started two days apart.
    states = [
        action(1, "RIV3-2-1", date(2026, 11, 2), last_chase_at=london(2026, 11, 30, 10)),
        action(2, "RIV3-7-1", date(2026, 11, 2), last_chase_at=london(2026, 12, 2, 10)),
    ]
    days = [london(2026, 12, d, 10) for d in range(3, 31) if is_working_day(date(2026, 12, d))]
    sent = simulate(states, days)
    # The first repeat (for 2-1) carries 7-1 along; from then on both share one message a round.
    assert [tuple(sorted(intent.action_ids)) for _, intent in sent] == [(1, 2)] * len(sent)
    assert len({now.date() for now, _ in sent}) == len(sent)


def test_a_ride_along_action_is_not_listed_twice_on_the_same_day() -> None:
    states = [
        action(1, "RIV3-2-1", date(2026, 11, 2)),
        action(2, "RIV3-7-1", date(2026, 11, 2), last_chase_at=london(2026, 12, 7, 9, 45)),
    ]
    plan = plan_chases(states, POLICY, london(2026, 12, 7, 11))
    assert [intent.action_ids for intent in plan.intents] == [(1,)]


def test_a_heads_up_does_not_pull_overdue_actions_along() -> None:
    states = [
        action(1, "RIV3-2-1", date(2026, 11, 2), last_chase_at=london(2026, 12, 3, 10)),
        action(2, "RIV3-3-1", date(2026, 12, 14)),  # heads-up due on Monday 7 December
    ]
    plan = plan_chases(states, POLICY, london(2026, 12, 7, 10))
    assert [(i.kind, i.action_ids) for i in plan.intents] == [(MessageKind.HEADS_UP, (2,))]


def test_a_recently_chased_action_does_not_ride_along_again() -> None:
    # 2-1 was chased on Monday; 7-1 falls due on Tuesday: 2-1's own repeat is four working days away.
    states = [
        action(1, "RIV3-2-1", date(2026, 11, 2), last_chase_at=london(2026, 12, 7, 10)),
        action(2, "RIV3-7-1", date(2026, 12, 8)),
    ]
    plan = plan_chases(states, POLICY, london(2026, 12, 8, 10))
    assert [i.action_ids for i in plan.intents] == [(2,)]


def test_a_reply_to_the_heads_up_answers_the_due_date_chaser_too() -> None:
    # Due Wednesday 9 December; heads-up on 2 December; Priya answered it on 3 December.
    states = [action(1, "RIV3-2-1", date(2026, 12, 9), last_chase_at=london(2026, 12, 2, 10),
                     last_reply_at=london(2026, 12, 3, 11))]
    assert plan_chases(states, POLICY, london(2026, 12, 9, 10)).intents == ()
    # The next chaser counts from her reply: five working days after 3 December.
    [intent] = plan_chases(states, POLICY, london(2026, 12, 10, 10)).intents
    assert intent.kind is MessageKind.CHASER


def test_a_reply_long_before_the_run_up_does_not_cancel_the_due_date_chaser() -> None:
    states = [action(1, "RIV3-2-1", date(2026, 12, 9), last_reply_at=london(2026, 11, 2, 11))]
    [intent] = plan_chases(states, POLICY, london(2026, 12, 9, 10)).intents
    assert intent.kind is MessageKind.CHASER
