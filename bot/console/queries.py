"""What the console pages show, each page a few SQL statements (counted, filtered, sorted and paged in the database).

The words on the pages mean:
- open: not complete or not applicable, and still in the plan;
- overdue: open, and its target date is before today;
- unanswered: open, chased, and nobody has answered since the last chase;
- not being chased: open, and either snoozed or with nobody to chase (no lead contact, and no active
  lead at its agency).

"Chased" and "answered" are read from the copies on the action's activity row (bot/action_copies.py: the last
message of its chase history that is not dead, the last answer that was not refused or set aside), the rest from
the copies on the action, so that the plan page of a review of 500,000 actions filters, sorts and counts on their
own indexes (models._plan_page_indexes, models._activity_indexes), planned the same with or without statistics.
A statement reads one of those indexes for the review's entries, and looks the other row of each up by key only
when something is asked of it (`Chosen.through`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from bot.console.access import Viewer
from bot.history_queries import CLOSED_STATUS_VALUES, as_utc, in_plan, live_action, per_action, reached_message
from bot.models import NEVER_ANSWERED, Action, ActionActivity, Agency, Contact, Message, Review
from bot.rules.statuses import MessageKind, Role

CHASE_KINDS = (MessageKind.HEADS_UP.value, MessageKind.CHASER.value, MessageKind.BOARD_UPDATE_REQUEST.value,
               MessageKind.ESCALATION.value)
PAGE_SIZE = 50


def _col(attribute: Any) -> Any:
    return attribute  # SQLModel fields are columns at class level; this keeps mypy quiet in one place


def _activity_in_plan() -> ColumnElement[bool]:
    """history_queries.in_plan() on the activity row's copy."""
    in_the_plan: ColumnElement[bool] = _col(ActionActivity.removed_from_plan_at).is_(None)
    return in_the_plan


def _unanswered() -> ColumnElement[bool]:
    """Open, chased, and no answer since the last chase (never chased compares as NULL: not unanswered), on the
    activity row. Written as the predicate of ix_action_activity_unanswered (models._UNANSWERED), the statuses
    as literals like history_queries.live_action(), so both databases read it from that index."""
    never: ColumnElement[Any] = sa.literal_column(f"'{NEVER_ANSWERED}'")
    closed = [sa.literal(value, literal_execute=True) for value in CLOSED_STATUS_VALUES]
    return sa.and_(_col(ActionActivity.status).not_in(closed), _activity_in_plan(),
                   _col(ActionActivity.last_chased_at) > sa.func.coalesce(_col(ActionActivity.last_answer_at), never))


#: The indexes of the activity rows (models._activity_indexes); every other index the pages name is the action's.
_ON_ACTIVITY = frozenset({"ix_action_activity_chased", "ix_action_activity_unanswered"})


@dataclass(frozen=True)
class Chosen:
    """Actions of one review (`review`: its id, or the enclosing statement's Review.id), by what is asked of the
    action and of its activity row; `in_plan`: only those the plan still has."""

    review: Any
    of_action: tuple[ColumnElement[bool], ...] = ()
    of_activity: tuple[ColumnElement[bool], ...] = ()
    in_plan: bool = True

    def through(self, index: str, *columns: Any, ordered_on: Any = None) -> sa.Select[Any]:
        """`columns` (default: the action's id) of these actions, read through `index`: the review's entries in it
        first, and the other row of each (the activity row, or the action) joined by key only when something is
        asked of it or the order is on it (`ordered_on`: the table whose columns the caller sorts by)."""
        first: Any
        other: Any
        if index in _ON_ACTIVITY:
            first, other, plan = ActionActivity, Action, _activity_in_plan()
            review, asked_of_first, asked_of_other = _col(ActionActivity.review_id), self.of_activity, self.of_action
            own_id, other_id = _col(ActionActivity.action_id), _col(Action.id)
        else:
            first, other, plan = Action, ActionActivity, in_plan()
            review, asked_of_first, asked_of_other = _col(Action.review_id), self.of_action, self.of_activity
            own_id, other_id = _col(Action.id), _col(ActionActivity.action_id)
        query = sa.select(*columns or (own_id,)).select_from(first).where(
            review == self.review, *([plan] if self.in_plan else []), *asked_of_first)
        if asked_of_other or ordered_on is other:
            query = query.join(other, other_id == own_id).with_hint(other, "NOT INDEXED", dialect_name="sqlite")
            if asked_of_other:
                # One expression, tested on the row found by key, that implies no partial index's predicate: given
                # the bare conditions, PostgreSQL without statistics looked the row up in the unanswered's partial
                # index (index-only, and thought small), reading every entry of it for each action of the page.
                query = query.where(sa.func.coalesce(sa.and_(*asked_of_other), sa.false()))
        return _indexed_by(query, index, first)


