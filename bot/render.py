"""The one way into Jinja2: `render(name, channel, context) -> Rendered`.

Templates live in bot/templates/messages/, three per message:

    {name}.subject.j2       one line; every mail subject starts "[{ref_token}]" so replies match
    {name}.txt.j2           plain text: the mail's text part and Slack's notification fallback
    {name}.email.html.j2    mail body, autoescaped, inline styles (Outlook-safe)

Slack's Block Kit is built in Python from the same context (bot.slack_blocks), checked against
Block Kit limits, in `Rendered.blocks`; `Rendered.text` is already escaped for mrkdwn (Slack reads
the fallback as mrkdwn). For email, `Rendered.html` is set. For the outbox channel both are set,
so a reviewer sees what either transport would have sent. render() adds `channel`
("slack"/"email"/"outbox") and `kind` (= name) to the context itself, and for the action-request
kinds plain-text `title`, `intro` and `expects_reply` from the wording table (bot.wording).
Never call a macro across escape modes (a .j2 macro from an .html.j2 template): Jinja marks its
unescaped output safe.

Least data: messages carry refs, short summaries, dates, statuses and agency/contact names only.
Never pass victims' or perpetrators' names, a review's title or narrative: the ref's review code
(RIV3) is enough, and every message about actions names its review by that code
(`wording.reviews_phrase`, from the refs). Summaries are cut to 25 words by the templates (8 in
the digest's lines), a quoted last update to 15.

An *action* below is a mapping with: ref (str, "RIV3-2a-1"), summary (str, short), due (date |
None), target_text (str, as written: "tbc", "Autumn 2027"), days_overdue (int | None),
status (ActionStatus or its value). Dates are local `date`s (or "YYYY-MM-DD"), never datetimes:
convert to the partnership's timezone first.

| template             | context keys                                                                |
|----------------------|-----------------------------------------------------------------------------|
| heads_up             | recipient_name, partnership_name, actions, ref_token, reply_hint            |
| chaser               | recipient_name, partnership_name, actions, ref_token, reply_hint            |
| board_update_request | as chaser + board_name, meeting_date (date), reply_by (date)                |
| escalation           | level (2 = agency manager, lead in copy; 3 = the board), recipient_name,    |
|                      | partnership_name, agency_name, lead_name, chase_count (int), first_chased   |
|                      | (date), actions (+ last_chased: date | None, last_update: {on, status,      |
|                      | text} | None), ref_token; level 2 also reply_hint, optional lead_copied,     |
|                      | recipient_is_coordinator, no_lead_agency, agencies_without_manager; level 3 |
|                      | also board_name, optional agency_count, manager_asks: [{agency, role,       |
|                      | channel, on, state}] (what the outbox holds of level 2)                     |
| confirmation         | recipient_name, partnership_name, ref_token, confirm_value (str: button     |
|                      | value for CONFIRM/REJECT_READING), readings: [{ref, status (ReadStatus),    |
|                      | new_due (date | None), evidence (str | None)}]                             |
| overdue              | as_of (date), scope (str: "all agencies", "Riverside Police"), query (str:  |
|                      | the `/dhr overdue` arguments, echoed in pager buttons), actions: [{ref,     |
|                      | agency, due, days_overdue, last_chased}], page, page_count, total (see      |
|                      | paginate()); optional partnership_name, ref_token                           |
| digest               | partnership_name, board_name, meeting_date, as_of, since (date | None: last |
|                      | meeting), rag: [{label, count}], by_agency / by_review: [{name, open,       |
|                      | overdue, complete, not_chased}], not_chased: [{ref, agency, due, reason}],  |
|                      | overdue: [{ref, agency, due, days_overdue}], no_response: [{ref, agency,    |
|                      | last_chased, chase_count}], revised_dates: [{ref, agency, old_due,          |
|                      | new_due}], completed: [{ref, agency, completed_on}]; every list row also    |
|                      | summary (the action's text); optional ref_token                             |
| unowned              | recipient_name, partnership_name, ref_token, actions: [{ref, summary,       |
|                      | reason ("no lead agency" / "no lead contact"), agency}] (empty: all clear)  |

`ref_token` is the message's reply-matching token, e.g. "DHR-7f3a"; `reply_hint` is one short
sentence on how or when to answer ("Please reply by 15 Jan 2027."), shown above the examples.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from math import ceil
from pathlib import Path
from typing import Any, Generic, TypeVar

import jinja2

from bot import blocks, wording
from bot.rules.statuses import ChannelKind
from bot.slack_blocks import BUILDERS, DIGEST_LINES_SHOWN, OVERDUE_PAGE_SIZE, SLACK_ACTIONS_SHOWN
from bot.text import clip, counted, due_phrase, mrkdwn, reading_phrase, status_label, truncate_words, ukdate
from bot.wording import request_wording

T = TypeVar("T")

__all__ = [
    "DIGEST_LINES_SHOWN",
    "OVERDUE_PAGE_SIZE",
    "REQUEST_KINDS",
    "SLACK_ACTIONS_SHOWN",
    "Page",
    "RenderError",
    "Rendered",
    "clip",
    "context_from_json",
    "context_to_json",
    "counted",
    "due_phrase",
    "mrkdwn",
    "page_of",
    "paginate",
    "reading_phrase",
    "render",
    "status_label",
    "truncate_words",
    "ukdate",
]

#: Messages that ask a lead about a list of actions; they share templates/_request.* and bot.wording.
REQUEST_KINDS = frozenset({"heads_up", "chaser", "board_update_request", "escalation"})
_SLACK_FALLBACK_CHARS = 3500  # Slack advises under 4000; escaping can only lengthen a little
_SUBJECT_CHARS = 200
_NAME = re.compile(r"[a-z][a-z0-9_]*")


class RenderError(Exception):
    """A message could not be rendered; the text names the template (and line when known)."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None
    blocks: list[dict[str, Any]] | None


