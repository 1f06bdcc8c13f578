"""Slack Block Kit for every message, built in Python from the same context the templates get.

Small builders (`header`, `section`, `context`, `button`, `action_buttons`) make the blocks; one
function per message kind puts them together. The action ids come from bot.blocks, the wording
from bot.wording, so the listener, the Slack blocks and the mail say the same thing. Text given
to `section` and `context` is mrkdwn: values from a plan or a person go through `mrkdwn` first.
A missing context key raises KeyError naming it; render() reports it with the message's name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from bot import blocks as ids
from bot.text import clip, counted, due_phrase, mrkdwn, reading_phrase, status_label, truncate_words, ukdate
from bot.wording import DIGEST_LISTS, last_update_phrase, rag_line, reviews_phrase, unowned_intro, unowned_line

Block = dict[str, Any]

SLACK_ACTIONS_SHOWN = 10  # with their buttons: 2 blocks each, well under the 50-block limit
OVERDUE_PAGE_SIZE = 20
DIGEST_LINES_SHOWN = 10
_PRIVACY = "Please keep names and case details out of replies: refs and dates are enough. "
_HOW_TO_REPLY = ('Use the buttons, or reply in this thread in plain words: "Done", "New date 30 April", '
                 '"Update: ...". For several actions, start each line with the ref.')


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def header(text: str) -> Block:
    return {"type": "header", "text": _plain(clip(" ".join(text.split()), ids.MAX_HEADER_TEXT))}


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text.strip(), ids.MAX_SECTION_TEXT)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text.strip(), ids.MAX_SECTION_TEXT)}]}


def button(action_id: str, label: str, value: object, style: str | None = None) -> Block:
    made: Block = {"type": "button", "action_id": action_id, "text": _plain(label),
                   "value": clip(str(value), ids.MAX_BUTTON_VALUE)}
    if style:
        made["style"] = style
    return made


def action_buttons(ref: str) -> Block:
    """Mark complete / Add update / Need more time for one action; each button's value is its ref."""
    return {"type": "actions", "elements": [
        button(ids.MARK_COMPLETE, "Mark complete", ref, "primary"),
        button(ids.ADD_UPDATE, "Add update", ref),
        button(ids.NEED_MORE_TIME, "Need more time", ref),
    ]}


def ref_context(ref_token: str, prefix: str = "") -> Block:
    return context(f"{prefix}Ref {mrkdwn(ref_token)}")


# One builder per message kind ----------------------------------------------------------------


def request_blocks(v: Mapping[str, Any]) -> list[Block]:
    """heads_up, chaser, board_update_request, escalation: `v` carries title/intro/expects_reply."""
    actions: Sequence[Mapping[str, Any]] = v["actions"]
    shown, hidden = actions[:SLACK_ACTIONS_SHOWN], actions[SLACK_ACTIONS_SHOWN:]
    with_buttons = bool(v["expects_reply"])
    made = [header(v["title"]), section(mrkdwn(v["intro"]))]
    for action in shown:
        made.append(section(_action_line(action)))
        if with_buttons:
            made.append(action_buttons(action["ref"]))
    if hidden:
        refs = ", ".join(mrkdwn(a["ref"]) for a in hidden[:40]) + (", \u2026" if len(hidden) > 40 else "")
        then = ("Reply in this thread with the refs and your update." if with_buttons
                else "See the full list in the mail or the board digest.")
        made.append(section(f"and {len(hidden)} more: {refs}. {then}"))
    if with_buttons:
        made.append(section(f"{mrkdwn(v['reply_hint'])} {_HOW_TO_REPLY}"))
    made.append(ref_context(v["ref_token"], _PRIVACY if with_buttons else ""))
    return made


def _action_line(a: Mapping[str, Any]) -> str:
    late = f" ({counted(a['days_overdue'], 'day')} overdue)" if a["days_overdue"] else ""
    chased = f" · last chased {ukdate(a['last_chased'])}" if a.get("last_chased") else ""
    given = f"\n{mrkdwn(last_update_phrase(a))}" if "last_update" in a else ""
    return (f"*{mrkdwn(a['ref'])}*  {mrkdwn(truncate_words(a['summary']))}\n"
            f"Target: {mrkdwn(due_phrase(a['due'], a['target_text']))}{late} · {mrkdwn(status_label(a['status']))}"
            f"{chased}{given}")