def _conditions(today: date) -> dict[str, ColumnElement[bool]]:
    lead = aliased(Contact)  # the plan page also joins Contact, for the lead contact's name
    agency_has_a_lead = (
        sa.select(_col(lead.id)).where(_col(lead.agency_id) == _col(Action.lead_agency_id), _col(lead.active),
                                       _col(lead.role) == Role.LEAD.value)
        .correlate(Action).exists()
    )
    someone_to_chase = sa.or_(_col(Action.lead_contact_id).is_not(None), agency_has_a_lead)
    return {
        "open": live_action(),
        "overdue": sa.and_(live_action(), _col(Action.due) < today),
        "unanswered": _unanswered(),
        "not_chased": sa.and_(live_action(), sa.or_(_col(Action.snoozed_until) >= today, sa.not_(someone_to_chase))),
    }


def _visible_to(viewer: Viewer) -> tuple[ColumnElement[bool], ...]:
    """What a viewer's actions must meet (nothing, for one who sees every agency: no join for it)."""
    if viewer.sees_every_agency:
        return ()
    visible: ColumnElement[bool] = _col(Action.lead_agency_id) == viewer.agency_id
    return (visible,)


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
    """Each review of the partnership with its counts, each count a subquery per review that reads one index
    starting with the review (the figure's own partial index where it has one, named on SQLite): the page costs
    what each review holds of each figure, not every action of every review in one pass with a test of the agency's
    leads per open action (0.8-1.1 s at 500,000 actions). On PostgreSQL the counts read the index alone once the
    table is vacuumed (store.vacuum_after_bulk_load; before, each entry visits its table row). A viewer who sees
    one agency counts in ix_action_review_lead_agency, through that agency's actions only."""
    overdue = _conditions(today)["overdue"]
    return (
        sa.select(_col(Review.id), _col(Review.code), _col(Review.title),
                  _review_count(viewer, "ix_action_review_lead_agency"),
                  _review_count(viewer, "ix_action_plan_overdue", live_action()),
                  _review_count(viewer, "ix_action_plan_overdue", overdue),
                  _review_count(viewer, "ix_action_activity_unanswered", of_activity=(_unanswered(),)),
                  _not_being_chased_count(viewer, today))
        .where(_col(Review.partnership_id) == partnership_id)
        .order_by(_col(Review.code))
    )


def _review_count(viewer: Viewer, index: str, *conditions: ColumnElement[bool],
                  of_activity: tuple[ColumnElement[bool], ...] = (), also_of: Any = Review) -> Any:
    """How many of the current review's actions the viewer sees meet `conditions` (on the action) and `of_activity`
    (on its activity row), counted in `index` (`also_of`: another row of the enclosing statement they name)."""
    chosen = Chosen(_col(Review.id), (*_visible_to(viewer), *conditions), of_activity, in_plan=False)
    own_index = index if viewer.sees_every_agency else "ix_action_review_lead_agency"
    return chosen.through(own_index, sa.func.count()).correlate(Review, also_of).scalar_subquery()


def _not_being_chased_count(viewer: Viewer, today: date) -> Any:
    """The console's "not being chased" as three disjoint counts: the snoozed, and of the rest those chased through
    their agency (no lead contact) where there is no agency or it has no active lead. That last is counted per
    such agency (found once per statement), each an index lookup of (review, agency): the contacts are never
    looked at per action, and no plan has to guess how few the agencies without a lead are. It costs a lookup per
    review and agency without a lead (25,000 in the benchmark: 500 reviews, 50 such agencies)."""
    lead = aliased(Contact)
    leadless = (
        sa.select(_col(Agency.id))
        .where(~sa.select(_col(lead.id)).where(_col(lead.agency_id) == _col(Agency.id), _col(lead.active),
                                                _col(lead.role) == Role.LEAD.value).exists())
        .cte("leadless_agency").prefix_with("MATERIALIZED")
    )
    not_snoozed = sa.or_(_col(Action.snoozed_until).is_(None), _col(Action.snoozed_until) < today)
    through_the_agency = (live_action(), not_snoozed, _col(Action.lead_contact_id).is_(None))
    of_leadless_agencies = sa.select(sa.func.coalesce(sa.func.sum(_review_count(
        viewer, "ix_action_plan_through_agency", *through_the_agency, _col(Action.lead_agency_id) == leadless.c.id,
        also_of=leadless)), 0)).select_from(leadless).correlate(Review).scalar_subquery()
    return (_review_count(viewer, "ix_action_plan_snoozed", live_action(), _col(Action.snoozed_until) >= today)
            + _review_count(viewer, "ix_action_plan_through_agency", *through_the_agency,
                            _col(Action.lead_agency_id).is_(None))
            + of_leadless_agencies)


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


