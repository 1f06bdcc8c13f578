from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.rules.chasing import ActionState, Policy, plan_chases
from bot.rules.escalation import (
    BOARD_LEVEL,
    MANAGER_LEVEL,
    RETURN_GRACE_WORKING_DAYS,
    EscalationIntent,
    EscalationPolicy,
    LadderState,
    ReplyPolicy,
    copies_lead,
    counts_towards_escalation,
    ladder_paused,
    manager_recipients,
    plan_escalations,
    reply_by,
    unanswered,
)
from bot.rules.statuses import MessageKind
from bot.rules.workdays import SendWindow, add_working_days

LONDON = ZoneInfo("Europe/London")
WINDOW = SendWindow(time(9, 30), time(16, 30))
POLICE, HOUSING = 1, 3  # agency ids: Riverside Police, Riverside Council Housing
PRIYA, GRACE = 101, 103  # their leads

DEFAULT_POLICY = EscalationPolicy()


def london(y: int, m: int, d: int, hh: int = 8, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def ladder(
    action_id: int = 1,
    ref: str = "RIV3-2-1",
    *,
    agency_id: int | None = POLICE,
    contact_id: int | None = PRIYA,
    chasers: tuple[datetime, ...] = (),
    **changes: object,
) -> LadderState:
    state = LadderState(
        action_id=action_id,
        ref=ref,
        agency_id=agency_id,
        contact_id=contact_id,
        status="in_progress",
        chases_since_reply=len(chasers),
        last_chase_at=max(chasers) if chasers else None,
        last_reply_at=None,
        manager_escalated_at=None,
        board_escalated_at=None,
    )
    return replace(state, **changes)  # type: ignore[arg-type]


def same_policy(policy: EscalationPolicy = DEFAULT_POLICY) -> Callable[[int | None], EscalationPolicy]:
    return lambda agency_id: policy


def escalate(
    states: list[LadderState], now: datetime, policy: EscalationPolicy = DEFAULT_POLICY
) -> list[EscalationIntent]:
    return plan_escalations(states, same_policy(policy), now, WINDOW)


def record(intents: list[EscalationIntent], states: list[LadderState], now: datetime) -> list[LadderState]:
    """What the outbox layer records when it writes the escalation messages."""
    levels = {(i.level, a) for i in intents for a in i.action_ids}
    updated = []
    for s in states:
        if (2, s.action_id) in levels:
            s = replace(s, manager_escalated_at=now)
        if (3, s.action_id) in levels:
            s = replace(s, board_escalated_at=now)
        updated.append(s)
    return updated


def weekday_mornings(first: date, last: date) -> list[datetime]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    return [london(d.year, d.month, d.day) for d in days if d.weekday() < 5]


def run_ladder(
    states: list[LadderState],
    moments: list[datetime],
    before_sweep: Callable[[datetime, list[LadderState]], list[LadderState]] = lambda now, s: s,
) -> list[tuple[date, int, tuple[str, ...]]]:
    sent: list[tuple[date, int, tuple[str, ...]]] = []
    for now in moments:
        states = before_sweep(now, states)
        intents = escalate(states, now)
        sent.extend((i.not_before.astimezone(LONDON).date(), i.level, i.step_keys) for i in intents)
        states = record(intents, states, now)
    return sent


TWO_CHASERS = (london(2026, 6, 1, 10), london(2026, 6, 8, 10))


def test_one_unanswered_chaser_is_not_escalated() -> None:
    assert escalate([ladder(chasers=TWO_CHASERS[:1])], london(2026, 6, 30)) == []


def test_manager_is_told_once_the_lead_has_had_time_to_answer_the_second_chaser() -> None:
    state = ladder(chasers=TWO_CHASERS)
    assert escalate([state], london(2026, 6, 9)) == []  # one working day after the chaser
    [intent] = escalate([state], london(2026, 6, 10, 7, 0))
    assert (intent.level, intent.agency_id, intent.action_ids, intent.lead_contact_ids) == (2, POLICE, (1,), (PRIYA,))
    assert intent.not_before == london(2026, 6, 10, 9, 30)


def test_ladder_climbs_to_the_board_five_working_days_after_the_manager_then_stops() -> None:
    sent = run_ladder([ladder(chasers=TWO_CHASERS)], weekday_mornings(date(2026, 6, 1), date(2026, 7, 10)))
    assert sent == [
        (date(2026, 6, 10), 2, ("1:manager:start",)),
        (date(2026, 6, 17), 3, ("1:board:2026-06-10T07:00:00Z",)),
    ]


def test_reply_between_manager_and_board_resets_the_ladder() -> None:
    reply_at = london(2026, 6, 12, 15, 0)
    later_chasers = (london(2026, 6, 19, 10), london(2026, 6, 26, 10))

    def lead_replies_then_goes_quiet(now: datetime, states: list[LadderState]) -> list[LadderState]:
        [state] = states
        if now > reply_at:
            chasers = tuple(c for c in later_chasers if c < now)
            state = replace(
                state,
                last_reply_at=reply_at,
                chases_since_reply=len(chasers),
                last_chase_at=max(chasers, default=state.last_chase_at),
            )
        return [state]

    sent = run_ladder(
        [ladder(chasers=TWO_CHASERS)],
        weekday_mornings(date(2026, 6, 1), date(2026, 7, 10)),
        before_sweep=lead_replies_then_goes_quiet,
    )
    assert [(day, level) for day, level, _ in sent] == [
        (date(2026, 6, 10), 2),  # first run of the ladder
        (date(2026, 6, 30), 2),  # no board on 17 June: the reply reset it; a new run starts
        (date(2026, 7, 7), 3),
    ]
    assert sent[1][2] == ("1:manager:2026-06-12T14:00:00Z",)  # a new step: the outbox will not drop it


def test_reply_after_the_board_escalation_stops_the_ladder() -> None:
    state = ladder(
        chasers=TWO_CHASERS,
        manager_escalated_at=london(2026, 6, 10, 9, 30),
        board_escalated_at=london(2026, 6, 17, 9, 30),
        last_reply_at=london(2026, 6, 18, 11, 0),
        chases_since_reply=0,
    )
    assert escalate([state], london(2026, 7, 15)) == []


@pytest.mark.parametrize("status", ["complete", "not_applicable"])
def test_closed_actions_never_escalate(status: str) -> None:
    state = ladder(chasers=TWO_CHASERS, status=status, manager_escalated_at=london(2026, 6, 10, 9, 30))
    assert escalate([state], london(2026, 7, 15)) == []


def test_one_intent_per_agency_per_level_grouping_its_actions() -> None:
    manager_told = london(2026, 6, 10, 9, 30)
    states = [
        ladder(1, "RIV3-2-1", chasers=TWO_CHASERS),
        ladder(2, "RIV3-10-1", chasers=TWO_CHASERS, contact_id=None),
        ladder(3, "RIV3-3-1", chasers=TWO_CHASERS, manager_escalated_at=manager_told),
        ladder(4, "RIV3-4-1", agency_id=HOUSING, contact_id=GRACE, chasers=TWO_CHASERS),
    ]
    intents = escalate(states, london(2026, 6, 18))
    assert [(i.level, i.agency_id, i.action_ids, i.lead_contact_ids) for i in intents] == [
        (2, POLICE, (1, 2), (PRIYA,)),
        (2, HOUSING, (4,), (GRACE,)),
        (3, POLICE, (3,), (PRIYA,)),
    ]
    assert len({i.idempotency_key for i in intents}) == 3


def test_per_agency_override_changes_when_that_agency_escalates() -> None:
    patient = EscalationPolicy().with_overrides({"escalate_after_chasers": 3})
    policies = {POLICE: patient}
    states = [ladder(1, chasers=TWO_CHASERS), ladder(2, "RIV3-4-1", agency_id=HOUSING, chasers=TWO_CHASERS)]
    intents = plan_escalations(states, lambda a: policies.get(a or -1, DEFAULT_POLICY), london(2026, 6, 18), WINDOW)
    assert [(i.level, i.agency_id) for i in intents] == [(2, HOUSING)]


def test_override_with_an_unknown_setting_is_rejected_naming_it() -> None:
    with pytest.raises(ValueError, match="'escalate_after_chaser'"):
        EscalationPolicy().with_overrides({"escalate_after_chaser": 3})


def test_override_with_a_bad_value_is_rejected_naming_the_setting() -> None:
    with pytest.raises(ValueError, match="board_after_working_days"):
        EscalationPolicy().with_overrides({"board_after_working_days": "soon"})


def test_the_same_inputs_give_the_same_escalation_keys() -> None:
    states = [ladder(1, chasers=TWO_CHASERS), ladder(2, "RIV3-2-2", chasers=TWO_CHASERS)]
    first = escalate(states, london(2026, 6, 18, 3, 0))
    again = escalate(list(reversed(states)), london(2026, 6, 18, 5, 0))
    assert [i.idempotency_key for i in first] == [i.idempotency_key for i in again]


def test_chasing_and_the_ladder_together_over_weeks() -> None:
    """The two planners as a sweep runs them: chasers feed the ladder's count."""
    chase = ActionState(
        action_id=1,
        ref="RIV3-2-1",
        status="not_started",
        due=date(2026, 6, 15),
        precision="day",
        snoozed_until=None,
        contact_id=PRIYA,
        agency_id=POLICE,
        last_reply_at=None,
        last_chase_at=None,
        chases_since_reply=0,
        deferred_until=None,
    )
    rung = ladder(chasers=())
    log: list[tuple[date, str]] = []
    for now in weekday_mornings(date(2026, 6, 1), date(2026, 7, 3)):
        for intent in plan_chases([chase], Policy(), now).intents:
            log.append((intent.not_before.astimezone(LONDON).date(), intent.kind))
            chase = replace(chase, last_chase_at=now)
            if intent.kind is MessageKind.CHASER:  # the ladder counts chasers, not the heads-up
                rung = replace(rung, last_chase_at=now, chases_since_reply=rung.chases_since_reply + 1)
        intents = escalate([rung], now)
        log.extend((i.not_before.astimezone(LONDON).date(), f"level {i.level}") for i in intents)
        rung = record(intents, [rung], now)[0]

    assert log == [
        (date(2026, 6, 8), MessageKind.HEADS_UP),
        (date(2026, 6, 15), MessageKind.CHASER),
        (date(2026, 6, 22), MessageKind.CHASER),
        (date(2026, 6, 24), "level 2"),
        (date(2026, 6, 29), MessageKind.CHASER),
        (date(2026, 7, 1), "level 3"),
    ]


# The rest of the ladder: reply-by days, which chasers count, pauses, recipients, copies -------


def test_a_chaser_asks_for_an_answer_within_its_reply_window_counting_its_send_day() -> None:
    replies = ReplyPolicy(reply_within_working_days=5)
    assert reply_by(MessageKind.CHASER, date(2026, 12, 2), replies) == date(2026, 12, 8)  # Wed -> Tue
    assert reply_by(MessageKind.ESCALATION, date(2026, 12, 2), replies) == date(2026, 12, 8)
    assert reply_by(MessageKind.HEADS_UP, date(2026, 12, 2), replies) is None


def test_a_board_update_request_asks_for_an_answer_by_the_next_meetings_digest_day() -> None:
    replies = ReplyPolicy(board_working_days_before=5)
    meetings = [date(2026, 12, 10), date(2027, 1, 14)]
    assert reply_by(MessageKind.BOARD_UPDATE_REQUEST, date(2026, 12, 11), replies, meetings) == date(2027, 1, 7)
    assert reply_by(MessageKind.BOARD_UPDATE_REQUEST, date(2027, 1, 15), replies, meetings) is None


def test_a_board_update_request_sent_on_its_reply_by_day_asks_for_the_next_working_day() -> None:
    replies = ReplyPolicy(board_working_days_before=5)
    meetings = [date(2026, 12, 10)]  # Thursday: five working days before is Thursday 3 December
    asked_on_time = reply_by(MessageKind.BOARD_UPDATE_REQUEST, date(2026, 12, 2), replies, meetings)
    asked_late = reply_by(MessageKind.BOARD_UPDATE_REQUEST, date(2026, 12, 3), replies, meetings)
    asked_after = reply_by(MessageKind.BOARD_UPDATE_REQUEST, date(2026, 12, 4), replies, meetings)  # Friday

    assert asked_on_time == date(2026, 12, 3)
    assert asked_late == add_working_days(date(2026, 12, 3), 1) == date(2026, 12, 4)
    assert asked_after == add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)  # past the weekend


