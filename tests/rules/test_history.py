"""The vocabulary of an action's history: chases, answers, live actions and the chase log."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.rules.history import LoggedAsk, chase_log, is_answer, is_chase, is_live
from bot.rules.statuses import MessageKind, Role, UpdateSource

REMOVED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def local(moment: datetime) -> date:
    return moment.date()  # these tests are in UTC, where 10:00 and 15:00 fall on the day itself


def ask(day: str, kind: MessageKind = MessageKind.CHASER, *, by: str | None = None, level: int = 1) -> LoggedAsk:
    return LoggedAsk(kind.value, level, at(day), date.fromisoformat(by) if by else None)


def test_an_action_removed_from_the_plan_is_not_live_even_while_open() -> None:
    assert is_live("in_progress", None)
    assert not is_live("in_progress", REMOVED)
    assert not is_live("complete", None)
    assert not is_live("not_applicable", None)


def test_a_refused_reply_never_counts_as_an_answer() -> None:
    assert is_answer(UpdateSource.MAIL_REPLY.value, refused=False)
    assert not is_answer(UpdateSource.MAIL_REPLY.value, refused=True)
    assert not is_answer(UpdateSource.IMPORT.value, refused=False)


def test_heads_ups_chasers_and_update_requests_are_chases_escalations_are_not() -> None:
    chases = [MessageKind.HEADS_UP, MessageKind.CHASER, MessageKind.BOARD_UPDATE_REQUEST]
    assert all(is_chase(kind.value) for kind in chases)
    assert not is_chase(MessageKind.ESCALATION.value) and not is_chase(MessageKind.DIGEST.value)


def test_an_unanswered_chaser_is_no_response_once_its_reply_by_day_has_passed() -> None:
    asks = [ask("2026-12-02", by="2026-12-08")]

    assert chase_log(asks, [], local, today=date(2026, 12, 8)) == (
        "Chaser sent 2 Dec 2026 asking for an update by 8 Dec 2026."
    )
    assert chase_log(asks, [], local, today=date(2026, 12, 9)) == (
        "Chaser sent 2 Dec 2026 asking for an update by 8 Dec 2026. No response received."
    )


def test_the_log_opens_with_the_last_response_before_the_first_ask() -> None:
    answers = [at("2026-11-20", 15), at("2026-11-25", 15)]

    assert chase_log([ask("2026-12-02")], answers, local) == "Last response 25 Nov 2026. Chaser sent 2 Dec 2026."


def test_a_chaser_after_an_answer_or_an_escalation_starts_a_new_run() -> None:
    asks = [
        ask("2026-10-01"),
        ask("2026-10-15"),
        ask("2026-10-22", MessageKind.ESCALATION, level=3, by="2026-10-28"),
        ask("2026-11-05"),
        ask("2026-11-12"),
    ]

    assert chase_log(asks, [at("2026-11-06", 15)], local) == (
        "Chaser sent 1 Oct 2026. No response received. Follow-up sent 15 Oct 2026. No response received. "
        "Escalated to the board 22 Oct 2026. No response received. Chaser sent 5 Nov 2026. Reply received 6 Nov 2026. "
        "Chaser sent 12 Nov 2026."
    )


def test_heads_ups_ask_nothing_and_stay_out_of_the_log() -> None:
    asks = [
        ask("2026-11-25", MessageKind.HEADS_UP),
        ask("2026-12-01", MessageKind.BOARD_UPDATE_REQUEST, by="2026-12-03"),
    ]

    assert chase_log(asks, [], local) == "Update for the board requested 1 Dec 2026 asking for an update by 3 Dec 2026."


def test_a_level_two_escalation_is_logged_as_reaching_whoever_it_was_sent_to() -> None:
    def escalated(role: str | None) -> str:
        return chase_log([LoggedAsk(MessageKind.ESCALATION.value, 2, at("2026-12-16"), None, role)], [], local)

    assert escalated(Role.MANAGER.value) == "Escalated to the agency manager 16 Dec 2026."
    assert escalated(Role.COORDINATOR.value) == "Escalated to the coordinator (no agency manager on record) 16 Dec 2026."
    assert escalated(None) == "Escalated 16 Dec 2026."  # nobody on record: no claim of who it reached