class _Sort(NamedTuple):
    columns: tuple[Any, ...]  # on the action, or on its activity row (`on_activity`), in order
    nullable: bool  # whether the first can be NULL (those actions come last whichever way the page is sorted)
    index_name: str  # the index that holds the review's actions in this order (models._plan_page_indexes)
    on_activity: bool = False


_SORTS = {
    "ref": _Sort((_col(Action.recommendation_position), _col(Action.position), _col(Action.ref), _col(Action.id)),
                 False, "ix_action_plan_ref"),
    "agency": _Sort((_col(Action.agency_name), _col(Action.id)), True, "ix_action_plan_agency"),
    "due": _Sort((_col(Action.due), _col(Action.id)), True, "ix_action_plan_due"),
    "status": _Sort((_col(Action.status), _col(Action.id)), False, "ix_action_plan_status"),
    "updated": _Sort((_col(Action.updated_at), _col(Action.id)), False, "ix_action_plan_updated"),
    "chased": _Sort((_col(ActionActivity.last_chased_at), _col(ActionActivity.action_id)), True,
                    "ix_action_activity_chased", on_activity=True),
}
#: The filter under which a nullable sort key is always known (an overdue action has a target date), and whose
#: own index holds the actions in that sort's order.
_KNOWN_UNDER = {"due": "overdue", "chased": "unanswered"}
#: Up to this many actions chosen by a filter with an index of its own, the page sorts them rather than walk the
#: sort's index past the actions the filter leaves out (which may be nearly all of a big review).
SORT_AT_MOST = 10_000


def plan_page(session: Session, review_id: int, viewer: Viewer, today: date, wanted: PlanFilter) -> PlanPage:
    """One page of the plan: its count, then the page's action ids (filtered, sorted and cut in SQL on the columns
    of the action and its activity row, walking an index from the page's start), then those rows in full."""
    chosen = chosen_for_plan_page(review_id, viewer, today, wanted)
    total = int(session.execute(count_query(chosen, wanted, viewer)).scalar_one())
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, wanted.page), pages)
    ids = _page_ids(session, chosen, wanted, viewer, (page - 1) * PAGE_SIZE, total)
    return PlanPage(_plan_rows(session, ids, today), total, page, pages)


def chosen_for_plan_page(review_id: int, viewer: Viewer, today: date, wanted: PlanFilter) -> Chosen:
    """The review's actions the page shows, unsorted: every condition on the action or its activity row alone."""
    when = _conditions(today)
    of_action = [*_visible_to(viewer), *(when[name] for name in ("overdue", "not_chased") if getattr(wanted, name))]
    if wanted.agency_id is not None:
        of_action.append(_col(Action.lead_agency_id) == wanted.agency_id)
    return Chosen(review_id, tuple(of_action), (when["unanswered"],) if wanted.unanswered else ())


def _filter_index(wanted: PlanFilter, viewer: Viewer) -> str | None:
    """The index that holds only (or first) the actions the filters choose, if one does."""
    if wanted.unanswered:
        return "ix_action_activity_unanswered"
    if wanted.overdue:
        return "ix_action_plan_overdue"
    if wanted.agency_id is not None or not viewer.sees_every_agency:
        return "ix_action_review_lead_agency"
    return None


def _indexed_by(query: sa.Select[Any], index: str, table: Any = Action) -> sa.Select[Any]:
    """`query` reading `table` through `index` on SQLite (INDEXED BY; bot.db lets SQLite's compiler write it):
    after ANALYZE, SQLite takes the average review (about 50 actions) for the 500,000-action one and may walk the
    wrong index. PostgreSQL ignores the hint; its plans are checked without statistics in the tests."""
    return query.with_hint(table, f"INDEXED BY {index}", dialect_name="sqlite")


def count_query(chosen: Chosen, wanted: PlanFilter, viewer: Viewer) -> sa.Select[Any]:
    """How many actions `chosen` holds, counted in the filter's index alone (every column it reads is in it)."""
    counted = chosen.through(_filter_index(wanted, viewer) or "ix_action_review_lead_agency")
    return sa.select(sa.func.count()).select_from(counted.subquery())


