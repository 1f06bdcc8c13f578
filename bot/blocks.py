"""Slack interactive ids and modal views, shared by the message builders and the listeners.

A button's `action_id` is put on a message by a builder (bot/slack_blocks.py) and matched by a
listener (bot/handlers/); both import it from here so the two can never drift apart. A button's
`value` is always the action ref (e.g. "RIV3-2a-1"), except the confirmation buttons (see
`confirm_value`) and the overdue pager (see `page_button_value`).

Also here: Slack's Block Kit size limits, and `block_kit_problems`, which checks a list of blocks
against them so a bad message fails in tests rather than at chat.postMessage.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

# Buttons on chasers, heads-ups, board update requests and escalations (value = action ref).
MARK_COMPLETE = "dhr_mark_complete"
ADD_UPDATE = "dhr_add_update"
NEED_MORE_TIME = "dhr_need_more_time"

# Buttons on a confirmation ("I read your reply as ... Is that right?").
CONFIRM_READING = "dhr_confirm_reading"
REJECT_READING = "dhr_reject_reading"

# Buttons on a coordinator's "not ours / new lead" task (value = the RerouteTask id).
ACCEPT_REROUTE = "dhr_accept_reroute"
REJECT_REROUTE = "dhr_reject_reroute"

# Previous/next page on the `/dhr overdue` answer. Two ids because Slack wants action_ids unique
# within a block; both carry the page wanted in their value, so one listener can serve both.
OVERDUE_PREV_PAGE = "dhr_overdue_prev_page"
OVERDUE_NEXT_PAGE = "dhr_overdue_next_page"

# Modal callback ids (view_submission listeners match these).
UPDATE_MODAL = "dhr_update_modal"
MORE_TIME_MODAL = "dhr_more_time_modal"
COMPLETE_MODAL = "dhr_complete_modal"

# Modal inputs: state.values[BLOCK][ACTION] in the view_submission payload.
UPDATE_TEXT_BLOCK = "dhr_update_text_block"
UPDATE_TEXT_ACTION = "dhr_update_text"
NEW_DUE_BLOCK = "dhr_new_due_block"
NEW_DUE_ACTION = "dhr_new_due"
REASON_BLOCK = "dhr_reason_block"
REASON_ACTION = "dhr_reason"
EVIDENCE_BLOCK = "dhr_evidence_block"
EVIDENCE_ACTION = "dhr_evidence"

#: Every action_id a message may carry; listeners register one handler per id.
BUTTON_ACTION_IDS = frozenset(
    {MARK_COMPLETE, ADD_UPDATE, NEED_MORE_TIME, CONFIRM_READING, REJECT_READING,
     OVERDUE_PREV_PAGE, OVERDUE_NEXT_PAGE, ACCEPT_REROUTE, REJECT_REROUTE}
)

# Slack's documented Block Kit limits.
MAX_BLOCKS_PER_MESSAGE = 50
MAX_SECTION_TEXT = 3000
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_PRIVATE_METADATA = 3000
MAX_MODAL_TITLE = 24


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _modal(
    callback_id: str, title: str, submit: str, private_metadata: str, blocks: list[dict[str, Any]]
) -> dict[str, Any]:
    if len(private_metadata) > MAX_PRIVATE_METADATA:
        raise ValueError(
            f"private_metadata is {len(private_metadata)} characters; Slack allows {MAX_PRIVATE_METADATA}"
        )
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": _plain(title),
        "submit": _plain(submit),
        "close": _plain("Cancel"),
        "private_metadata": private_metadata,
        "blocks": blocks,
    }


def _about(action_ref: str) -> dict[str, Any]:
    # plain_text, so a ref is shown as written and needs no mrkdwn escaping.
    return {"type": "section", "text": _plain(f"Action {action_ref}")}


def _text_input(
    block_id: str, action_id: str, label: str, placeholder: str, *, optional: bool
) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": _plain(label),
        "element": {
            "type": "plain_text_input",
            "action_id": action_id,
            "multiline": True,
            "max_length": 2000,
            "placeholder": _plain(placeholder),
        },
    }


def update_modal(action_ref: str, private_metadata: str) -> dict[str, Any]:
    """The "Add update" modal: one required free-text progress note."""
    return _modal(
        UPDATE_MODAL,
        "Add update",
        "Save update",
        private_metadata,
        [
            _about(action_ref),
            _text_input(
                UPDATE_TEXT_BLOCK,
                UPDATE_TEXT_ACTION,
                "Progress so far",
                "What has been done, and what is left. Refs and dates only: no names.",
                optional=False,
            ),
        ],
    )


def more_time_modal(action_ref: str, current_due: date | None, private_metadata: str) -> dict[str, Any]:
    """The "Need more time" modal: a required new date (starting at the current one) and a reason."""
    picker: dict[str, Any] = {
        "type": "datepicker",
        "action_id": NEW_DUE_ACTION,
        "placeholder": _plain("Pick the new date"),
    }
    if current_due is not None:
        picker["initial_date"] = current_due.isoformat()
    return _modal(
        MORE_TIME_MODAL,
        "Need more time",
        "Ask for new date",
        private_metadata,
        [
            _about(action_ref),
            {"type": "input", "block_id": NEW_DUE_BLOCK, "label": _plain("New date"), "element": picker},
            _text_input(
                REASON_BLOCK,
                REASON_ACTION,
                "Why more time is needed",
                "A short reason for the board. No names or case details.",
                optional=False,
            ),
        ],
    )


def complete_modal(action_ref: str, private_metadata: str) -> dict[str, Any]:
    """The "Mark complete" modal: confirms completion, with optional evidence."""
    return _modal(
        COMPLETE_MODAL,
        "Mark complete",
        "Mark complete",
        private_metadata,
        [
            _about(action_ref),
            _text_input(
                EVIDENCE_BLOCK,
                EVIDENCE_ACTION,
                "Evidence (optional)",
                "e.g. policy v2 published on the intranet; training figures sent to the CSP.",
                optional=True,
            ),
        ],
    )


_CONFIRM_PREFIX = "updates:"


def confirm_value(update_ids: Sequence[int]) -> str:
    """The value of the confirm/reject buttons: which unconfirmed updates they settle ("updates:7,8").

    Shared by the Slack answers (bot/handlers/confirm.py) and the mail/outbox confirmations
    (bot/answers.py), so a button built by either is read by the one listener.
    """
    return _CONFIRM_PREFIX + ",".join(str(i) for i in update_ids)


def read_confirm_value(value: str) -> list[int]:
    """Inverse of `confirm_value`; a clear ValueError for anything else."""
    if not value.startswith(_CONFIRM_PREFIX):
        raise ValueError(f"not a confirmation button value: {value[:40]!r}")
    try:
        ids = [int(part) for part in value[len(_CONFIRM_PREFIX):].split(",") if part]
    except ValueError as exc:
        raise ValueError(f"not a confirmation button value: {value[:40]!r}") from exc
    if not ids:
        raise ValueError("a confirmation button names no update")
    return ids


def page_button_value(page: int, query: str) -> str:
    """The value of an overdue pager button: which page, and the `/dhr overdue` arguments."""
    return json.dumps({"page": page, "query": query[:500]}, separators=(",", ":"))


def read_page_button_value(value: str) -> tuple[int, str]:
    """Inverse of `page_button_value`; a clear ValueError for anything else."""
    try:
        data = json.loads(value)
        page, query = int(data["page"]), str(data["query"])
    except (ValueError, TypeError, KeyError) as exc:
        raise ValueError(f"not an overdue page button value: {value[:80]!r}") from exc
    if page < 1:
        raise ValueError(f"page must be 1 or more, got {page}")
    return page, query


def block_kit_problems(blocks: Sequence[Mapping[str, Any]]) -> list[str]:
    """What in `blocks` breaks Slack's Block Kit limits; empty when the message is fine."""
    problems: list[str] = []
    if len(blocks) > MAX_BLOCKS_PER_MESSAGE:
        problems.append(f"{len(blocks)} blocks; Slack allows {MAX_BLOCKS_PER_MESSAGE}")
    for number, block in enumerate(blocks, start=1):
        where = f"block {number}"
        kind = block.get("type") if isinstance(block, Mapping) else None
        if not isinstance(kind, str):
            problems.append(f"{where} has no type")
            continue
        problems.extend(f"{where} ({kind}): {p}" for p in _block_problems(kind, block))
    return problems


