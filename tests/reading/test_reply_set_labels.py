"""The labelled reply sets' scorer (bench/reply_sets.py): per-action labels for a reply about several actions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import reply_sets

COLUMNS = "id\tstyle\ttoday\tknown_refs\tstatus\tnew_due\tcomplete\tautomatic\tredirect_to\theaders\ttext"
TWO_ACTIONS = "ABC1-1-1,ABC1-1-2"
ONE_DONE = "ABC1-1-1 is finished, certificates on the drive. ABC1-1-2 we haven't started yet, sorry."
BOTH_STATUSES = "ABC1-1-1=complete;ABC1-1-2=not_started"


def _score(tmp_path: Path, *rows: str) -> reply_sets.SetScore:
    path = tmp_path / "set.tsv"
    path.write_text("\n".join([COLUMNS, *rows]) + "\n", encoding="utf-8")
    return reply_sets.score(path)


def _row(complete: str, *, status: str = BOTH_STATUSES, new_due: str = "", redirect: str = "",
         text: str = ONE_DONE) -> str:
    return "\t".join(["r1", "mail", "2027-05-10", TWO_ACTIONS, status, new_due, complete, "0", redirect, "", text])


def test_a_per_action_completion_closed_at_once_is_not_a_false_close(tmp_path: Path) -> None:
    scored = _score(tmp_path, _row("ABC1-1-1=1;ABC1-1-2=0"))
    assert [case.name for case in scored.cases if case.closes and not case.confirm] == ["r1 ABC1-1-1"]
    assert scored.unconfirmed_false_closes == []


def test_the_plain_form_still_works_and_a_plain_0_counts_the_close_as_false(tmp_path: Path) -> None:
    assert [c.name for c in _score(tmp_path, _row("0")).unconfirmed_false_closes] == ["r1 ABC1-1-1"]
    assert _score(tmp_path, _row("1")).unconfirmed_false_closes == []


def test_a_per_action_label_marks_only_its_own_action_unambiguous(tmp_path: Path) -> None:
    scored = _score(tmp_path, _row("ABC1-1-1=0;ABC1-1-2=1"))
    # ABC1-1-2 is labelled not started, so its 1 cannot make the completion of ABC1-1-1 unambiguous
    assert [case.name for case in scored.unconfirmed_false_closes] == ["r1 ABC1-1-1"]
    assert not any(case.unambiguous for case in scored.cases)


def test_a_per_action_date_is_scored_for_its_action(tmp_path: Path) -> None:
    text = "ABC1-1-1 is finished. ABC1-1-2 slipped, can we move it to the end of July?"
    scored = _score(tmp_path, _row("ABC1-1-1=1;ABC1-1-2=0", status="ABC1-1-1=complete;ABC1-1-2=extension_requested",
                                   new_due="ABC1-1-2=2027-07-31", text=text))
    assert [(case.name, str(case.expected_due)) for case in scored.dated] == [("r1 ABC1-1-2", "2027-07-31")]
    assert len(scored.date_right) == 1


def test_a_plain_new_owner_belongs_only_to_the_actions_redirected(tmp_path: Path) -> None:
    text = "ABC1-1-1 isn't ours - please chase Fenwick Police. ABC1-1-2 we are working on."
    scored = _score(tmp_path, _row("0", status="ABC1-1-1=redirect;ABC1-1-2=in_progress", redirect="Fenwick Police",
                                   text=text))
    assert [case.name for case in scored.redirects] == ["r1 ABC1-1-1"]
    assert len(scored.redirect_named) == 1


@pytest.mark.parametrize(("got", "expected", "same"), [
    ("Sandra Lowe", "Sandra Lowe, Housing Options", True),
    ("the Safeguarding Business Unit", "Safeguarding Business Unit", True),
    ("Omar Castillo (<@U0ABC12>)", "<@U0ABC12>", True),
    ("Sandra", "Sandra Lowe, Housing Options", False),
])
def test_a_new_owner_is_compared_on_the_name_before_any_role(got: str, expected: str, same: bool) -> None:
    assert reply_sets._same_name(got, expected) is same


@pytest.mark.parametrize(("complete", "message"), [("ABC9-9-9=1", "did not cover"), ("ABC1-1-1=yes", "0 or 1")])
def test_a_per_action_label_must_name_a_covered_ref_and_be_0_or_1(tmp_path: Path, complete: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _score(tmp_path, _row(complete))
