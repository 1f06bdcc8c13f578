"""Accuracy of status reading on real plan progress notes (labelled by hand) and fictional replies.

The real notes are quoted from ../shared/plans/*.txt, and the test checks each one is still there
as written, so the labelled set cannot drift from its source.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bench import reply_sets
from bench.reply_accuracy import (
    NOTES_FILE,
    REPLIES_FILE,
    accuracy,
    all_cases,
    false_completes,
    markdown_table,
    read_tsv,
)
from bot.reading.replies import read_reply
from bot.rules.statuses import ReadStatus
from tests.shared_plans import SHARED_PLANS, needs_shared_plans

PLANS = SHARED_PLANS

#: Honest floors: measured 93.7% on the notes and 100% on the replies when this was written.
OVERALL_FLOOR = 0.90
NOTES_FLOOR = 0.88
MAX_FALSE_COMPLETES = 3


def test_labelled_set_is_big_enough_and_uses_known_statuses() -> None:
    notes = read_tsv(NOTES_FILE)
    replies = read_tsv(REPLIES_FILE)
    assert len(notes) >= 80
    assert len(replies) >= 30
    for row in notes:
        ReadStatus(row["status"])


@needs_shared_plans()
def test_every_real_note_is_quoted_as_found_in_its_plan() -> None:
    sources = {path.name: path.read_text(encoding="utf-8") for path in PLANS.glob("*.txt")}
    for number, row in enumerate(read_tsv(NOTES_FILE), start=2):
        assert row["source_plan"] in sources, f"progress_notes.tsv row {number}: unknown plan {row['source_plan']}"
        assert row["text"] in sources[row["source_plan"]], f"progress_notes.tsv row {number}: text not in plan"


def test_overall_accuracy_meets_the_floor() -> None:
    cases = all_cases()
    print("\n" + markdown_table(cases))
    assert accuracy(cases) >= OVERALL_FLOOR
    assert accuracy([case for case in cases if case.source == "notes"]) >= NOTES_FLOOR


def test_false_completes_are_rare() -> None:
    wrong = false_completes(all_cases())
    assert len(wrong) <= MAX_FALSE_COMPLETES, [case.name for case in wrong]


def test_fictional_replies_are_all_read_right() -> None:
    wrong = [case.name for case in all_cases() if case.source == "replies" and case.got is not case.expected]
    assert wrong == []


def _dated_rows() -> list[dict[str, str]]:
    return [row for row in read_tsv(NOTES_FILE) if row["new_due"]] + [
        row for row in read_tsv(REPLIES_FILE) if row["new_due"] or row["out_of_office_until"]
    ]


@pytest.mark.parametrize("row", _dated_rows(), ids=lambda row: row.get("id") or row["text"][:40])
def test_stated_dates_are_read(row: dict[str, str]) -> None:
    text = row["text"].replace("\\n", "\n")
    refs = row["known_refs"].split(",") if "known_refs" in row else []
    reading = read_reply(text, today=date.fromisoformat(row["today"]), known_refs=refs)
    if row["new_due"]:
        assert reading.new_due == date.fromisoformat(row["new_due"])
    if row.get("out_of_office_until"):
        assert reading.out_of_office_until == date.fromisoformat(row["out_of_office_until"])


def test_real_notes_file_has_no_stray_markup_in_labels() -> None:
    for row in read_tsv(NOTES_FILE):
        assert re.fullmatch(r"[a-z_]+", row["status"])
        assert row["new_due"] == "" or date.fromisoformat(row["new_due"])


# The labelled reply sets of issue 11 (bench/reply_sets.py) ---------------------------------------

#: Floors on the development set, which the rules are tuned on (measured 98% status, 98% dates).
DEV_STATUS_FLOOR = 0.95
DEV_DATE_FLOOR = 0.95


def test_reply_sets_are_big_enough_and_labelled_with_known_statuses() -> None:
    dev, heldout = reply_sets.read_rows(reply_sets.DEV_FILE), reply_sets.read_rows(reply_sets.HELDOUT_FILE)
    assert len(dev) >= 300 and len(heldout) >= 100
    assert not {row["id"] for row in dev} & {row["id"] for row in heldout}
    for row in dev + heldout:
        assert row["complete"] in {"0", "1"} and row["automatic"] in {"0", "1"}
        assert row["new_due"] == "" or date.fromisoformat(row["new_due"])


def test_development_set_status_and_dates_meet_their_floors() -> None:
    scored = reply_sets.score(reply_sets.DEV_FILE)
    print("\n" + reply_sets.markdown_table({"development set": scored}))
    assert len(scored.status_right) / len(scored.cases) >= DEV_STATUS_FLOOR, reply_sets.misses(scored)
    assert len(scored.date_right) / len(scored.dated) >= DEV_DATE_FLOOR, reply_sets.misses(scored)


def test_no_development_reply_closes_an_action_unasked_unless_it_is_an_unambiguous_completion() -> None:
    scored = reply_sets.score(reply_sets.DEV_FILE)
    assert [case.name for case in scored.unconfirmed_false_closes] == []
    assert len(scored.false_completes) <= 1


def test_automatic_replies_in_the_development_set_are_all_recognised() -> None:
    scored = reply_sets.score(reply_sets.DEV_FILE)
    assert len(scored.automatic_right) == len(scored.cases)


def test_held_out_sets_stay_above_a_modest_floor_and_close_nothing_unasked() -> None:
    # Both were read once unseen (94% and 95% status) before their misses were fixed; see BENCHMARKS.md.
    for path in (reply_sets.HELDOUT_FILE, reply_sets.HELDOUT2_FILE):
        scored = reply_sets.score(path)
        assert len(scored.status_right) / len(scored.cases) >= 0.90, reply_sets.misses(scored)
        assert [case.name for case in scored.unconfirmed_false_closes] == []


def test_held_out_3_and_4_close_nothing_unasked_now_that_false_closes_are_counted_per_action() -> None:
    # Their per-action completions are labelled per ref ("REF=1;REF=0"); every set is tuned on by now.
    for path in (reply_sets.HELDOUT3_FILE, reply_sets.HELDOUT4_FILE):
        scored = reply_sets.score(path)
        assert [case.name for case in scored.unconfirmed_false_closes] == []
        assert scored.false_completes == []


@pytest.mark.parametrize("path", [reply_sets.HELDOUT5_FILE, reply_sets.HELDOUT6_FILE, reply_sets.HELDOUT7_FILE,
                                  reply_sets.HELDOUT8_FILE, reply_sets.HELDOUT9_FILE, reply_sets.HELDOUT10_FILE,
                                  reply_sets.HELDOUT11_FILE, reply_sets.HELDOUT12_FILE, reply_sets.HELDOUT13_FILE,
                                  reply_sets.HELDOUT14_FILE, reply_sets.HELDOUT15_FILE],
                         ids=lambda path: path.stem)
def test_later_held_out_sets_close_nothing_unasked(path: Path) -> None:
    # Each was read blind once (BENCHMARKS.md); the kinds behind their false closes were built afterwards
    # (held-out 9 closed nothing unasked when first read; held-out 10 closed 2: "done next wk", "done I hope";
    # held-out 11 and 12 closed nothing; held-out 13 closed 1: a reply about another action of the review; held-out
    # 14 closed 2: "complete - evidence to follow" in a pasted table; held-out 15 closed 1: someone else's belief).
    scored = reply_sets.score(path)
    assert [case.name for case in scored.unconfirmed_false_closes] == []
