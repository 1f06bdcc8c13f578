"""The outbox on both databases: each message goes out once, through crashes, 429s and dead letters."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.channels.base import DeliveryError, Envelope, Receipt
from bot.db import session_scope
from bot.models import Event, Message
from bot.outbox import DeliveryPolicy, NewMessage, deliver_due, deliver_one, enqueue, retry_delay
from bot.rules.statuses import ChannelKind

MONDAY_10AM = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


class Crash(BaseException):
    """Stands in for the process being killed: nothing after it runs, nothing uncommitted survives."""


class RecordingChannel:
    """A transport that remembers what it delivered, and can fail on demand."""

    kind = ChannelKind.SLACK

    def __init__(self) -> None:
        self.delivered: list[Envelope] = []
        self.failures: list[DeliveryError] = []
        self.lock = threading.Lock()

    def send(self, envelope: Envelope) -> Receipt:
        with self.lock:
            if self.failures:
                raise self.failures.pop(0)
            self.delivered.append(envelope)
            return Receipt(slack_channel="D" + envelope.to_address, slack_ts=f"{len(self.delivered)}.0001")

    def find_sent(self, envelope: Envelope, since: datetime) -> Receipt | None:
        for index, sent in enumerate(self.delivered, start=1):
            if sent.message_id == envelope.message_id:
                return Receipt(slack_channel="D" + sent.to_address, slack_ts=f"{index}.0001")
        return None


def queue(engine: Engine, key: str, *, not_before: datetime | None = None) -> int:
    with session_scope(engine) as session:
        message = enqueue(
            session,
            NewMessage(
                idempotency_key=key,
                kind="chaser",
                channel="slack",
                recipient_contact_id=None,
                recipient_address="U0PRIYA",
                subject="Update needed",
                body_text="Please send an update on RIV3-2-1.",
                not_before=not_before,
            ),
            now=MONDAY_10AM,
            actor="test",
        )
        assert message is not None and message.id is not None
        return message.id


def states(engine: Engine) -> dict[str, str]:
    with session_scope(engine) as session:
        return {m.idempotency_key: m.state for m in session.exec(select(Message)).all()}


def test_the_same_intent_is_queued_once(engine: Engine) -> None:
    queue(engine, "k1")
    with session_scope(engine) as session:
        again = enqueue(
            session,
            NewMessage("k1", "chaser", "slack", None, "U0PRIYA", "s", "t"),
            now=MONDAY_10AM,
            actor="test",
        )
    assert again is None
    assert list(states(engine)) == ["k1"]


def test_a_message_is_not_sent_before_its_time(engine: Engine) -> None:
    channel = RecordingChannel()
    queue(engine, "later", not_before=MONDAY_10AM + timedelta(hours=1))
    assert not deliver_one(engine, {"slack": channel}, MONDAY_10AM, worker="w1")
    assert deliver_one(engine, {"slack": channel}, MONDAY_10AM + timedelta(hours=1), worker="w1")
    assert states(engine) == {"later": "sent"}


def test_sent_message_keeps_the_slack_ids_for_replies(engine: Engine) -> None:
    channel = RecordingChannel()
    queue(engine, "k1")
    deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM, worker="w1")
    with session_scope(engine) as session:
        sent = session.exec(select(Message)).one()
    assert (sent.slack_channel, sent.slack_ts, sent.sent_at) == ("DU0PRIYA", "1.0001", MONDAY_10AM)


def test_rate_limited_message_waits_at_least_retry_after(engine: Engine) -> None:
    channel = RecordingChannel()
    channel.failures.append(DeliveryError("slow down", permanent=False, retry_after=1800, code="ratelimited"))
    queue(engine, "k1")
    deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM, worker="w1")
    assert states(engine) == {"k1": "failed"}
    assert not deliver_one(engine, {"slack": channel}, MONDAY_10AM + timedelta(minutes=29), worker="w1")
    assert deliver_one(engine, {"slack": channel}, MONDAY_10AM + timedelta(minutes=30), worker="w1")
    assert states(engine) == {"k1": "sent"} and len(channel.delivered) == 1


def test_permanent_failure_is_dead_lettered_and_audited(engine: Engine) -> None:
    channel = RecordingChannel()
    channel.failures.append(DeliveryError("no such user", permanent=True, code="users_not_found"))
    queue(engine, "k1")
    report = deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM, worker="w1")
    assert report.dead and states(engine) == {"k1": "dead"}
    with session_scope(engine) as session:
        event = session.exec(select(Event).where(Event.kind == "message.dead")).one()
    assert event.data["error"] == "users_not_found"


def test_gives_up_after_max_attempts(engine: Engine) -> None:
    policy = DeliveryPolicy(max_attempts=3)
    channel = RecordingChannel()
    channel.failures.extend(DeliveryError("down", permanent=False, code="http_503") for _ in range(5))
    queue(engine, "k1")
    now = MONDAY_10AM
    for _ in range(3):
        deliver_due(engine, {"slack": channel}, lambda now=now: now, worker="w1", policy=policy)
        now += timedelta(days=1)
    assert states(engine) == {"k1": "dead"}
    assert channel.delivered == []


def test_backoff_grows_and_honours_retry_after() -> None:
    policy = DeliveryPolicy(first_retry=timedelta(minutes=1), longest_retry=timedelta(hours=1))
    assert [retry_delay(n, None, policy) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert retry_delay(20, None, policy) == timedelta(hours=1)
    assert retry_delay(1, 300, policy) == timedelta(minutes=5)


@pytest.mark.parametrize("crash_at", ["claimed", "sent"])
def test_crash_then_restart_sends_exactly_once(engine: Engine, crash_at: str) -> None:
    channel = RecordingChannel()
    for n in range(3):
        queue(engine, f"k{n}")

    def die(step: str, message_id: int) -> None:
        if step == crash_at and message_id == 2:
            raise Crash

    with pytest.raises(Crash):
        deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM, worker="w1", hook=die)
    # The restarted bot runs after the dead worker's claim has expired.
    later = MONDAY_10AM + timedelta(minutes=10)
    deliver_due(engine, {"slack": channel}, lambda: later, worker="w2")
    assert states(engine) == {"k0": "sent", "k1": "sent", "k2": "sent"}
    assert sorted(e.message_id for e in channel.delivered) == [1, 2, 3]


def test_live_claim_is_not_taken_over(engine: Engine) -> None:
    channel = RecordingChannel()
    queue(engine, "k1")

    def die(step: str, message_id: int) -> None:
        raise Crash

    with pytest.raises(Crash):
        deliver_one(engine, {"slack": channel}, MONDAY_10AM, worker="w1", hook=die)
    assert not deliver_one(engine, {"slack": channel}, MONDAY_10AM + timedelta(minutes=1), worker="w2")


def test_two_workers_racing_never_send_a_message_twice(engine: Engine) -> None:
    channel = RecordingChannel()
    for n in range(40):
        queue(engine, f"k{n}")
    workers = [
        threading.Thread(target=deliver_due, args=(engine, {"slack": channel}, lambda: MONDAY_10AM), kwargs={"worker": f"w{i}"})
        for i in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    ids = [e.message_id for e in channel.delivered]
    assert sorted(ids) == list(range(1, 41))
    assert set(states(engine).values()) == {"sent"}


class FakeTime:
    def __init__(self, start: datetime) -> None:
        self.now = start
        self.slept: list[float] = []

    def clock(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.now.timestamp()

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


def test_a_short_retry_after_is_waited_for_in_the_same_run(engine: Engine) -> None:
    channel = RecordingChannel()
    channel.failures.append(DeliveryError("slow down", permanent=False, retry_after=2, code="ratelimited"))
    queue(engine, "k1")
    clock = FakeTime(MONDAY_10AM)
    policy = DeliveryPolicy(first_retry=timedelta(seconds=1))
    report = deliver_due(engine, {"slack": channel}, clock.clock, worker="w1", policy=policy,
                         wait_up_to=timedelta(seconds=30), sleep=clock.sleep)
    assert report.sent and clock.slept == [2.0]


def test_being_rate_limited_never_dead_letters_a_message(engine: Engine) -> None:
    policy = DeliveryPolicy(max_attempts=2)
    channel = RecordingChannel()
    channel.failures.extend(
        DeliveryError("slow down", permanent=False, retry_after=1, code="ratelimited", rate_limited=True)
        for _ in range(5)
    )
    queue(engine, "k1")
    now = MONDAY_10AM
    for _ in range(6):
        deliver_due(engine, {"slack": channel}, lambda now=now: now, worker="w1", policy=policy)
        now += timedelta(seconds=2)
    assert states(engine) == {"k1": "sent"}


class LookupCountingChannel(RecordingChannel):
    def __init__(self) -> None:
        super().__init__()
        self.lookups = 0
        self.lookup_failure: DeliveryError | None = None
        self.accept_then_fail = False

    def send(self, envelope: Envelope) -> Receipt:
        if self.accept_then_fail:
            # The service took the message, then the connection dropped before it could say so.
            self.accept_then_fail = False
            super().send(envelope)
            raise DeliveryError("connection reset", permanent=False, code="connection_error")
        return super().send(envelope)

    def find_sent(self, envelope: Envelope, since: datetime) -> Receipt | None:
        self.lookups += 1
        if self.lookup_failure is not None:
            raise self.lookup_failure
        return super().find_sent(envelope, since)


def test_a_fresh_message_is_sent_without_asking_the_service_first(engine: Engine) -> None:
    channel = LookupCountingChannel()
    queue(engine, "k1")
    deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM, worker="w1")
    assert channel.lookups == 0 and len(channel.delivered) == 1


def test_after_a_dropped_connection_the_retry_finds_the_message_went_out(engine: Engine) -> None:
    channel = LookupCountingChannel()
    channel.accept_then_fail = True
    queue(engine, "k1")
    deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM, worker="w1")
    assert states(engine) == {"k1": "failed"}
    report = deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM + timedelta(hours=1), worker="w1")
    assert report.recovered and len(channel.delivered) == 1 and states(engine) == {"k1": "sent"}


def test_a_failing_lookup_is_a_failed_attempt_not_a_stuck_message(engine: Engine) -> None:
    channel = LookupCountingChannel()
    channel.lookup_failure = DeliveryError("no scope", permanent=True, code="missing_scope")
    queue(engine, "k1")

    def die(step: str, message_id: int) -> None:
        raise Crash

    with pytest.raises(Crash):
        deliver_one(engine, {"slack": channel}, MONDAY_10AM, worker="w1", hook=die)
    report = deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM + timedelta(minutes=10), worker="w2")
    assert report.dead == [1] and states(engine) == {"k1": "dead"}


def test_a_worker_whose_claim_ran_out_does_not_overwrite_the_new_holder(engine: Engine) -> None:
    channel = RecordingChannel()
    queue(engine, "k1")
    slow_worker_claimed = []

    def take_over_mid_send(step: str, message_id: int) -> None:
        if step == "claimed" and not slow_worker_claimed:
            slow_worker_claimed.append(message_id)
            # While w1 is still sending, its claim runs out and w2 takes the row and delivers it.
            deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM + timedelta(minutes=10), worker="w2")

    deliver_one(engine, {"slack": channel}, MONDAY_10AM, worker="w1", hook=take_over_mid_send)
    with session_scope(engine) as session:
        row = session.exec(select(Message)).one()
    assert row.state == "sent" and row.slack_ts == "1.0001"  # w2's result stands


def test_a_batch_skips_keys_already_queued_and_repeats_within_itself(engine: Engine) -> None:
    from bot.outbox import enqueue_many

    queue(engine, "k1")

    def new(key: str) -> NewMessage:
        return NewMessage(key, "chaser", "slack", None, "U0PRIYA", "Update needed", "RIV3-2-1", action_ids=[])

    with session_scope(engine) as session:
        written = enqueue_many(session, [new("k1"), new("k2"), new("k3"), new("k2")], now=MONDAY_10AM, actor="test")
        assert sorted(m.idempotency_key for m in written) == ["k2", "k3"]
    assert sorted(states(engine)) == ["k1", "k2", "k3"]


def test_an_empty_batch_writes_nothing_and_the_transaction_goes_on(engine: Engine) -> None:
    """No keys to look up is no error on either database (on PostgreSQL the keys go as one text array, which must
    stay text when there are none), and what the caller writes next in the same transaction is kept."""
    from bot.outbox import enqueue_many

    with session_scope(engine) as session:
        assert enqueue_many(session, [], now=MONDAY_10AM, actor="test") == []
        enqueue(session, NewMessage("k1", "chaser", "slack", None, "U0PRIYA", "Update needed", "RIV3-2-1"),
                now=MONDAY_10AM, actor="test")
    assert states(engine) == {"k1": "pending"}


def test_a_batch_racing_another_writer_keeps_one_copy_of_each(engine: Engine) -> None:
    from bot.outbox import enqueue_many

    def new(key: str) -> NewMessage:
        return NewMessage(key, "chaser", "slack", None, "U0PRIYA", "Update needed", "RIV3-2-1")

    with session_scope(engine) as session:
        # The other writer's row appears after this batch looked for existing keys.
        original = session.exec
        looked = []

        def exec_then_race(statement, *args, **kwargs):  # type: ignore[no-untyped-def]
            result = original(statement, *args, **kwargs)
            if not looked:
                looked.append(True)
                with session_scope(engine) as other:
                    enqueue(other, new("k2"), now=MONDAY_10AM, actor="other")
            return result

        session.exec = exec_then_race  # type: ignore[method-assign]
        written = enqueue_many(session, [new("k1"), new("k2")], now=MONDAY_10AM, actor="test")
        assert [m.idempotency_key for m in written] == ["k1"]
    assert sorted(states(engine)) == ["k1", "k2"]


def test_refused_credentials_pause_the_channel_and_keep_every_message_queued(engine: Engine) -> None:
    channel = RecordingChannel()
    channel.failures = [DeliveryError("Slack refused the token", permanent=True, code="invalid_auth")]
    for n in range(3):
        queue(engine, f"k{n}")

    report = deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM, worker="w1")

    assert (report.paused, report.dead, report.sent) == ([1], [], [])  # one refusal, then nothing claimed
    with session_scope(engine) as session:
        rows = session.exec(select(Message)).all()
        assert {(m.state, m.attempts) for m in rows} == {("pending", 0)}
        assert [e.kind for e in session.exec(select(Event).where(Event.kind == "message.paused")).all()] == [
            "message.paused"]
    assert channel.delivered == []


def test_refused_while_asking_whether_an_attempt_went_out_it_asks_again_before_any_resend(engine: Engine) -> None:
    from bot.models import ChannelPause

    channel = LookupCountingChannel()
    channel.accept_then_fail = True
    queue(engine, "k1")
    deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM, worker="w1")  # went out, unheard
    channel.lookup_failure = DeliveryError("token revoked", permanent=True, code="token_revoked")
    deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM + timedelta(hours=1), worker="w1")
    with session_scope(engine) as session:
        [row] = session.exec(select(Message)).all()
        assert (row.state, row.last_error) == ("pending", "unclear:token_revoked")
        pause = session.get(ChannelPause, "slack")
        assert pause is not None
        session.delete(pause)  # the credential works again

    channel.lookup_failure = None
    report = deliver_due(engine, {"slack": channel}, lambda: MONDAY_10AM + timedelta(hours=2), worker="w1")

    assert report.recovered == [1] and len(channel.delivered) == 1 and states(engine) == {"k1": "sent"}


def test_a_message_queued_as_its_context_goes_out_as_rendered_then(engine: Engine) -> None:
    from bot.outbox import message_rendering
    from bot.render import render
    from bot.routing import Route, queued_message

    context = {"recipient_name": "Priya Shah", "partnership_name": "Riverside CSP", "reply_hint": "",
               "actions": [{"ref": "RIV3-2-1", "summary": "Train the front desk", "due": datetime(2026, 11, 2).date(),
                            "target_text": "Nov 2026", "days_overdue": 28, "status": "in_progress"}]}
    new = queued_message("chaser", "ctx-1", Route("slack", "U0PRIYA", ChannelKind.SLACK), context, action_ids=[])
    with session_scope(engine) as session:
        enqueue(session, new, now=MONDAY_10AM, actor="test")
    channel = RecordingChannel()
    assert deliver_one(engine, {"slack": channel}, MONDAY_10AM, worker="w1")
    [sent] = channel.delivered
    expected = render("chaser", ChannelKind.SLACK, context | {"ref_token": new.ref_token})
    assert (sent.subject, sent.text, sent.blocks, sent.html) == (expected.subject, expected.text, expected.blocks, None)
    with session_scope(engine) as session:
        row = session.exec(select(Message)).one()
    assert row.body_text is None and message_rendering(row) == expected == new.rendering()


def test_a_queued_context_that_cannot_be_rendered_is_dead_not_retried(engine: Engine) -> None:
    from bot.routing import Route, queued_message

    new = queued_message("chaser", "ctx-bad", Route("slack", "U0PRIYA", ChannelKind.SLACK), {"recipient_name": "P"})
    with session_scope(engine) as session:
        enqueue(session, new, now=MONDAY_10AM, actor="test")
    channel = RecordingChannel()
    assert deliver_one(engine, {"slack": channel}, MONDAY_10AM, worker="w1")
    assert channel.delivered == []
    with session_scope(engine) as session:
        row = session.exec(select(Message)).one()
    assert (row.state, row.last_error) == ("dead", "render_error")
