"""The outbox: intents become Message rows once (idempotency key), then go out exactly once.

A message moves pending -> sending -> sent, or -> failed (retried later) -> ... -> dead.
Claiming is one conditional UPDATE that only one worker can win, so several bot processes on
PostgreSQL never send the same row. A worker that dies mid-send leaves its claim to expire; the
next worker first asks the transport whether the message went out after all (`find_sent`)
before sending it again, so a crash neither loses a message nor sends it twice.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import action_copies
from bot.bulk import insert_rows, with_ids
from bot.channels.base import Channel, DeliveryError, Envelope, Receipt
from bot.channels.recovery import SendUnconfirmed
from bot.db import session_scope
from bot.models import Contact, Event, Message, MessageAction, SendPace
from bot.pace_store import hold, in_flight, join_condition, message_pace_key, pace_key_of, reserve, spaced_by
from bot.pauses import not_paused, pause_channel
from bot.render import Rendered, RenderError, context_from_json, render
from bot.rules.pacing import CLAIM_AHEAD, Pace, may_start, next_after_start, send_at
from bot.rules.statuses import ChannelKind, MessageState

log = logging.getLogger(__name__)

REF_TOKEN_PREFIX = "DHR-"
REF_TOKEN_BYTES = 8

_CLAIMABLE = (MessageState.PENDING.value, MessageState.FAILED.value)
#: Marks a failure after which the message may have been delivered all the same (a timeout, a
#: dropped connection, a 5xx after the service acted): the next try asks the service first.
UNCLEAR = "unclear:"


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 6
    first_retry: timedelta = timedelta(minutes=1)
    longest_retry: timedelta = timedelta(hours=6)
    #: How long a claim holds; a worker that has not finished by then is presumed dead.
    claim_for: timedelta = timedelta(minutes=5)
    #: While a channel is paused (bot.pauses), its credential is tried again this often.
    probe_every: timedelta = timedelta(minutes=5)
    #: Each channel's sending limit (bot.rules.pacing), kept through the database by every process;
    #: a channel not listed is not paced. bot.policy.delivery_policy gives the services' limits.
    pacing: Mapping[str, Pace] = field(default_factory=dict)


def retry_delay(attempts: int, retry_after: float | None, policy: DeliveryPolicy) -> timedelta:
    """When the service said how long to wait (Retry-After), exactly that; otherwise exponential
    backoff from the attempt count, so an outage is not hammered."""
    if retry_after is not None:
        return timedelta(seconds=retry_after)
    backoff: timedelta = policy.first_retry * (2 ** max(attempts - 1, 0))
    return min(backoff, policy.longest_retry)


def ref_token_for(idempotency_key: str) -> str:
    """A display-only token derived from a key. Guessable: never stored, never matched (see new_ref_token)."""
    return "DHR-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:8]


def new_ref_token() -> str:
    """A message's reply-matching token for mail subjects and Slack metadata: 64 random bits, stored
    with the message, so nobody can work out the token of a chaser they did not receive."""
    return REF_TOKEN_PREFIX + secrets.token_hex(REF_TOKEN_BYTES)


@dataclass(frozen=True)
class NewMessage:
    idempotency_key: str
    kind: str
    channel: str
    recipient_contact_id: int | None
    recipient_address: str
    subject: str
    body_text: str
    action_ids: Sequence[int] = ()
    body_html: str | None = None
    blocks: list[dict[str, Any]] | None = None
    cc_addresses: Sequence[str] = ()
    level: int = 1
    not_before: datetime | None = None
    #: A reply in a Slack thread: the conversation and the thread's ts (a confirmation under its chaser).
    slack_channel: str | None = None
    slack_thread_ts: str | None = None
    #: A reply by mail: the Graph id of the received mail it answers (a confirmation to a mail reply).
    reply_to_graph_message_id: str | None = None
    #: A file the mail carries (the board's Word report), read when it is sent.
    attachment_path: str | None = None
    #: Rendered into the subject/body before the row exists, so the caller picks it (new_ref_token).
    ref_token: str = field(default_factory=lambda: new_ref_token())
    #: Instead of subject and bodies: the context the sending transport renders `kind` from
    #: (bot.render.context_to_json; it includes the ref token). Subject and bodies are then "".
    render_context: Mapping[str, Any] | None = None

    def rendering(self) -> Rendered:
        """What the message says, rendered now if it was queued as a context."""
        return rendering_of(self.kind, self.channel, self.render_context,
                            Rendered(self.subject, self.body_text, self.body_html, self.blocks))


def rendering_of(kind: str, channel: str, render_context: Mapping[str, Any] | None, stored: Rendered) -> Rendered:
    """A queued message's rendering: the stored one, or its stored context rendered for its channel.

    Blocks written back after sending (a note added under a button) stand over the rendered ones.
    """
    if render_context is None:
        return stored
    rendered = render(kind, ChannelKind(channel), context_from_json(render_context))
    return rendered if stored.blocks is None else replace(rendered, blocks=stored.blocks)


def message_rendering(message: Message) -> Rendered:
    return rendering_of(message.kind, message.channel, message.render_context,
                        Rendered(message.subject or "", message.body_text or "", message.body_html, message.blocks))


def enqueue(session: Session, new: NewMessage, *, now: datetime, actor: str) -> Message | None:
    """Write the message unless one with its key exists; returns the new row or None.

    `now` dates the row: the rules count working days from when a chase was decided.
    """
    exists = session.exec(select(Message.id).where(Message.idempotency_key == new.idempotency_key)).first()
    if exists is not None:
        return None
    message = _message_row(new, now)
    try:
        with session.begin_nested():
            session.add(message)
            session.flush()
    except sa.exc.IntegrityError:
        # Another process wrote the same key between our check and our insert.
        return None
    _link_and_log(session, [(message, new)], now=now, actor=actor)
    return message


@dataclass(frozen=True)
class Queued:
    """A message row `enqueue_many` wrote."""

    id: int
    idempotency_key: str


def enqueue_many(session: Session, news: Sequence[NewMessage], *, now: datetime, actor: str) -> list[Queued]:
    """`enqueue` for a whole sweep in a few statements; returns the rows that were new.

    Keys already present are skipped; if another process writes one of the same keys meanwhile,
    the batch falls back to one message at a time, so exactly one copy of each is kept. The rows,
    their action links and their audit events go in as three bulk writes: on PostgreSQL the ids are
    drawn from the sequence and all three are COPYs (bot/bulk.py); on SQLite the messages are one
    INSERT ... RETURNING and the rest executemanys. A sweep writes thousands, and one ORM object per
    row cost more than deciding what to write.
    """
    keys = {new.idempotency_key for new in news}
    dialect = session.connection().dialect.name
    existing = set(session.exec(
        select(Message.idempotency_key).where(with_ids(col(Message.idempotency_key), keys, dialect))).all())
    fresh = [new for new in {n.idempotency_key: n for n in news}.values() if new.idempotency_key not in existing]
    if not fresh:
        return []
    try:
        with session.begin_nested():
            ids = _insert_messages(session, fresh, now)
    except sa.exc.IntegrityError:
        return [Queued(m.id, m.idempotency_key) for new in fresh
                if (m := enqueue(session, new, now=now, actor=actor)) is not None and m.id is not None]
    links = [{"message_id": message_id, "action_id": action_id}
             for message_id, new in zip(ids, fresh, strict=True) for action_id in dict.fromkeys(new.action_ids)]
    # Neither needs its ids back: COPY on PostgreSQL, a plain executemany on SQLite (bot/bulk.py).
    insert_rows(session, MessageAction.__table__, links)  # type: ignore[attr-defined]
    # Written with Core, so no flush tells bot/action_copies: the new messages move their actions' last chase.
    action_copies.chased(session, [a for new in fresh if action_copies.is_history_kind(new.kind)
                                   for a in new.action_ids], now)
    insert_rows(session, Event.__table__,  # type: ignore[attr-defined]
                [_queued_event(message_id, new, now, actor) for message_id, new in zip(ids, fresh, strict=True)])
    return [Queued(message_id, new.idempotency_key) for message_id, new in zip(ids, fresh, strict=True)]


def _insert_messages(session: Session, fresh: Sequence[NewMessage], now: datetime) -> list[int]:
    """Insert the message rows of `fresh`; their ids, in order.

    On PostgreSQL the ids are drawn from the table's sequence first and the rows go in by COPY: an INSERT ...
    RETURNING of a first sweep's 12,000 messages spent ten times the server's own work adapting parameters.
    """
    messages = Message.__table__  # type: ignore[attr-defined]
    if session.connection().dialect.name == "postgresql":
        sequence = sa.func.pg_get_serial_sequence(messages.name, messages.c.id.name)
        ids = list(session.execute(
            sa.select(sa.func.nextval(sequence)).select_from(sa.func.generate_series(1, len(fresh)))).scalars())
        insert_rows(session, messages, [{"id": message_id, **_message_values(new, now)}
                                        for message_id, new in zip(ids, fresh, strict=True)])
        return ids
    # Matched up by key: asking for the rows in parameter order makes SQLite insert one at a time.
    id_of = dict(session.execute(
        sa.insert(messages).returning(messages.c.idempotency_key, messages.c.id),
        _without_empty_columns([_message_values(new, now) for new in fresh]),
    ).all())
    return [id_of[new.idempotency_key] for new in fresh]


def _message_values(new: NewMessage, now: datetime) -> dict[str, Any]:
    deferred = new.render_context is not None
    return {
        "idempotency_key": new.idempotency_key,
        "kind": new.kind,
        "channel": new.channel,
        "recipient_contact_id": new.recipient_contact_id,
        "recipient_address": new.recipient_address,
        "cc_addresses": list(new.cc_addresses),
        "level": new.level,
        "ref_token": new.ref_token,
        "subject": None if deferred else new.subject,
        "body_text": None if deferred else new.body_text,
        "body_html": new.body_html,
        "blocks": new.blocks,
        "render_context": dict(new.render_context) if new.render_context is not None else None,
        "state": MessageState.PENDING.value,
        "attempts": 0,
        "not_before": new.not_before,
        "slack_channel": new.slack_channel,
        "slack_thread_ts": new.slack_thread_ts,
        "reply_to_graph_message_id": new.reply_to_graph_message_id,
        "attachment_path": new.attachment_path,
        "created_at": now,
    }


def _without_empty_columns(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows without the columns that are None in every one (they default to NULL): less to bind."""
    empty = [name for name in rows[0] if all(row[name] is None for row in rows)]
    for row in rows:
        for name in empty:
            del row[name]
    return rows