@pytest.mark.parametrize("within", [0, 1])
def test_a_chaser_never_asks_for_an_answer_on_the_day_it_is_sent(within: int) -> None:
    replies = ReplyPolicy(reply_within_working_days=within)
    christmas_eve = date(2026, 12, 24)  # Thursday, then two bank holidays and a weekend

    assert reply_by(MessageKind.CHASER, christmas_eve, replies) == add_working_days(christmas_eve, 1)
    assert reply_by(MessageKind.CHASER, christmas_eve, replies) == date(2026, 12, 29)


def test_the_manager_hears_the_working_day_after_the_chasers_reply_by_day() -> None:
    chased = london(2026, 12, 2, 10)  # Wednesday; reply by Tuesday 8 December
    state = ladder(chasers=(london(2026, 11, 25, 10), chased))
    policy = EscalationPolicy(grace_working_days=5)
    assert escalate([state], london(2026, 12, 8, 10), policy) == []
    assert [i.level for i in escalate([state], london(2026, 12, 9, 10), policy)] == [MANAGER_LEVEL]


def test_only_chasers_sent_once_the_action_was_due_count_towards_escalation() -> None:
    due = date(2026, 12, 1)
    assert counts_towards_escalation(MessageKind.CHASER.value, due, due)
    assert not counts_towards_escalation(MessageKind.CHASER.value, date(2026, 11, 30), due)
    assert not counts_towards_escalation(MessageKind.HEADS_UP.value, date(2026, 12, 2), due)
    assert not counts_towards_escalation(MessageKind.CHASER.value, date(2026, 12, 2), None)


