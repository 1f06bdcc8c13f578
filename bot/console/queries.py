"""What the console pages show, each page one or two SQL statements (counted, filtered, sorted and paged in the database).

The words on the pages mean:
- open: not complete or not applicable, and still in the plan;
- overdue: open, and its target date is before today;
- unanswered: open, chased, and nobody has answered since the last chase;
- not being chased: open, and either snoozed or with nobody to chase (no lead contact, and no active
  lead at its agency).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from bot.console.access import Viewer
from bot.history_queries import as_utc, per_action, reached_message
from bot.models import Action, Agency, Contact, Message, MessageAction, ProgressUpdate, Recommendation, Review, UTCDateTime
from bot.rules.statuses import CLOSED_STATUSES, MessageKind, MessageState, Role, UpdateSource

CHASE_KINDS = (MessageKind.HEADS_UP.value, MessageKind.CHASER.value, MessageKind.BOARD_UPDATE_REQUEST.value,
               MessageKind.ESCALATION.value)
PAGE_SIZE = 50


def _col(attribute: Any) -> Any:
    return attribute  # SQLModel fields are columns at class level; this keeps mypy quiet in one place


def _chases() -> Any:
    """Per action: the last chase, how many, and the highest escalation level (dead messages reached nobody)."""
    query = (
        sa.select(
            _col(MessageAction.action_id).label("action_id"),
            sa.func.max(_col(Message.created_at)).label("last_chased"),
            sa.func.count().label("chase_count"),
            sa.func.max(_col(Message.level)).label("level"),
        )
        .join(Message, _col(Message.id) == _col(MessageAction.message_id))
        .where(_col(Message.state) != MessageState.DEAD.value, _col(Message.kind).in_(CHASE_KINDS))
        .group_by(_col(MessageAction.action_id))
    )
    return query.subquery("chases")


def _answers() -> Any:
    """Per action: the last time someone answered (not an import, not refused, not set aside as misread)."""
    return (
        sa.select(
            _col(ProgressUpdate.action_id).label("action_id"),
            sa.func.max(_col(ProgressUpdate.at)).label("last_answer"),
        )
        .where(*_answer_conditions())
        .group_by(_col(ProgressUpdate.action_id))
        .subquery("answers")
    )


def _last_chased() -> Any:
    """The action's last chase that reached someone, looked up by key for the action (see history_queries.per_action)."""
    return per_action(sa.func.max(reached_message(_col(Message.created_at), _col(Message.kind).in_(CHASE_KINDS))))


def _last_answer() -> Any:
    """The action's last answer as `_answers` means it, looked up by key for the action."""
    return (
        sa.select(sa.func.max(_col(ProgressUpdate.at)))
        .where(_col(ProgressUpdate.action_id) == _col(Action.id), *_answer_conditions())
        .correlate(Action)
        .scalar_subquery()
    )


#: Earlier than any answer: `_unanswered_by_key` compares with it rather than testing each lookup for NULL twice.
_NEVER = datetime(1900, 1, 1, tzinfo=UTC)


def _unanswered_by_key() -> ColumnElement[bool]:
    """"unanswered" with one lookup of the last chase and one of the last answer per open action, for statements
    that count every action: joined to the per-action aggregates instead, PostgreSQL without statistics ran them
    inside a nested loop, again for every recommendation (minutes at 500k actions). A never-chased action
    compares as NULL, so it is not unanswered."""
    return sa.and_(_is_open(), _last_chased() > sa.func.coalesce(_last_answer(), sa.literal(_NEVER, UTCDateTime())))


def _answer_conditions() -> list[ColumnElement[bool]]:
    return [_col(ProgressUpdate.source) != UpdateSource.IMPORT.value, sa.not_(_col(ProgressUpdate.refused)),
            sa.not_(_col(ProgressUpdate.rejected))]


def _is_open() -> ColumnElement[bool]:
    return sa.and_(_col(Action.status).not_in([s.value for s in CLOSED_STATUSES]),
                   _col(Action.removed_from_plan_at).is_(None))


def _conditions(today: date, unanswered: ColumnElement[bool]) -> dict[str, ColumnElement[bool]]:
    lead = aliased(Contact)  # the plan page also joins Contact, for the lead contact's name
    agency_has_a_lead = (
        sa.select(_col(lead.id)).where(_col(lead.agency_id) == _col(Action.lead_agency_id), _col(lead.active),
                                       _col(lead.role) == Role.LEAD.value)
        .correlate(Action).exists()
    )
    someone_to_chase = sa.or_(_col(Action.lead_contact_id).is_not(None), agency_has_a_lead)
    return {
        "open": _is_open(),
        "overdue": sa.and_(_is_open(), _col(Action.due) < today),
        "unanswered": unanswered,
        "not_chased": sa.and_(_is_open(), sa.or_(_col(Action.snoozed_until) >= today, sa.not_(someone_to_chase))),
    }