@dataclass(frozen=True)
class Page(Generic[T]):
    actions: list[T]
    page: int
    page_count: int
    total: int

    def context(self) -> dict[str, Any]:
        return {
            "actions": self.actions, "page": self.page, "page_count": self.page_count, "total": self.total
        }


def paginate(items: Sequence[T], page: int, per_page: int = OVERDUE_PAGE_SIZE) -> Page[T]:
    """One page of `items`; a page past the end (the list shrank since the button) gives the last."""
    number, page_count = page_of(len(items), page, per_page)
    start = (number - 1) * per_page
    return Page(list(items[start : start + per_page]), number, page_count, len(items))


def page_of(total: int, page: int, per_page: int = OVERDUE_PAGE_SIZE) -> tuple[int, int]:
    """(the page to show, how many pages) for `page` of `total` items: a page past the end gives the last."""
    page_count = max(1, ceil(total / per_page))
    return min(max(page, 1), page_count), page_count


def render(name: str, channel: ChannelKind, context: Mapping[str, Any]) -> Rendered:
    """Message `name` for `channel` from `context` (keys: see the table above).

    Raises RenderError naming the template (and line) for a missing key, a bad value, a template
    that makes invalid JSON, or Slack blocks over Block Kit's limits.
    """
    channel = ChannelKind(channel)
    if not _NAME.fullmatch(name):
        raise RenderError(f"message name {name!r} is not a template name (lower case letters, digits, _)")
    if context.get("kind", name) != name:
        raise RenderError(f"{name}: context kind {context['kind']!r} does not match the template")
    values = {**context, "kind": name, "channel": channel.value}
    if name in REQUEST_KINDS:
        values.update(_request_wording(name, values))
    elif name == "unowned":
        values["intro"] = _wording(name, wording.unowned_intro, values)
    subject = " ".join(_render(f"{name}.subject.j2", values).split())[:_SUBJECT_CHARS]
    text = _tidy(_render(f"{name}.txt.j2", values))
    html = blocks_ = None
    if channel in (ChannelKind.EMAIL, ChannelKind.OUTBOX):
        html = _render(f"{name}.email.html.j2", values)
    if channel in (ChannelKind.SLACK, ChannelKind.OUTBOX):
        blocks_ = _slack_blocks(name, values if channel is ChannelKind.SLACK else _as_slack(name, values))
    if channel is ChannelKind.SLACK:
        text = mrkdwn(clip(text, _SLACK_FALLBACK_CHARS))
    return Rendered(subject=subject, text=text, html=html, blocks=blocks_)


# Stored contexts ----------------------------------------------------------------------------
#
# A queued message may keep its context instead of its rendering (the sweep queues thousands and
# each is rendered once, by the transport that sends it). The stored JSON must give render() the
# very values it was composed with, so the bytes sent after a crash are the bytes a first try sent:
# dates are tagged and come back as dates, and anything JSON cannot carry exactly is refused.

_DATE_TAG = "$date"


def context_to_json(context: Mapping[str, Any]) -> dict[str, Any]:
    """`context` as JSON-safe values that `context_from_json` turns back into equal ones.

    Raises RenderError for a value JSON would not bring back as it was (a datetime, an enum
    member, a set...). Dispatches on exact types: a sweep stores thousands of these.
    """
    encoded = _to_json(dict(context))
    assert isinstance(encoded, dict)
    return encoded