def _message_row(new: NewMessage, now: datetime) -> Message:
    return Message(**_message_values(new, now))


def _queued_event(message_id: int, new: NewMessage, now: datetime, actor: str) -> dict[str, Any]:
    return {"at": now, "actor": actor, "kind": "message.queued", "entity": "message", "entity_id": message_id,
            "data": {"kind": new.kind, "channel": new.channel, "actions": list(new.action_ids)}}


def _link_and_log(session: Session, rows: Sequence[tuple[Message, NewMessage]], *, now: datetime, actor: str) -> None:
    for message, new in rows:
        assert message.id is not None
        for action_id in dict.fromkeys(new.action_ids):
            session.add(MessageAction(message_id=message.id, action_id=action_id))
        session.add(Event(**_queued_event(message.id, new, now, actor)))
    session.flush()


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    dead: list[int] = field(default_factory=list)
    #: Held back because their channel's credentials were refused (bot.pauses): still queued.
    paused: list[int] = field(default_factory=list)


StepHook = Callable[[str, int], None]


def _no_hook(_step: str, _message_id: int) -> None:
    return None


@dataclass(frozen=True)
class Claim:
    message: Message
    #: The previous holder died mid-send: the message may already have gone out.
    abandoned: bool
    #: When the attempt before this one began (None on the first): a late copy of it may still appear.
    previous_attempt_at: datetime | None = None
    #: The paced send's turn (None: not paced): the worker sends at this moment, not before.
    send_at: datetime | None = None


