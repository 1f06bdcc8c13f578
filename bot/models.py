"""The tables. Times are stored as UTC and always come back timezone-aware (see UTCDateTime).

Relationships are left out on purpose: queries say what they join, and nothing lazy-loads after
a session has closed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every database.

    SQLite keeps no timezone, so values are stored as naive UTC and re-labelled on the way out.
    A naive datetime going in is a bug in the caller, and is refused rather than guessed at.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store aware UTC datetimes only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, _dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


def _json(**kwargs: Any) -> Any:
    return Field(sa_type=sa.JSON, **kwargs)


def _text(**kwargs: Any) -> Any:
    return Field(sa_type=sa.Text, **kwargs)


class Partnership(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    board_name: str = "Partnership Board"
    timezone: str = "Europe/London"
    board_slack_channel: str | None = None
    board_email: str | None = None
    #: safety.keep_unmasked_replies: keep a reply's text as written in ProgressUpdate.unmasked_text.
    keep_unmasked_replies: bool = False
    created_at: datetime = _when(default_factory=utcnow)


class Review(SQLModel, table=True):
    """One DHR (or SAR/CSPR). `code` is short and appears in every action ref (e.g. NUN1)."""

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    code: str = Field(unique=True)
    title: str = ""
    kind: str = "DHR"
    source_file: str | None = None
    imported_at: datetime | None = _when(default=None)
    created_at: datetime = _when(default_factory=utcnow)
    # Plan field -> the plan's own header text, in the plan's column order: export writes them back.
    column_headers: dict[str, str] = _json(default_factory=dict)


class Recommendation(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("review_id", "ref_part", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    number: str  # as written: "9", "9c", "Rec 2a"
    position: int = 0  # order in the plan
    text: str = _text(default="")
    scope: str | None = None  # local / regional / national
    section: str | None = None  # overview report, or the agency whose IMR it came from
    ref_part: str = ""  # keeps refs unique when the section restarts the numbering: "EH" + "1"


class Agency(SQLModel, table=True):
    """A lead agency. Its manager, for escalation, is a Contact of the agency with role "manager"."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    aliases: list[str] = _json(default_factory=list)
    preferred_channel: str | None = None  # ChannelKind; None = each contact's own preference
    #: Per-agency escalation overrides, e.g. {"escalate_after_chasers": 3}.
    policy_overrides: dict[str, Any] = _json(default_factory=dict)