def test_a_chaser_never_delivered_does_not_count_towards_escalation() -> None:
    """Still queued behind a paused channel, or dead: it asked nobody anything (issue 15)."""
    assert not counts_towards_escalation(MessageKind.CHASER.value, None, date(2026, 12, 1))


def test_unanswered_chasers_are_those_since_the_last_reply() -> None:
    chasers = [london(2026, 12, 2, 10), london(2026, 12, 9, 10)]
    assert unanswered(chasers, None) == chasers
    assert unanswered(chasers, london(2026, 12, 3, 10)) == chasers[1:]


def test_the_ladder_waits_while_snoozed_and_for_two_working_days_after_the_lead_is_back() -> None:
    today = date(2026, 12, 9)  # Wednesday
    assert ladder_paused(date(2026, 12, 10), None, today)
    assert not ladder_paused(date(2026, 12, 9), None, today)
    assert ladder_paused(None, date(2026, 12, 8), today)  # back Tuesday: catching up until Thursday
    assert not ladder_paused(None, date(2026, 12, 7), today)
    assert RETURN_GRACE_WORKING_DAYS == 2


def test_an_agency_without_a_manager_escalates_to_the_coordinators_who_are_told_why() -> None:
    assert manager_recipients([7, 8], [1]) == ([7, 8], False)
    assert manager_recipients([], [1, 2]) == ([1, 2], True)


def test_the_lead_is_copied_into_mail_to_their_manager_never_into_slack_or_the_board() -> None:
    assert copies_lead(MANAGER_LEVEL, "email") and copies_lead(MANAGER_LEVEL, "outbox")
    assert not copies_lead(MANAGER_LEVEL, "slack")
    assert not copies_lead(BOARD_LEVEL, "email")