def claim_next(
    engine: Engine, now: datetime, worker: str, policy: DeliveryPolicy, *, only: int | None = None,
    ahead: timedelta = timedelta(0),
) -> Claim | None:
    """Claim the oldest due message (or message `only`), or one whose previous claim expired; None when none is due.

    Under `policy.pacing`, only a message whose conversation or mailbox may be sent to within
    `ahead` (bot.rules.pacing.may_start); the claim moves that key's pace on in the same
    transaction, and loses (to look again) if another process moved it meanwhile. On PostgreSQL
    the candidate row is locked and rows other workers hold are skipped, so they claim side by side.
    """
    pacing = policy.pacing
    with session_scope(engine) as session:
        crowded: set[str] = set()  # keys with as many sends under way as their service allows
        for _ in range(5 + len(pacing)):
            query = _claimable(now, only)
            if pacing:
                query = query.add_columns(col(SendPace.next_at), col(SendPace.version)).outerjoin(
                    SendPace, join_condition(pacing)
                ).where(spaced_by(pacing, now + ahead), message_pace_key().not_in(crowded))
            else:
                query = query.add_columns(sa.null(), sa.null())
            found = session.execute(
                query.order_by(col(Message.not_before), col(Message.id)).limit(1)
                .with_for_update(skip_locked=True, of=Message)
            ).first()
            if found is None:
                return None
            candidate, next_at, version = found
            pace = pacing.get(candidate.channel)
            key = pace_key_of(candidate)
            # Counted after the pace row was read: a send claimed since then changed its version.
            under_way = in_flight(session, key, now) if pace is not None and pace.concurrent else 0
            if pace is not None and not may_start(next_at, under_way, pace, now, ahead):
                crowded.add(key)
                session.rollback()  # lets go of the row lock
                continue
            turn = send_at(next_at, now) if pace is not None else None
            # Read before the UPDATE below: the session refreshes `candidate` with the new values.
            was_abandoned = candidate.state == MessageState.SENDING.value
            previous_attempt_at = candidate.attempt_started_at
            result = session.execute(
                sa.update(Message)
                .where(
                    col(Message.id) == candidate.id,
                    col(Message.state) == candidate.state,
                    col(Message.attempts) == candidate.attempts,
                )
                .values(
                    state=MessageState.SENDING.value,
                    claimed_by=worker,
                    claimed_until=now + policy.claim_for,
                    attempt_started_at=now,
                    attempts=Message.attempts + 1,
                )
            )
            assert isinstance(result, sa.CursorResult)  # an UPDATE says how many rows it changed
            won = result.rowcount == 1
            if won and pace is not None and turn is not None:
                won = reserve(session, key, version, next_after_start(pace, turn))
            if won:
                session.commit()
                claimed = session.get(Message, candidate.id)
                assert claimed is not None
                session.refresh(claimed)
                return Claim(claimed, abandoned=was_abandoned, previous_attempt_at=previous_attempt_at, send_at=turn)
            session.rollback()  # someone else won that row or that key; look again
    return None


