"""Modal views, pager values and the Block Kit limit checker shared by templates and listeners."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot import blocks
from bot.handlers import confirm


def inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def test_update_modal_asks_for_required_progress_text() -> None:
    view = blocks.update_modal("RIV3-2a-1", '{"message_id": 7}')

    assert (view["type"], view["callback_id"], view["private_metadata"]) == (
        "modal", blocks.UPDATE_MODAL, '{"message_id": 7}')
    field = inputs(view)[blocks.UPDATE_TEXT_BLOCK]
    assert field["element"]["action_id"] == blocks.UPDATE_TEXT_ACTION and field["optional"] is False
    assert view["blocks"][0]["text"]["text"] == "Action RIV3-2a-1"


def test_more_time_modal_starts_the_date_picker_at_the_current_due_date() -> None:
    view = blocks.more_time_modal("RIV3-2a-1", date(2026, 12, 31), "m:7")
    fields = inputs(view)

    assert view["callback_id"] == blocks.MORE_TIME_MODAL
    picker = fields[blocks.NEW_DUE_BLOCK]["element"]
    assert (picker["type"], picker["action_id"], picker["initial_date"]) == (
        "datepicker", blocks.NEW_DUE_ACTION, "2026-12-31")
    assert fields[blocks.REASON_BLOCK]["element"]["action_id"] == blocks.REASON_ACTION


def test_more_time_modal_without_a_due_date_has_an_empty_picker() -> None:
    picker = inputs(blocks.more_time_modal("RIV3-4-1", None, ""))[blocks.NEW_DUE_BLOCK]["element"]

    assert "initial_date" not in picker


def test_complete_modal_makes_evidence_optional() -> None:
    view = blocks.complete_modal("RIV3-2a-1", "m:7")
    evidence = inputs(view)[blocks.EVIDENCE_BLOCK]

    assert view["callback_id"] == blocks.COMPLETE_MODAL
    assert evidence["optional"] is True and evidence["element"]["action_id"] == blocks.EVIDENCE_ACTION


@pytest.mark.parametrize("make", [
    lambda meta: blocks.update_modal("RIV3-1-1", meta),
    lambda meta: blocks.more_time_modal("RIV3-1-1", None, meta),
    lambda meta: blocks.complete_modal("RIV3-1-1", meta),
])
def test_modals_fit_slack_limits_and_refuse_oversized_metadata(make: Any) -> None:
    view = make("m:7")

    assert len(view["title"]["text"]) <= blocks.MAX_MODAL_TITLE
    assert len(view["submit"]["text"]) <= 24
    with pytest.raises(ValueError, match="private_metadata is 3001 characters"):
        make("x" * 3001)


def test_page_button_value_round_trips() -> None:
    value = blocks.page_button_value(3, 'overdue --agency "Riverside Police"')

    assert blocks.read_page_button_value(value) == (3, 'overdue --agency "Riverside Police"')


@pytest.mark.parametrize("value", ["", "3", '{"page": 0, "query": ""}', '{"query": "x"}', "RIV3-1-1"])
def test_read_page_button_value_refuses_anything_else(value: str) -> None:
    with pytest.raises(ValueError):
        blocks.read_page_button_value(value)


def test_interactive_ids_are_distinct() -> None:
    ids = [v for k, v in vars(blocks).items() if k.isupper() and isinstance(v, str)]

    assert len(ids) == len(set(ids))


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(action_id: str, text: str = "Go", value: str = "RIV3-1-1") -> dict[str, Any]:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": text}, "value": value}


def test_block_kit_problems_accepts_a_good_message() -> None:
    message = [section("hello"), {"type": "actions", "elements": [button(blocks.MARK_COMPLETE)]}]

    assert blocks.block_kit_problems(message) == []


@pytest.mark.parametrize(("message", "problem"), [
    ([section("x")] * 51, "51 blocks"),
    ([section("x" * 3001)], "block 1 (section): text is 3001 characters"),
    ([{"text": "no type"}], "block 1 has no type"),
    ([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}], "151 characters"),
    ([{"type": "actions", "elements": [button(blocks.ADD_UPDATE)] * 2}], "action_ids repeat"),
    ([{"type": "actions", "elements": [button("made_up")]}], "'made_up' is not one of bot.blocks"),
    ([{"type": "actions", "elements": [button(blocks.ADD_UPDATE, "x" * 76)]}], "button text is 76"),
    ([{"type": "actions", "elements": [button(blocks.ADD_UPDATE, value="x" * 2001)]}], "over 2000"),
])
def test_block_kit_problems_names_what_breaks_a_limit(message: list[dict[str, Any]], problem: str) -> None:
    assert any(problem in p for p in blocks.block_kit_problems(message))


def test_confirm_value_round_trips_and_is_the_one_the_slack_listener_reads() -> None:
    value = blocks.confirm_value([7, 12])
    assert value == "updates:7,12" and blocks.read_confirm_value(value) == [7, 12]
    assert confirm.read_confirm_value is blocks.read_confirm_value  # one format, shared with bot/answers.py


@pytest.mark.parametrize("value", ["RIV3-1-1", "updates:", "updates:7,x", "update:42"])
def test_read_confirm_value_refuses_anything_else(value: str) -> None:
    with pytest.raises(ValueError, match="confirmation button"):
        blocks.read_confirm_value(value)
