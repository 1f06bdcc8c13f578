"""Only the first READ_LIMIT characters of a reply are parsed; the rest is kept, unread (issue 15)."""

from __future__ import annotations

from datetime import date

from bot.reading.replies import READ_LIMIT, read_replies, read_reply, split_by_action
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 3, 1)
REFS = ("RIV3-2-1", "RIV3-2-2")


def _padded_to_limit(start: str) -> str:
    filler = " We met the partners again on Tuesday."
    text = start + filler * ((READ_LIMIT - len(start)) // len(filler))
    return text + " " * (READ_LIMIT - len(text))


def test_ref_beyond_the_limit_is_not_read_but_kept() -> None:
    head = _padded_to_limit("RIV3-2-1 is in progress.")
    reading = read_reply(head + " RIV3-2-2 is complete.", today=TODAY, known_refs=REFS)
    assert reading.refs == ("RIV3-2-1",)
    assert reading.status is ReadStatus.IN_PROGRESS
    assert reading.unread == " RIV3-2-2 is complete."
    assert reading.text.endswith("RIV3-2-2 is complete.")


def test_status_beyond_the_limit_does_not_change_the_reading() -> None:
    head = _padded_to_limit("Not started yet, sorry.")
    assert read_reply(head, today=TODAY).status is ReadStatus.NOT_STARTED
    assert read_reply(head + " All done now, completed.", today=TODAY).status is ReadStatus.NOT_STARTED


def test_every_action_part_keeps_the_unread_remainder() -> None:
    head = _padded_to_limit("RIV3-2-1 is complete.\nRIV3-2-2 is in progress.\n")
    readings = read_replies(head + "RIV3-2-1 not done after all", today=TODAY, known_refs=REFS)
    assert readings["RIV3-2-1"].status is ReadStatus.COMPLETE
    assert readings["RIV3-2-2"].status is ReadStatus.IN_PROGRESS
    assert all(r.unread == "RIV3-2-1 not done after all" for r in readings.values())
    assert all(r.text.endswith("RIV3-2-1 not done after all") for r in readings.values())


def test_a_reply_within_the_limit_is_read_whole() -> None:
    reply = "RIV3-2-1 is complete, report attached.\n\nKind regards\nGrace"
    reading = read_reply(reply, today=TODAY, known_refs=REFS)
    assert reading.unread == ""
    assert reading.read_text == reading.text == "RIV3-2-1 is complete, report attached."


def test_a_ref_named_again_in_one_run_gets_its_text_once() -> None:
    # Once per mention made a 1 KB reply naming "1-1 2-2 3-3" over and over an 88 KB part per action.
    parts = split_by_action("RIV3-2-1 and RIV3-2-1, RIV3-2-2 done", REFS)
    assert parts == {"RIV3-2-1": "RIV3-2-1 and RIV3-2-1, RIV3-2-2 done", "RIV3-2-2": "RIV3-2-1 and RIV3-2-1, RIV3-2-2 done"}