def count_in_order_query(ordered: sa.Select[Any]) -> sa.Select[Any]:
    """The count of `ordered` read along its order (in the index it walks): a count of the NULL sort keys, which
    only the sort's index holds as index conditions, where PostgreSQL without statistics costs every index of the
    review the same."""
    return sa.select(sa.func.count()).select_from(ordered.subquery())


def sorted_queries(
    chosen: Chosen, wanted: PlanFilter, viewer: Viewer, total: int
) -> tuple[sa.Select[Any], sa.Select[Any] | None]:
    """`chosen` in the page's order as (the actions whose sort key is known, those whose key is NULL, or None when
    it cannot be). Each is one index walk in that index's own order, or a sort of at most SORT_AT_MOST actions
    its filter's index holds. The NULLs are asked for apart, since the page puts them last both ways and the
    databases keep them first (SQLite) or last (PostgreSQL) in an index."""
    sort = _SORTS.get(wanted.sort, _SORTS["ref"])
    filtered_by = _filter_index(wanted, viewer)
    in_order = (wanted.sort, filtered_by) in (("chased", "ix_action_activity_unanswered"),
                                              ("due", "ix_action_plan_overdue"))
    index = filtered_by if filtered_by is not None and (in_order or total <= SORT_AT_MOST) else sort.index_name
    read = chosen.through(index, ordered_on=ActionActivity if sort.on_activity else Action)
    known = read.order_by(*(c.desc() if wanted.descending else c.asc() for c in sort.columns))
    if not sort.nullable or getattr(wanted, _KNOWN_UNDER.get(wanted.sort, ""), False):
        return known, None
    unknown = read.where(sort.columns[0].is_(None)).order_by(*(c.asc() for c in sort.columns))
    return known.where(sort.columns[0].is_not(None)), unknown


def _page_ids(
    session: Session, chosen: Chosen, wanted: PlanFilter, viewer: Viewer, offset: int, total: int
) -> list[int]:
    known, unknown = sorted_queries(chosen, wanted, viewer, total)
    known_count = None
    if unknown is not None and offset > SORT_AT_MOST:
        # Deep in the list: count the NULL keys first (in their index), so that a page among them (the last pages)
        # does not walk every known key to find none.
        known_count = _known_count(session, unknown, total)
    walk = known_count is None or offset < known_count
    ids = list(session.execute(known.limit(PAGE_SIZE).offset(offset)).scalars()) if walk else []
    if unknown is None or len(ids) == PAGE_SIZE:
        return ids
    # The page reaches past the known keys: the rest comes from the NULLs, as far into them as the page is past.
    if known_count is None:
        known_count = offset + len(ids) if ids or not offset else _known_count(session, unknown, total)
    rest = unknown.limit(PAGE_SIZE - len(ids)).offset(max(0, offset - known_count))
    return ids + list(session.execute(rest).scalars())


def _known_count(session: Session, unknown: sa.Select[Any], total: int) -> int:
    return total - int(session.execute(count_in_order_query(unknown)).scalar_one())


def _plan_rows(session: Session, ids: Sequence[int], today: date) -> list[PlanRow]:
    """The page's rows, each with its chase count and level looked up by key (no aggregate over every action)."""
    if not ids:
        return []
    overdue = sa.and_(live_action(), _col(Action.due) < today)
    chase = _col(Message.kind).in_(CHASE_KINDS)
    query = (
        sa.select(_col(Action.id), _col(Action.ref), _col(Action.description), _col(Action.agency_name),
                  _col(Contact.name), _col(Action.target_text), _col(Action.due), _col(Action.status),
                  _col(Action.updated_at), _col(ActionActivity.last_chased_at),
                  per_action(sa.func.count(reached_message(sa.literal(1), chase))),
                  sa.func.coalesce(per_action(sa.func.max(reached_message(_col(Message.level), chase))), 0),
                  overdue)
        .select_from(Action)
        .join(ActionActivity, _col(ActionActivity.action_id) == _col(Action.id))
        .outerjoin(Contact, _col(Contact.id) == _col(Action.lead_contact_id))
        .where(_col(Action.id).in_(ids))
    )
    found = {r[0]: PlanRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], as_utc(r[9]), int(r[10]),
                           int(r[11]), bool(r[12])) for r in session.execute(query)}
    return [found[i] for i in ids if i in found]