def confirmation_blocks(v: Mapping[str, Any]) -> list[Block]:
    readings: Sequence[Mapping[str, Any]] = v["readings"]
    shown = readings[:SLACK_ACTIONS_SHOWN]
    about = reviews_phrase(r["ref"] for r in readings)
    lines = [f"Thanks, {mrkdwn(v['recipient_name'])}. I read your reply about {mrkdwn(about)} as:"]
    for r in shown:
        evidence = f" (evidence: {mrkdwn(truncate_words(r['evidence']))})" if r["evidence"] else ""
        lines.append(f"• *{mrkdwn(r['ref'])}*: {mrkdwn(reading_phrase(r['status'], r['new_due']))}{evidence}")
    if len(readings) > len(shown):
        lines.append(f"• and {counted(len(readings) - len(shown), 'more action')}")
    lines.append("Is that right?")
    return [
        section("\n".join(lines)),
        {"type": "actions", "elements": [
            button(ids.CONFIRM_READING, "Yes, that's right", v["confirm_value"], "primary"),
            button(ids.REJECT_READING, "No, let me correct it", v["confirm_value"]),
        ]},
        ref_context(v["ref_token"]),
    ]


def overdue_blocks(v: Mapping[str, Any]) -> list[Block]:
    actions: Sequence[Mapping[str, Any]] = v["actions"]
    shown = actions[:OVERDUE_PAGE_SIZE]
    page, page_count = v["page"], v["page_count"]
    paged = f" · page {page} of {page_count}" if page_count > 1 else ""
    made = [header(f"Overdue DHR actions: {v['scope']}"),
            context(f"As of {ukdate(v['as_of'])} · {counted(v['total'], 'overdue action')}{paged}")]
    made += [section(f"*{mrkdwn(a['ref'])}* · {mrkdwn(a['agency'])}\nDue {ukdate(a['due'])} · "
                     f"{counted(a['days_overdue'], 'day')} overdue · last chased {ukdate(a['last_chased'], 'never')}")
             for a in shown] or [section("Nothing is overdue.")]
    if len(actions) > len(shown):
        made.append(section(f"and {counted(len(actions) - len(shown), 'more action')} not shown"))
    if page_count > 1:
        pager = []
        if page > 1:
            pager.append(button(ids.OVERDUE_PREV_PAGE, "Previous page", ids.page_button_value(page - 1, v["query"])))
        if page < page_count:
            pager.append(button(ids.OVERDUE_NEXT_PAGE, "Next page", ids.page_button_value(page + 1, v["query"]),
                                "primary"))
        made.append({"type": "actions", "elements": pager})
    return made


def digest_blocks(v: Mapping[str, Any]) -> list[Block]:
    since = f" · changes since {ukdate(v['since'])}" if v["since"] else ""
    codes = [str(row["name"]) for row in v["by_review"]]
    reviews = f" · review{'s' if len(codes) > 1 else ''} {mrkdwn(', '.join(codes))}" if codes else ""
    made = [header(f"{v['board_name']}: DHR action digest"),
            context(f"For the meeting on {ukdate(v['meeting_date'])} · as of {ukdate(v['as_of'])}{since}{reviews}"),
            section(f"*Status*  {mrkdwn(rag_line(v['rag']))}")]
    for title, key, line in DIGEST_LISTS:
        rows: Sequence[Mapping[str, Any]] = v[key]
        lines = [f"*{title} ({len(rows)})*"]
        lines += [f"• {mrkdwn(line(row))}" for row in rows[:DIGEST_LINES_SHOWN]] or ["none"]
        if len(rows) > DIGEST_LINES_SHOWN:
            lines.append(f"and {len(rows) - DIGEST_LINES_SHOWN} more (see the full digest)")
        made.append(section("\n".join(lines)))
    if "ref_token" in v:
        made.append(ref_context(v["ref_token"]))
    return made


def undeliverable_blocks(v: Mapping[str, Any]) -> list[Block]:
    problems: Sequence[Mapping[str, Any]] = v["problems"]
    lines = [f"Hello {mrkdwn(v['recipient_name'])}. The bot gave up on {counted(len(problems), 'message')} for "
             f"{mrkdwn(v['partnership_name'])}, so these people have not been reached:"]
    for p in problems[:SLACK_ACTIONS_SHOWN]:
        about = f", about {mrkdwn(', '.join(p['refs']))}" if p["refs"] else ""
        lines.append(f"• {mrkdwn(str(p['kind']).replace('_', ' '))} to {mrkdwn(p['recipient'])} "
                     f"({mrkdwn(p['channel'])}): {mrkdwn(p['error'])}{about}")
    if len(problems) > SLACK_ACTIONS_SHOWN:
        lines.append(f"• and {counted(len(problems) - SLACK_ACTIONS_SHOWN, 'more')}")
    ids_ = ", ".join(str(p["id"]) for p in problems)
    lines.append(f"Check their Slack id or mail address in the contacts, then run `dhr outbox retry ID` (ids: {ids_}).")
    return [section("\n".join(lines)), ref_context(v["ref_token"])]