def _claimable(now: datetime, only: int | None) -> sa.Select[Any]:
    return sa.select(Message).where(
        sa.true() if only is None else col(Message.id) == only,
        not_paused(),
        sa.or_(
            sa.and_(
                col(Message.state).in_(_CLAIMABLE),
                sa.or_(col(Message.not_before).is_(None), col(Message.not_before) <= now),
            ),
            sa.and_(col(Message.state) == MessageState.SENDING.value, col(Message.claimed_until) < now),
        ),
    )


def envelope_for(message: Message, to_name: str | None = None) -> Envelope:
    assert message.id is not None
    rendered = message_rendering(message)
    return Envelope(
        message_id=message.id,
        kind=message.kind,
        to_address=message.recipient_address or "",
        to_name=to_name,
        cc=tuple(message.cc_addresses or ()),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        blocks=rendered.blocks,
        ref_token=message.ref_token,
        slack_channel=message.slack_channel,
        thread_ts=message.slack_thread_ts,
        reply_to_graph_message_id=message.reply_to_graph_message_id,
        attachment_path=message.attachment_path,
    )


def deliver_one(
    engine: Engine,
    channels: Mapping[str, Channel],
    now: datetime,
    *,
    worker: str,
    policy: DeliveryPolicy = DeliveryPolicy(),
    report: DeliveryReport | None = None,
    hook: StepHook = _no_hook,
    only: int | None = None,
    wait_until: Callable[[datetime], None] | None = None,
) -> bool:
    """Deliver one due message (message `only`, if given). Returns False when nothing was due.

    A caller that can wait (`wait_until`) may claim a paced send just before its turn and is
    made to wait for it; without, only sends whose turn has come are claimed.
    """
    report = report if report is not None else DeliveryReport()
    claim = claim_next(engine, now, worker, policy, only=only,
                       ahead=CLAIM_AHEAD if wait_until is not None else timedelta(0))
    if claim is None:
        return False
    message = claim.message
    assert message.id is not None
    hook("claimed", message.id)
    channel = channels.get(message.channel)
    if channel is None:
        _finish(engine, message, now, error=DeliveryError(
            f"no transport for channel {message.channel}", permanent=True, code="no_channel"
        ), policy=policy, report=report, worker=worker)
        return True
    try:
        envelope = envelope_for(message)
    except RenderError as error:  # a queued context no template can render: no try will do better
        _finish(engine, message, now, error=DeliveryError(str(error), permanent=True, code="render_error"),
                policy=policy, report=report, worker=worker)
        return True
    if claim.abandoned or (message.last_error or "").startswith(UNCLEAR):
        # The last try may have gone out although we never heard so: ask before sending again.
        since = claim.previous_attempt_at or message.created_at
        try:
            receipt = channel.find_sent(envelope, since)
        except DeliveryError as error:
            _finish(engine, message, now, error=error, policy=policy, report=report, worker=worker,
                    attempt_in_doubt=since)
            return True
        if receipt is not None:
            _finish(engine, message, now, receipt=receipt, policy=policy, report=report, recovered=True, worker=worker)
            return True
    if claim.send_at is not None and claim.send_at > now and wait_until is not None:
        wait_until(claim.send_at)
    try:
        receipt = channel.send(envelope)
    except DeliveryError as error:
        _finish(engine, message, now, error=error, policy=policy, report=report, worker=worker)
        return True
    hook("sent", message.id)
    _finish(engine, message, now, receipt=receipt, policy=policy, report=report, worker=worker)
    return True