def _visible_to(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.sees_every_agency:
        return sa.true()
    visible: ColumnElement[bool] = _col(Action.lead_agency_id) == viewer.agency_id
    return visible


@dataclass(frozen=True)
class ReviewSummary:
    id: int
    code: str
    title: str
    actions: int
    open: int
    overdue: int
    unanswered: int
    not_chased: int


def review_summaries(session: Session, partnership_id: int, viewer: Viewer, today: date) -> list[ReviewSummary]:
    query = review_summaries_query(partnership_id, viewer, today)
    return [ReviewSummary(row[0], row[1], row[2], *(int(v) for v in row[3:])) for row in session.execute(query)]


def review_summaries_query(partnership_id: int, viewer: Viewer, today: date) -> sa.Select[Any]:
    """Each review of the partnership with its counts, in one pass over its actions (no history aggregate joined)."""
    when = _conditions(today, _unanswered_by_key())

    def count(condition: ColumnElement[bool]) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    return (
        sa.select(_col(Review.id), _col(Review.code), _col(Review.title), sa.func.count(_col(Action.id)),
                  count(when["open"]), count(when["overdue"]), count(when["unanswered"]), count(when["not_chased"]))
        .select_from(Review)
        .outerjoin(Recommendation, _col(Recommendation.review_id) == _col(Review.id))
        .outerjoin(Action, sa.and_(_col(Action.recommendation_id) == _col(Recommendation.id), _visible_to(viewer)))
        .where(_col(Review.partnership_id) == partnership_id)
        .group_by(_col(Review.id), _col(Review.code), _col(Review.title))
        .order_by(_col(Review.code))
    )


class AgencyChoice(NamedTuple):
    id: int
    name: str


def agency_choices(session: Session) -> list[AgencyChoice]:
    """The plan page's agency filter: id and name of every agency, by name (the national list holds thousands:
    as ORM objects they took longer to load than the page's own statements)."""
    query = sa.select(_col(Agency.id), _col(Agency.name)).order_by(_col(Agency.name))
    return [AgencyChoice(agency_id, name) for agency_id, name in session.execute(query)]


@dataclass(frozen=True)
class PlanFilter:
    overdue: bool = False
    unanswered: bool = False
    not_chased: bool = False
    agency_id: int | None = None
    sort: str = "ref"
    descending: bool = False
    page: int = 1


@dataclass(frozen=True)
class PlanRow:
    action_id: int
    ref: str
    description: str
    agency: str | None
    contact: str | None
    target_text: str | None
    due: date | None
    status: str
    updated_at: datetime
    last_chased: datetime | None
    chase_count: int
    level: int
    overdue: bool


@dataclass(frozen=True)
class PlanPage:
    rows: list[PlanRow]
    total: int
    page: int
    pages: int


def plan_page(session: Session, review_id: int, viewer: Viewer, today: date, wanted: PlanFilter) -> PlanPage:
    """One page of the plan, in two statements: the page's action ids (filtered, counted, sorted and cut in SQL,
    joining the chase and answer history only when a filter or the sort needs it), then those rows in full."""
    needs_history = wanted.unanswered or wanted.sort == "chased"
    chases, answers = _chases(), _answers()
    unanswered = sa.and_(_is_open(), chases.c.last_chased.is_not(None),
                         sa.or_(answers.c.last_answer.is_(None), answers.c.last_answer < chases.c.last_chased))
    when = _conditions(today, unanswered)
    agency_name = sa.func.coalesce(_col(Agency.name), _col(Action.lead_agency_text))
    sorts: dict[str, Any] = {
        "ref": (_col(Recommendation.position), _col(Action.position), _col(Action.ref)),
        "agency": (agency_name,),
        "due": (_col(Action.due),),
        "status": (_col(Action.status),),
        "updated": (_col(Action.updated_at),),
        "chased": (chases.c.last_chased,),
    }
    filters = [_col(Recommendation.review_id) == review_id, _visible_to(viewer),
               _col(Action.removed_from_plan_at).is_(None)]
    filters += [when[name] for name in ("overdue", "unanswered", "not_chased") if getattr(wanted, name)]
    if wanted.agency_id is not None:
        filters.append(_col(Action.lead_agency_id) == wanted.agency_id)
    chosen = (
        sa.select(_col(Action.id))
        .select_from(Action)
        .join(Recommendation, _col(Recommendation.id) == _col(Action.recommendation_id))
        .where(*filters)
    )
    if needs_history:
        chosen = chosen.outerjoin(chases, chases.c.action_id == _col(Action.id)).outerjoin(
            answers, answers.c.action_id == _col(Action.id))
    total = int(session.execute(sa.select(sa.func.count()).select_from(chosen.subquery())).scalar_one())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, wanted.page), pages)
    if wanted.sort == "agency":
        chosen = chosen.outerjoin(Agency, _col(Agency.id) == _col(Action.lead_agency_id))
    order = [sa.nulls_last(c.desc() if wanted.descending else c.asc()) for c in sorts.get(wanted.sort, sorts["ref"])]
    ids = list(session.execute(
        chosen.order_by(*order, _col(Action.id).asc()).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars())
    return PlanPage(_plan_rows(session, ids, today), total, page, pages)


def _plan_rows(session: Session, ids: list[int], today: date) -> list[PlanRow]:
    """The page's rows, each with its chase history looked up by key (no aggregate over every action to join)."""
    if not ids:
        return []
    overdue = sa.and_(_is_open(), _col(Action.due) < today)
    chase = _col(Message.kind).in_(CHASE_KINDS)
    query = (
        sa.select(_col(Action.id), _col(Action.ref), _col(Action.description),
                  sa.func.coalesce(_col(Agency.name), _col(Action.lead_agency_text)), _col(Contact.name),
                  _col(Action.target_text), _col(Action.due), _col(Action.status), _col(Action.updated_at),
                  per_action(sa.func.max(reached_message(_col(Message.created_at), chase))),
                  per_action(sa.func.count(reached_message(sa.literal(1), chase))),
                  sa.func.coalesce(per_action(sa.func.max(reached_message(_col(Message.level), chase))), 0),
                  overdue)
        .select_from(Action)
        .outerjoin(Agency, _col(Agency.id) == _col(Action.lead_agency_id))
        .outerjoin(Contact, _col(Contact.id) == _col(Action.lead_contact_id))
        .where(_col(Action.id).in_(ids))
    )
    found = {r[0]: PlanRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], as_utc(r[9]), int(r[10]),
                           int(r[11]), bool(r[12])) for r in session.execute(query)}
    return [found[i] for i in ids if i in found]