def _block_problems(kind: str, block: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    if kind == "section":
        text = block.get("text", {}).get("text", "")
        if not text or len(text) > MAX_SECTION_TEXT:
            problems.append(f"text is {len(text)} characters; Slack wants 1 to {MAX_SECTION_TEXT}")
    elif kind == "header":
        text = block.get("text", {}).get("text", "")
        if not text or len(text) > MAX_HEADER_TEXT:
            problems.append(f"text is {len(text)} characters; Slack wants 1 to {MAX_HEADER_TEXT}")
    elif kind == "context":
        elements = block.get("elements", [])
        if not 1 <= len(elements) <= MAX_CONTEXT_ELEMENTS:
            problems.append(f"{len(elements)} elements; Slack wants 1 to {MAX_CONTEXT_ELEMENTS}")
    elif kind == "actions":
        elements = block.get("elements", [])
        if not 1 <= len(elements) <= MAX_ACTIONS_ELEMENTS:
            problems.append(f"{len(elements)} elements; Slack wants 1 to {MAX_ACTIONS_ELEMENTS}")
        action_ids = [e.get("action_id") for e in elements]
        if len(set(action_ids)) != len(action_ids):
            problems.append("action_ids repeat inside one block")
        problems.extend(_button_problems(e) for e in elements if _button_problems(e))
    return problems


def _button_problems(element: Mapping[str, Any]) -> str:
    if element.get("type") != "button":
        return ""
    if element.get("action_id") not in BUTTON_ACTION_IDS:
        return f"button action_id {element.get('action_id')!r} is not one of bot.blocks"
    text = element.get("text", {}).get("text", "")
    if not text or len(text) > MAX_BUTTON_TEXT:
        return f"button text is {len(text)} characters; Slack wants 1 to {MAX_BUTTON_TEXT}"
    if len(element.get("value", "")) > MAX_BUTTON_VALUE:
        return f"button value is over {MAX_BUTTON_VALUE} characters"
    return ""