class Contact(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    email: str | None = Field(default=None, index=True)
    slack_user_id: str | None = Field(default=None, index=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    role: str = "lead"  # Role
    preferred_channel: str | None = None  # ChannelKind
    active: bool = True
    away_until: date | None = None  # from an out-of-office reply: no chasing before this day
    #: Slack's error code when the Slack id stopped working (user_not_found, user_disabled,
    #: channel_not_found): routing then writes by mail. Cleared when the contacts give a new id.
    slack_gone: str | None = None


#: history_queries.live_action() as the partial index's predicate (statuses.CLOSED_STATUSES, sorted).
_LIVE = "removed_from_plan_at IS NULL AND status NOT IN ('complete', 'not_applicable')"

#: `ActionDecision.decide_on` of an action whose facts changed since the rules last looked at it: before any day.
DECIDE_NOW = date(1, 1, 1)


#: history_queries.in_plan() as the predicate of the plan page's indexes.
_IN_PLAN = "removed_from_plan_at IS NULL"
#: Earlier than any answer: "no answer" compares as this.
NEVER_ANSWERED = "1900-01-01"
#: The console's "unanswered" (bot/console/queries.py) on the copies in ActionActivity: chased, and no answer since.
#: One comparison of two columns, which no index can take as a range: with statistics, SQLite took
#: `last_chased_at IS NOT NULL` as one on the chased index, and read the table row of every chased action to test
#: the rest.
_UNANSWERED = f"{_LIVE} AND last_chased_at > coalesce(last_answer_at, '{NEVER_ANSWERED}')"

#: Live actions snoozed at some time (the reviews page counts those snoozed until today or later).
_SNOOZED = f"{_LIVE} AND snoozed_until IS NOT NULL"
#: Live actions with no lead contact of their own: chased through their agency's active leads, if it has any.
_THROUGH_AGENCY = f"{_LIVE} AND lead_contact_id IS NULL"


def _plan_page_indexes() -> list[sa.Index]:
    """The console's plan page walks one of these in its sort order and stops at the page's end; its counts read
    an index alone (bot/console/queries.py). Each starts with the review, so no statistics are needed to prefer
    it: one per sort the page offers, and one per filter that picks few actions of many. The last chase's sort and
    the "unanswered" filter have theirs on ActionActivity (`_activity_indexes`), where the sweep's writes go.

    Each also holds the columns its own predicate reads, which looks redundant: SQLite (3.40) counts a partial
    index as covering only when it holds every column the statement names, predicate included, and otherwise
    reads the table row of every entry it passes (a count of 160,000 overdue actions: 160,000 row lookups)."""
    def index(name: str, *columns: str, where: str | None = _IN_PLAN) -> sa.Index:
        if where is None:
            return sa.Index(f"ix_action_review_{name}", "review_id", *columns, "removed_from_plan_at")
        covered = ("removed_from_plan_at",) if where == _IN_PLAN else ("status", "removed_from_plan_at")
        return sa.Index(f"ix_action_plan_{name}", "review_id", *columns, *covered,
                        postgresql_where=sa.text(where), sqlite_where=sa.text(where))

    return [
        index("ref", "recommendation_position", "position", "ref", "id"),
        index("agency", "agency_name", "id"),
        index("due", "due", "id"),
        index("status", "status", "id"),
        index("updated", "updated_at", "id"),
        index("overdue", "due", "id", where=_LIVE),
        # The reviews page's "not being chased": the snoozed (few), and those chased through their agency, looked
        # up per agency that has no active lead. Its own, not ix_action_review_lead_agency: PostgreSQL without
        # statistics costs every index of the review alike, and takes the smallest that the predicate allows.
        index("snoozed", "snoozed_until", "id", where=_SNOOZED),
        index("through_agency", "lead_agency_id", "snoozed_until", "lead_contact_id", where=_THROUGH_AGENCY),
        # The agency filter and a lead's view; whole, for the reviews page's count of every action of each review.
        index("lead_agency", "lead_agency_id", "id", where=None),
    ]


class Action(SQLModel, table=True):
    #: The overdue list walks this in its order (most overdue first) and stops at the page's end. Partial, on
    #: history_queries.live_action() exactly: planned the same with or without statistics (see bot/overdue.py).
    __table_args__ = (
        sa.Index("ix_action_live_due_ref", "due", "ref",
                 postgresql_where=sa.text(_LIVE), sqlite_where=sa.text(_LIVE)),
        *_plan_page_indexes(),
    )

    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", index=True)
    #: Copies of other rows, kept by bot/action_copies.py alone (never set them by hand): the recommendation's
    #: review and position, and the lead agency's name as the console shows it. The plan page filters, sorts and
    #: counts on them (the last chase and answer it reads are copied onto ActionActivity).
    review_id: int | None = Field(default=None, foreign_key="review.id", nullable=False)
    recommendation_position: int = 0
    agency_name: str | None = None
    ref: str = Field(unique=True)  # stable human ref: NUN1-9c-1
    position: int = 0
    description: str = _text(default="")
    lead_agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)
    lead_agency_text: str | None = None  # as written in the plan
    lead_contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    evidence_expected: str | None = _text(default=None)  # milestones / evidence of achievement
    target_text: str | None = None  # as written: "Autumn 2013", "tbc"
    due: date | None = Field(default=None, index=True)
    precision: str = "none"  # Precision
    status: str = Field(default="not_started", index=True)  # ActionStatus
    progress: str | None = _text(default=None)  # the plan's progress column as imported
    #: The plan's cells the bot does not read (header -> text) and its status as written ("Amber").
    plan_cells: dict[str, str] = _json(default_factory=dict)
    snoozed_until: date | None = None
    #: The plan's own values at the last import (status, due, progress...), so a re-import changes
    #: only what the file changed and never undoes what leads reported since.
    imported_values: dict[str, Any] = _json(default_factory=dict)
    #: Set when a re-import no longer finds the action in the plan: kept for the record, not chased.
    removed_from_plan_at: datetime | None = _when(default=None)
    created_at: datetime = _when(default_factory=utcnow)
    updated_at: datetime = _when(default_factory=utcnow)


class ActionDecision(SQLModel, table=True):
    """When the rules next need to look at an action (bot/decisions.py), one row per action.

    A table of its own because the sweep writes it for every action it decides: as a column of `action`,
    whose many indexes serve the console, each of those writes was an update PostgreSQL could not make in
    place (HOT) and wrote an entry in every index. A database trigger gives each new action its row,
    however it is inserted (the ORM, the import's bulk COPY, a benchmark's raw SQL): see migration 0002.
    """

    __tablename__ = "action_decision"
    #: A sweep reads only the rows whose day has come; a closed action's day is None and leaves the index.
    __table_args__ = (
        sa.Index("ix_action_decision_decide_on", "decide_on",
                 postgresql_where=sa.text("decide_on IS NOT NULL"), sqlite_where=sa.text("decide_on IS NOT NULL")),
    )

    action_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("action.id", ondelete="CASCADE"),
                                               primary_key=True, autoincrement=False))
    #: The first send day on which the chasing or escalation rules could take a step for this action
    #: (`rules.decisions.next_decision_day`); DECIDE_NOW once anything they read has changed, None when
    #: no day can come without such a change, or the action is no longer live.
    decide_on: date | None = Field(default=DECIDE_NOW, sa_column_kwargs={"server_default": DECIDE_NOW.isoformat()})
    #: Counts the changes that reset `decide_on`, so a sweep storing a day decided on older facts
    #: never overwrites a reset made meanwhile (it stores only where the count is the one it read).
    decide_gen: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


