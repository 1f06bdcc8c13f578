"""`/dhr ...`: acknowledged at once; the answer comes from a lazy listener as an ephemeral response."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, Respond
from sqlmodel import Session, col, select

from bot.blocks import OVERDUE_NEXT_PAGE, OVERDUE_PREV_PAGE, read_page_button_value
from bot.db import ensure_partnership, session_scope
from bot.digest.content import build_digest, digest_context
from bot.handlers.chase import chase_now
from bot.handlers.common import (
    Caller,
    Clock,
    caller,
    local_today,
    may_change,
    may_see,
    not_yours_to_see,
    passed_to_coordinator,
    refusal,
    sees_everything,
    text_blocks,
    unknown_ref,
    utc_now,
)
from bot.handlers.confirm import confirmation_for
from bot.handlers.recording import describe, record_for
from bot.handlers.views import overdue_answer, status_blocks
from bot.models import BoardMeeting
from bot.policy import reply_policy
from bot.reading.replies import read_reply
from bot.render import mrkdwn, render, ukdate
from bot.rules.dates import find_date_in_text, parse_target_date
from bot.rules.statuses import ChannelKind, ReadStatus, UpdateSource
from bot.runtime import Runtime
from bot.updates import Proposed, UpdateRefused, action_by_ref, snooze

log = logging.getLogger(__name__)

HELP = """*/dhr* answers only you. Commands:
• `/dhr overdue [agency|review|mine] [page]`: overdue actions, e.g. `/dhr overdue police`, `/dhr overdue RIV3 2`
• `/dhr status RIV3-2-1`: where one action stands
• `/dhr update RIV3-2-1 policy published, complete`: record progress in your own words
• `/dhr chase RIV3-2-1` or `/dhr chase police`: send a chaser now
• `/dhr snooze RIV3-2-1 31 March 2027`: stop chasing until that date
• `/dhr digest`: preview the next board digest (coordinators and board members)
You can see and change only your own agency's actions; coordinators can change any, and board members see all."""

NOT_KNOWN = ("Sorry, I don't know you yet: only people on the partnership's contacts list can use /dhr. "
             "The coordinator can add you.")

SORRY = "Sorry, something went wrong on my side and nothing was changed. Please try again later."

Answer = tuple[str, list[dict[str, Any]]]


def register(app: App, runtime: Runtime, clock: Clock = utc_now) -> None:
    def ack_at_once(ack: Ack) -> None:
        ack()

    def answer_dhr_command(body: dict[str, Any], respond: Respond) -> None:
        try:
            text, blocks = run_command(runtime, str(body.get("user_id", "")), str(body.get("text") or ""), clock())
        except Exception as exc:
            log.error("/dhr failed: %s (details left out: they may quote the request)", type(exc).__name__)
            text, blocks = _plain(SORRY)
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)

    def answer_overdue_page(body: dict[str, Any], respond: Respond) -> None:
        page, query = read_page_button_value(str(body["actions"][0].get("value", "")))
        with session_scope(runtime.engine) as session:
            who = caller(session, runtime, str(body["user"]["id"]))
            rendered = overdue_answer(session, runtime, who, query, page, local_today(runtime, clock()))
        respond(text=rendered.text, blocks=rendered.blocks, response_type="ephemeral", replace_original=True)

    app.command("/dhr")(ack=ack_at_once, lazy=[answer_dhr_command])
    app.action(OVERDUE_PREV_PAGE)(ack=ack_at_once, lazy=[answer_overdue_page])
    app.action(OVERDUE_NEXT_PAGE)(ack=ack_at_once, lazy=[answer_overdue_page])


def run_command(runtime: Runtime, slack_user_id: str, text: str, now: datetime) -> Answer:
    """The answer to `/dhr text` from `slack_user_id`: (fallback text, blocks)."""
    word, _, rest = text.strip().partition(" ")
    handler = _SUBCOMMANDS.get(word.lower())
    if handler is None:
        return _plain(HELP if word.lower() in ("", "help") else f"I don't know `{mrkdwn(word[:30])}`.\n\n{HELP}")
    with session_scope(runtime.engine) as session:
        who = caller(session, runtime, slack_user_id)
        if who.contact is None and not who.coordinator:
            return _plain(NOT_KNOWN)
        return handler(session, runtime, who, rest.strip(), now)


def _plain(text: str) -> Answer:
    return text, text_blocks(text)


def _overdue(session: Session, runtime: Runtime, who: Caller, args: str, now: datetime) -> Answer:
    rendered = overdue_answer(session, runtime, who, args, None, local_today(runtime, now))
    return rendered.text, rendered.blocks or []