def _finish(
    engine: Engine,
    message: Message,
    now: datetime,
    *,
    policy: DeliveryPolicy,
    report: DeliveryReport,
    receipt: Receipt | None = None,
    error: DeliveryError | None = None,
    recovered: bool = False,
    worker: str,
    attempt_in_doubt: datetime | None = None,
) -> None:
    assert message.id is not None
    with session_scope(engine) as session:
        row = session.get(Message, message.id, with_for_update=True)
        assert row is not None
        if row.claimed_by != worker:
            # Our claim ran out mid-send and another worker took the row over: it decides now
            # (and asks the service whether our send went out before sending again).
            log.warning("message %s: claim lost to another worker before the result was recorded", row.id)
            return
        if receipt is not None:
            row.state = MessageState.SENT.value
            row.sent_at = now
            row.last_error = None
            row.slack_channel = receipt.slack_channel or row.slack_channel
            row.slack_ts = receipt.slack_ts or row.slack_ts
            row.graph_message_id = receipt.graph_message_id or row.graph_message_id
            row.conversation_id = receipt.conversation_id or row.conversation_id
            row.internet_message_id = receipt.internet_message_id or row.internet_message_id
            kind, data = "message.sent", {"channel": row.channel, "recovered": recovered}
            (report.recovered if recovered else report.sent).append(row.id)  # type: ignore[arg-type]
        elif error is not None and error.outage:
            kind, data = _wait_for_credentials(session, row, error, now, attempt_in_doubt)
            report.paused.append(message.id)
        else:
            assert error is not None
            row.last_error = error.code or type(error).__name__
            if not error.permanent and not error.rate_limited:
                row.last_error = UNCLEAR + row.last_error
            if isinstance(error, SendUnconfirmed):
                row.attempts -= 1  # still waiting to learn how the last attempt went: not a new failure
                row.attempt_started_at = attempt_in_doubt or row.attempt_started_at  # the hold runs from it
            if error.rate_limited:
                row.attempts -= 1  # being asked to slow down is not a failed attempt
                _hold_conversation(session, row, now + retry_delay(row.attempts, error.retry_after, policy))
            if error.permanent or row.attempts >= policy.max_attempts:
                row.state = MessageState.DEAD.value
                kind = "message.dead"
                if error.recipient_gone:
                    _forget_slack_id(session, row, error, now)
                report.dead.append(message.id)
                log.warning("message %s dead after %s attempts: %s", row.id, row.attempts, row.last_error)
            else:
                row.state = MessageState.FAILED.value
                row.not_before = now + retry_delay(row.attempts, error.retry_after, policy)
                kind = "message.retry"
                report.retrying.append(message.id)
            data = {"error": row.last_error, "attempts": row.attempts}
        row.claimed_by = None
        row.claimed_until = None
        session.add(row)
        session.add(Event(at=now, actor="outbox", kind=kind, entity="message", entity_id=row.id, data=data))