def _activity_indexes() -> list[sa.Index]:
    """The plan page's sort by last chase and its "unanswered" filter and count (bot/console/queries.py), as
    `_plan_page_indexes` has them: each starts with the review and holds the columns of its own predicate."""
    return [
        sa.Index("ix_action_activity_chased", "review_id", "last_chased_at", "action_id", "removed_from_plan_at",
                 postgresql_where=sa.text(_IN_PLAN), sqlite_where=sa.text(_IN_PLAN)),
        sa.Index("ix_action_activity_unanswered", "review_id", "last_chased_at", "action_id", "last_answer_at",
                 "status", "removed_from_plan_at",
                 postgresql_where=sa.text(_UNANSWERED), sqlite_where=sa.text(_UNANSWERED)),
    ]


class ActionActivity(SQLModel, table=True):
    """When an action was last chased and last answered, as the console counts them, one row per action.

    A table of its own because a sweep moves the last chase of every action it chases: as a column of `action`,
    which is in two of the console's indexes, each such write was an update PostgreSQL could not make in place
    (HOT) and wrote an entry in each of the action's indexes; here it writes a narrow row and its three indexes.
    Besides the two times it holds what the console's predicates ask of the action with them (its review, and
    whether it is live), so that its indexes alone answer.

    Every column is a copy: `last_chased_at` and `last_answer_at` kept by bot/action_copies.py; the row itself,
    `review_id`, `status` and `removed_from_plan_at` by database triggers on `action`, however it is written (the
    ORM, Core updates, the import's bulk COPY): see migration 0003. Never set them by hand.
    """

    __tablename__ = "action_activity"
    __table_args__ = tuple(_activity_indexes())

    action_id: int = Field(sa_column=sa.Column(sa.Integer, sa.ForeignKey("action.id", ondelete="CASCADE"),
                                               primary_key=True, autoincrement=False))
    review_id: int
    status: str
    removed_from_plan_at: datetime | None = _when(default=None)
    #: When the latest message of the action's chase history that is not dead was written (None: never chased).
    last_chased_at: datetime | None = _when(default=None)
    #: When the latest answer not refused or set aside was given (None: never answered).
    last_answer_at: datetime | None = _when(default=None)