def _status(session: Session, runtime: Runtime, who: Caller, args: str, now: datetime) -> Answer:
    if not args:
        return _plain("Which action? e.g. `/dhr status RIV3-2-1`")
    action = action_by_ref(session, args.split()[0])
    if action is None:
        return _plain(unknown_ref(args.split()[0]))
    if not may_see(who, action):
        return _plain(not_yours_to_see(f"another agency's action ({mrkdwn(action.ref)})"))
    return status_blocks(session, action, local_today(runtime, now), runtime.settings.partnership.timezone)


def _update(session: Session, runtime: Runtime, who: Caller, args: str, now: datetime) -> Answer:
    ref, _, said = args.partition(" ")
    if not ref or not said.strip():
        return _plain("Tell me the action and what has happened, e.g. `/dhr update RIV3-2-1 training done, complete`")
    today = local_today(runtime, now)
    reading = read_reply(said, today=today, known_refs=(ref.upper(),))
    proposed = Proposed(reading.status, reading.new_due, reading.evidence, reading.confidence, said.strip(),
                        redirect_to=reading.redirect_to)
    done = record_for(session, who, ref, proposed, settings=runtime.settings, source=UpdateSource.COMMAND, now=now)
    if done.problem or done.update is None or done.action is None:
        return _plain(done.problem or "Nothing was recorded.")
    if reading.status is ReadStatus.REDIRECT:
        return _plain(passed_to_coordinator([done.action.ref]))
    if not done.update.confirmed:
        assert done.update.id is not None
        rendered = confirmation_for(session, runtime, who, [(done.action, done.update)])
        return rendered.text, rendered.blocks or []
    return _plain(f"Recorded for *{mrkdwn(done.action.ref)}*: {mrkdwn(describe(done.update))}. Thank you.")


def _chase(session: Session, runtime: Runtime, who: Caller, args: str, now: datetime) -> Answer:
    if not args:
        return _plain("Chase what? e.g. `/dhr chase RIV3-2-1` or `/dhr chase police`")
    return _plain(chase_now(session, runtime, who, args, now))


def _snooze(session: Session, runtime: Runtime, who: Caller, args: str, now: datetime) -> Answer:
    ref, _, when = args.partition(" ")
    if not ref or not when.strip():
        return _plain("Give the action and a date, e.g. `/dhr snooze RIV3-2-1 31 March 2027`")
    action = action_by_ref(session, ref)
    if action is None:
        return _plain(unknown_ref(ref))
    if not may_change(session, runtime, who, action):
        return _plain(refusal(action.ref))
    today = local_today(runtime, now)
    until = parse_target_date(when, today=today).due
    if until is None:
        found = find_date_in_text(when, today=today)
        until = found.due if found else None
    if until is None:
        return _plain(f"I couldn't read a date in `{mrkdwn(when[:60])}`. Try `31 March 2027` or `2027-03-31`.")
    try:
        snooze(session, action, until, actor=who.actor, now=now,
               max_days=None if who.coordinator else runtime.settings.safety.max_snooze_days)
    except UpdateRefused as refused:
        return _plain(mrkdwn(str(refused)))
    return _plain(f"*{mrkdwn(action.ref)}* will not be chased until {ukdate(until)}.")


def _digest(session: Session, runtime: Runtime, who: Caller, args: str, now: datetime) -> Answer:  # noqa: ARG001
    if not sees_everything(who):
        return _plain(not_yours_to_see("the board digest"))
    partnership = ensure_partnership(session, runtime.settings)
    today = local_today(runtime, now)
    meeting = session.exec(
        select(col(BoardMeeting.date))
        .where(BoardMeeting.partnership_id == partnership.id, col(BoardMeeting.date) >= today)
        .order_by(col(BoardMeeting.date))
    ).first()
    # With no meeting in the calendar the preview reads as if the board met today.
    digest = build_digest(session, partnership, meeting or today, now,
                          replies=reply_policy(runtime.settings))
    rendered = render("digest", ChannelKind.SLACK, digest_context(digest))
    return rendered.text, rendered.blocks or []


# Every subcommand takes the same arguments, whether it needs them or not.
def _help(session: Session, runtime: Runtime, who: Caller, args: str, now: datetime) -> Answer:  # noqa: ARG001
    return _plain(HELP)


# Every subcommand takes the same arguments (hence the noqa above), so one table dispatches them.
_SUBCOMMANDS: dict[str, Callable[[Session, Runtime, Caller, str, datetime], Answer]] = {
    "overdue": _overdue, "status": _status, "update": _update, "chase": _chase,
    "snooze": _snooze, "digest": _digest, "help": _help,
}