def _wait_for_credentials(
    session: Session, row: Message, error: DeliveryError, now: datetime, attempt_in_doubt: datetime | None
) -> tuple[str, dict[str, Any]]:
    """Our credentials were refused, not this message: pause the channel and keep the message queued
    in its place. Not a failed attempt, and never dead: it goes out once the credential works again."""
    code = error.code or type(error).__name__
    pause_channel(session, row.channel, code, now)
    row.state = MessageState.PENDING.value
    row.attempts -= 1
    if attempt_in_doubt is not None:
        # Refused while asking whether an earlier attempt went out: ask again before any resend.
        row.attempt_started_at = attempt_in_doubt
        row.last_error = UNCLEAR + code
    else:
        row.last_error = code
    log.warning("message %s held: %s credentials refused (%s)", row.id, row.channel, code)
    return "message.paused", {"error": row.last_error, "attempts": row.attempts}


def _forget_slack_id(session: Session, row: Message, error: DeliveryError, now: datetime) -> None:
    """Slack says the person's id is gone: note it on the contact, so bot.routing writes by mail from
    now on. The dead message itself reaches the coordinators in the next undeliverable report."""
    if row.channel != ChannelKind.SLACK.value or row.recipient_contact_id is None:
        return  # a board channel, or nobody on the contacts list: nothing to learn about a person
    contact = session.get(Contact, row.recipient_contact_id)
    if contact is None or contact.slack_gone is not None or contact.slack_user_id != row.recipient_address:
        return  # already known, or the contacts have given a new id since this message was written
    contact.slack_gone = error.code or "gone"
    session.add(contact)
    session.add(Event(at=now, actor="outbox", kind="contact.slack_gone", entity="contact", entity_id=contact.id,
                      data={"error": contact.slack_gone, "message": row.id}))