class ProgressUpdate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    at: datetime = _when(default_factory=utcnow, index=True)
    source: str  # UpdateSource
    author_contact_id: int | None = Field(default=None, foreign_key="contact.id")
    author: str | None = None  # Slack user id or mail address when no contact matched
    raw_text: str | None = _text(default=None)  # personal data masked (bot/reading/pii.py)
    #: The reply as written, only when the partnership keeps it (safety.keep_unmasked_replies) and
    #: something was masked. Never exported, sent, shown in the console or put in a digest.
    unmasked_text: str | None = _text(default=None)
    status: str | None = None  # ReadStatus
    new_due: date | None = None
    evidence: str | None = _text(default=None)  # personal data masked, like raw_text
    confidence: float = 1.0
    confirmed: bool = True
    in_reply_to_message_id: int | None = Field(default=None, foreign_key="message.id")
    #: Said by someone not allowed to change this action: kept for the record, never applied, and
    #: not an answer that resets the chase clock.
    refused: bool = False
    #: The person said the bot misread them: never applied, and no longer waiting for an answer.
    rejected: bool = False
    #: The mail this came from (internetMessageId): a mail polled twice is recorded once.
    source_message_id: str | None = Field(default=None, index=True)


class Message(SQLModel, table=True):
    """The outbox. A row is written once per intent; its idempotency key makes a re-run a no-op."""

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(unique=True)
    kind: str  # MessageKind
    channel: str  # ChannelKind
    recipient_contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    recipient_address: str | None = None  # Slack user/channel id or mail address
    cc_addresses: list[str] = _json(default_factory=list)
    level: int = 1  # escalation level: 1 lead, 2 agency manager, 3 board
    #: In mail subjects and Slack metadata, [DHR-<16 hex>]: random (outbox.new_ref_token), so unguessable.
    ref_token: str | None = Field(default=None, unique=True)
    subject: str | None = None
    body_text: str | None = _text(default=None)
    body_html: str | None = _text(default=None)
    blocks: list[dict[str, Any]] | None = _json(default=None)
    #: Set instead of subject and bodies when the message is rendered by the transport that sends it
    #: (bot.render.context_to_json): the context it was composed with, so every try renders the same bytes.
    render_context: dict[str, Any] | None = _json(default=None)
    state: str = Field(default="pending", index=True)  # MessageState
    attempts: int = 0
    not_before: datetime | None = _when(default=None, index=True)
    claimed_by: str | None = None
    claimed_until: datetime | None = _when(default=None)
    #: When the latest attempt began: after a crash, its sent copy may still be on the way until a hold has passed.
    attempt_started_at: datetime | None = _when(default=None)
    last_error: str | None = _text(default=None)
    created_at: datetime = _when(default_factory=utcnow)
    sent_at: datetime | None = _when(default=None)
    slack_channel: str | None = None
    slack_ts: str | None = Field(default=None, index=True)
    #: Post as a reply in this thread of `slack_channel` (a confirmation question under the chaser).
    slack_thread_ts: str | None = None
    #: Answer this received mail with a Graph createReply, so it threads under it in Outlook.
    reply_to_graph_message_id: str | None = None
    #: A file the mail carries (the Word report on the board's digest mail), read when it is sent.
    attachment_path: str | None = _text(default=None)
    graph_message_id: str | None = None
    conversation_id: str | None = Field(default=None, index=True)
    internet_message_id: str | None = Field(default=None, index=True)