def outage_blocks(v: Mapping[str, Any]) -> list[Block]:
    service, waiting = mrkdwn(v["service"]), counted(v["waiting"], "message")
    if v["resumed"]:
        text = (f"Hello {mrkdwn(v['recipient_name'])}. {service} works again for {mrkdwn(v['partnership_name'])}: "
                f"the bot has resumed sending there (paused since {mrkdwn(v['since'])}). The {waiting} that waited "
                "go out now, in the order they were written.")
        return [section(text), ref_context(v["ref_token"])]
    text = (f"Hello {mrkdwn(v['recipient_name'])}. The bot cannot send by {service} for "
            f"{mrkdwn(v['partnership_name'])} since {mrkdwn(v['since'])}: {service} refused the bot's credentials "
            f"(`{mrkdwn(v['error'])}`). Nothing has been given up on: {waiting} wait in the queue, and nobody "
            "counts as chased until their message is delivered.")
    return [section(text), section(f"*What to do:* {mrkdwn(v['advice'])}"), ref_context(v["ref_token"])]


def unowned_blocks(v: Mapping[str, Any]) -> list[Block]:
    actions: Sequence[Mapping[str, Any]] = v["actions"]
    lines = [mrkdwn(unowned_intro(v))]
    lines += [f"• {mrkdwn(unowned_line(a))}" for a in actions[:SLACK_ACTIONS_SHOWN]]
    if len(actions) > SLACK_ACTIONS_SHOWN:
        hidden = actions[SLACK_ACTIONS_SHOWN:]
        refs = ", ".join(mrkdwn(a["ref"]) for a in hidden[:40]) + (", \u2026" if len(hidden) > 40 else "")
        lines.append(f"• and {counted(len(hidden), 'more action')}: {refs}")
    return [section("\n".join(lines)), ref_context(v["ref_token"])]


def reroute_blocks(v: Mapping[str, Any]) -> list[Block]:
    """A lead says an action is not theirs: one click re-routes it to the suggestion, or keeps it."""
    task = v["task"]
    lines = [f"Hello {mrkdwn(v['recipient_name'])}. {mrkdwn(task.author)} answered about *{mrkdwn(task.ref)}* "
             f"for {mrkdwn(v['partnership_name'])}:", f"> {mrkdwn(task.said)}", mrkdwn(task.summary)]
    if task.current_agency:
        lines.append(f"The lead agency now is {mrkdwn(task.current_agency)}. Nothing has been changed.")
    buttons = []
    if task.suggested:
        buttons.append(button(ids.ACCEPT_REROUTE, clip(f"Re-route to {task.target}", ids.MAX_BUTTON_TEXT),
                              task.task_id, "primary"))
    buttons.append(button(ids.REJECT_REROUTE, "Keep it as it is", task.task_id))
    return [section("\n".join(lines)), {"type": "actions", "elements": buttons}, ref_context(v["ref_token"])]


def reply_changed_blocks(v: Mapping[str, Any]) -> list[Block]:
    changes: Sequence[Mapping[str, Any]] = v["changes"]
    lines = [f"Hello {mrkdwn(v['recipient_name'])}. {mrkdwn(v['author'])} {mrkdwn(v['change'])} their Slack reply "
             f"after the bot had applied it, for {mrkdwn(v['partnership_name'])}. The plan was not changed back:"]
    for c in changes[:SLACK_ACTIONS_SHOWN]:
        now = (f"; the edited reply reads as {mrkdwn(c['now'])} (awaiting your decision in the Review queue)"
               if c["now"] else "")
        lines.append(f"• *{mrkdwn(c['ref'])}*: applied as {mrkdwn(c['applied'])}{now}")
    if len(changes) > SLACK_ACTIONS_SHOWN:
        lines.append(f"• and {counted(len(changes) - SLACK_ACTIONS_SHOWN, 'more action')}")
    lines.append("Please check these actions in the console.")
    return [section("\n".join(lines)), ref_context(v["ref_token"])]


#: The builder for each message kind's Slack blocks.
BUILDERS: dict[str, Callable[[Mapping[str, Any]], list[Block]]] = {
    "heads_up": request_blocks,
    "chaser": request_blocks,
    "board_update_request": request_blocks,
    "escalation": request_blocks,
    "confirmation": confirmation_blocks,
    "overdue": overdue_blocks,
    "digest": digest_blocks,
    "undeliverable": undeliverable_blocks,
    "outage": outage_blocks,
    "unowned": unowned_blocks,
    "reroute": reroute_blocks,
    "reply_changed": reply_changed_blocks,
}