def _hold_conversation(session: Session, row: Message, until: datetime) -> None:
    """A 429 is about the conversation (Slack) or the mailbox (mail), not one message: every
    waiting message to it waits too, instead of each collecting its own 429, and so does every
    process that would send to it (its SendPace row)."""
    key = pace_key_of(row)
    session.execute(
        sa.update(Message)
        .where(
            col(Message.state).in_(_CLAIMABLE),
            message_pace_key() == key,
            sa.or_(col(Message.not_before).is_(None), col(Message.not_before) < until),
        )
        .values(not_before=until)
    )
    hold(session, key, until)


#: How long to wait when a message is due but its mailbox has as many sends under way as it allows.
BUSY_POLL_SECONDS = 0.05
#: How long a scheduled or `dhr deliver` run waits for a message due soon (a Retry-After, a
#: conversation's next turn) before leaving it to the next run.
DELIVERY_WAIT = timedelta(seconds=30)


def deliver_due(
    engine: Engine,
    channels: Mapping[str, Channel],
    clock: Callable[[], datetime],
    *,
    worker: str,
    policy: DeliveryPolicy = DeliveryPolicy(),
    limit: int = 500,
    hook: StepHook = _no_hook,
    wait_up_to: timedelta = timedelta(0),
    sleep: Callable[[float], None] = time.sleep,
) -> DeliveryReport:
    """Deliver due messages until none is left or `limit` were tried.

    With `wait_up_to`, a message due within that time (say after a 429 with Retry-After: 2, or
    the next turn of its conversation under `policy.pacing`) is waited for instead of being left
    to the next run.
    """
    report = DeliveryReport()

    def wait_until(moment: datetime) -> None:
        sleep(max((moment - clock()).total_seconds(), 0.0))

    tried = waits = 0
    while tried < limit and waits < limit:
        if deliver_one(engine, channels, clock(), worker=worker, policy=policy, report=report, hook=hook,
                       wait_until=wait_until if policy.pacing else None):
            tried += 1
            continue
        waits += 1
        next_due = next_due_at(engine, policy)
        now = clock()
        if next_due is None or next_due - now > wait_up_to:
            break
        if policy.pacing:  # wake in time to claim the next turn ahead of it (see deliver_one)
            sleep(max((next_due - CLAIM_AHEAD - now).total_seconds(), BUSY_POLL_SECONDS))
        else:
            sleep(max((next_due - now).total_seconds(), 0.0))
    return report


def next_due_at(engine: Engine, policy: DeliveryPolicy = DeliveryPolicy()) -> datetime | None:
    """When the earliest waiting message becomes due: its not_before, or under `policy.pacing`
    the moment its conversation or mailbox may be sent to again, whichever is later."""
    not_before = col(Message.not_before)
    with session_scope(engine) as session:
        if not policy.pacing:
            return session.execute(
                sa.select(sa.func.min(not_before)).where(col(Message.state).in_(_CLAIMABLE), not_paused())
            ).scalar()
        paced_at = col(SendPace.next_at)
        later = sa.case(
            (paced_at.is_(None), not_before), (not_before.is_(None), paced_at), (paced_at > not_before, paced_at),
            else_=not_before,
        )
        return session.execute(
            sa.select(sa.func.min(later))
            .select_from(Message)
            .outerjoin(SendPace, join_condition(policy.pacing))
            .where(col(Message.state).in_(_CLAIMABLE), not_paused())
        ).scalar()


def actions_of(session: Session, message_ids: Iterable[int]) -> dict[int, list[int]]:
    rows = session.exec(
        select(MessageAction).where(MessageAction.message_id.in_(list(message_ids)))  # type: ignore[attr-defined]
    ).all()
    covered: dict[int, list[int]] = {}
    for row in rows:
        covered.setdefault(row.message_id, []).append(row.action_id)
    return covered