class MessageAction(SQLModel, table=True):
    """Which actions a message covers: one chaser can cover all of a person's due actions."""

    message_id: int = Field(foreign_key="message.id", primary_key=True)
    action_id: int = Field(foreign_key="action.id", primary_key=True, index=True)


class BoardMeeting(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("partnership_id", "date"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", index=True)
    date: date
    digest_sent_at: datetime | None = _when(default=None)


class Event(SQLModel, table=True):
    """Append-only audit log: what changed, on what, by whom or what."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _when(default_factory=utcnow, index=True)
    actor: str  # "slack:U123", "mail:someone@example.org", "cli", "import", "scheduler"
    kind: str  # "action.status_changed", "message.sent", ...
    entity: str | None = None  # table name
    entity_id: int | None = None
    data: dict[str, Any] = _json(default_factory=dict)


class Cursor(SQLModel, table=True):
    """Small named bookmarks kept across restarts, e.g. the Graph delta link of the inbox."""

    name: str = Field(primary_key=True)
    value: str = _text(default="")
    updated_at: datetime = _when(default_factory=utcnow)


class Lease(SQLModel, table=True):
    """Who runs the scheduler: one holder at a time, renewed while alive, taken over when stale."""

    name: str = Field(primary_key=True)
    holder: str
    expires_at: datetime = _when()


class SendPace(SQLModel, table=True):
    """When the next send to a Slack conversation or to the mailbox may start (bot.rules.pacing).

    Shared by every process that delivers, so replicas and `dhr deliver` keep one pace together.
    Claiming a message moves `next_at` on with a conditional UPDATE on `version` (bot.pace_store).
    """

    key: str = Field(primary_key=True)  # bot.rules.pacing.pace_key: "email", "slack:C0BOARD"
    next_at: datetime | None = _when(default=None)
    version: int = 0


class SlackDelivery(SQLModel, table=True):
    """A Slack delivery already handled (event id, or hash of a signed request): retries and replays are skipped."""

    key: str = Field(primary_key=True, max_length=80)
    seen_at: datetime = _when(index=True)


class ChannelPause(SQLModel, table=True):
    """A transport whose credentials were refused (bot.pauses): nothing goes out on it until a probe
    succeeds. In the database, so every process sees it and it outlives restarts. Holds the service's
    error code only: never a secret or any message text."""

    channel: str = Field(primary_key=True, max_length=20)  # ChannelKind value
    since: datetime = _when()
    error: str = Field(max_length=80)
    #: When the coordinators were told (None: not yet), and by which channel (None: none could carry it).
    alerted_at: datetime | None = _when(default=None)
    alerted_via: str | None = Field(default=None, max_length=20)
    last_probe_at: datetime | None = _when(default=None)


class RerouteTask(SQLModel, table=True):
    """"Not ours, that's the CCG": a coordinator's task to re-route an action or change its lead contact.

    Opened from a redirect reading (the ProgressUpdate keeps what the lead said); the suggestion is the
    known agency and/or contact the named owner matched, if any. Decided once, by a coordinator.
    """

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    update_id: int = Field(foreign_key="progressupdate.id", unique=True)
    named: str | None = None  # the new owner as the lead wrote it ("the CCG", "Jane"); None when nobody was named
    agency_id: int | None = Field(default=None, foreign_key="agency.id")  # suggested new lead agency
    contact_id: int | None = Field(default=None, foreign_key="contact.id")  # suggested new lead contact
    #: The name matched the action's own lead agency or contact: nothing to suggest, and the message says so.
    names_current_lead: bool = False
    state: str = Field(default="open", index=True)  # TaskState
    created_at: datetime = _when(default_factory=utcnow)
    decided_at: datetime | None = _when(default=None)
    decided_by: str | None = None  # the actor, as the audit log names them