def context_from_json(stored: Mapping[str, Any]) -> dict[str, Any]:
    decoded = _from_json(dict(stored))
    assert isinstance(decoded, dict)
    return decoded


_AS_IS: frozenset[type] = frozenset({str, int, float, bool, type(None)})


def _to_json(value: Any) -> Any:
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is dict:
        if _DATE_TAG in value:
            raise RenderError(f"message context: the key {_DATE_TAG!r} is reserved")
        return {_json_key(k): _to_json(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_to_json(v) for v in value]
    if kind is date:
        return {_DATE_TAG: value.isoformat()}
    if kind is datetime:
        raise RenderError(f"message context: datetime {value.isoformat()}; pass a local date")
    raise RenderError(f"message context: a {kind.__name__} ({value!r:.40}) cannot be kept with a queued message")


def _json_key(key: Any) -> str:
    if type(key) is not str:
        raise RenderError(f"message context: key {key!r} is not text")
    return str(key)


def _from_json(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        if len(value) == 1 and _DATE_TAG in value:
            return date.fromisoformat(value[_DATE_TAG])
        return {k: _from_json(v) for k, v in value.items()}
    if kind is list:
        return [_from_json(v) for v in value]
    return value


# The environment ----------------------------------------------------------------------------


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot", "templates/messages"),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        ukdate=ukdate, truncate_words=truncate_words, mrkdwn=mrkdwn, clip=clip,
        status_label=status_label, counted=counted,
    )
    env.globals.update(
        due_phrase=due_phrase, reading_phrase=reading_phrase, agency_line=wording.agency_line,
        overdue_line=wording.overdue_line, no_response_line=wording.no_response_line,
        revised_line=wording.revised_line, completed_line=wording.completed_line, rag_line=wording.rag_line,
        not_chased_line=wording.not_chased_line, snoozed_line=wording.snoozed_line,
        unowned_line=wording.unowned_line, unowned_fix=wording.unowned_fix,
        last_update_phrase=wording.last_update_phrase, review_codes=wording.review_codes,
        reviews_phrase=wording.reviews_phrase, short_text=wording.short_text,
        limits={"slack_actions": SLACK_ACTIONS_SHOWN, "overdue_page": OVERDUE_PAGE_SIZE,
                "digest_lines": DIGEST_LINES_SHOWN},
    )
    return env


def _render(template_name: str, values: Mapping[str, Any]) -> str:
    try:
        return environment().get_template(template_name).render(values)
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"no template {exc.name!r} (asked for {template_name})") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"{exc.name or template_name} line {exc.lineno}: {exc.message}") from exc
    except (jinja2.TemplateError, TypeError, ValueError) as exc:
        raise RenderError(f"{_where(exc, template_name)}: {exc}") from exc


def _as_slack(name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The values as a Slack message sees them: the outbox keeps a Slack rendering beside the mail's,
    and Slack words things its own way (no one is copied in on Slack)."""
    slack = {**values, "channel": ChannelKind.SLACK.value}
    if name in REQUEST_KINDS:
        slack.update(_request_wording(name, slack))
    return slack


def _request_wording(name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """title, intro and expects_reply as plain strings, for each channel to escape."""
    try:
        return request_wording(name, values).as_context()
    except KeyError as missing:
        raise RenderError(f"{name}: {missing.args[0]!r} is undefined") from missing
    except (TypeError, ValueError) as exc:
        raise RenderError(f"{name}: {exc}") from exc


def _wording(name: str, make: Any, values: Mapping[str, Any]) -> Any:
    try:
        return make(values)
    except KeyError as missing:
        raise RenderError(f"{name}: {missing.args[0]!r} is undefined") from missing


def _where(exc: BaseException, template_name: str) -> str:
    """The innermost template line the error came from (Jinja puts template lines in tracebacks)."""
    where = template_name
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            inner = Path(filename).name
            line = f"line {tb.tb_lineno}"
            where = f"{template_name} {line}" if inner == template_name else f"{template_name} ({inner} {line})"
        tb = tb.tb_next
    return where


def _slack_blocks(name: str, values: Mapping[str, Any]) -> list[dict[str, Any]]:
    builder = BUILDERS.get(name)
    if builder is None:
        raise RenderError(f"no Slack blocks for {name!r}")
    try:
        made = builder(values)
    except KeyError as missing:
        raise RenderError(f"{name} Slack blocks: {missing.args[0]!r} is undefined") from missing
    except (TypeError, ValueError) as exc:
        raise RenderError(f"{name} Slack blocks: {exc}") from exc
    problems = blocks.block_kit_problems(made)
    if problems:
        raise RenderError(f"{name} Slack blocks break Block Kit limits: " + "; ".join(problems))
    return made


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
