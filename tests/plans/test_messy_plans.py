"""Plans as people really write them: bad dates, cells wrapped over lines, recommendations with no
action, a number used twice, and progress notes that say nothing about the work."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.plans import read_plan, read_plan_text
from bot.plans.finish import looks_like_a_date
from bot.rules.statuses import ActionStatus
from tests.plans.plan_files import write_xlsx

TODAY = date(2026, 11, 25)
TEXT_HEADER = "Recommendation\tAction\tLead agency\tTarget date\tStatus\tProgress"


def _text_plan(*rows: str) -> str:
    return "\n".join(["Riverside DHR 3 plan", TEXT_HEADER, *rows])


# -- dates that are not dates ------------------------------------------------------------------


def test_a_date_that_does_not_exist_is_undated_with_a_warning_naming_file_row_and_column(tmp_path: Path) -> None:
    rows = (
        ("1. Police to check repeat addresses.", "Local", "Add a prompt.", "RP", "Script", "32/13/2026", ""),
        ("2. Housing to brief officers.", "Local", "Brief all officers.", "Housing", "Notes", "31 Feb 2026", ""),
    )
    path = write_xlsx(tmp_path / "plan.xlsx", rows)

    plan = read_plan(path, review_code="RIV3", today=TODAY)

    first, second = (rec.actions[0] for rec in plan.recommendations)
    assert (first.due, second.due) == (None, None)
    assert plan.warnings == [
        f"{path}, row 3, column 'Timescale': '32/13/2026' is not a date; the action is treated as undated",
        f"{path}, row 4, column 'Timescale': '31 Feb 2026' is not a date; the action is treated as undated",
    ]


def test_targets_that_are_not_meant_as_dates_give_no_warning() -> None:
    plan = read_plan_text(
        _text_plan(
            "1. Police to check addresses.\tAdd a prompt.\tRP\ttbc\t\t",
            "2. Housing to brief officers.\tBrief officers.\tHousing\tAutumn 2026\t\t",
            "3. GPs to flag disclosures.\tSend a bulletin.\tGP\tOngoing\t\t",
            "4. All to review training.\tRefresh slides.\tRP\tApril 2026 and annually\t\t",
        ),
        review_code="RIV3",
        today=TODAY,
    )

    assert plan.warnings == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("32/13/2026", True),
        ("31 Feb 2015", True),
        ("30th of Febuary 2015", True),
        ("Feb 30 2015", True),
        ("2026-13-40", True),
        ("tbc", False),
        ("Ongoing", False),
        ("Autumn", False),
        ("within 6 months", False),
        ("March each year, from 2026", False),
    ],
)
def test_what_looks_like_a_date(text: str, expected: bool) -> None:
    assert looks_like_a_date(text) is expected


# -- a cell wrapped over several lines ---------------------------------------------------------


def test_lines_of_one_wrapped_cell_with_broken_lead_words_stay_one_action() -> None:
    plan = read_plan_text(
        _text_plan(
            "1. The trust to update its policy.\tUpdate the referral policy and\tRiverside Trust\t31/03/2026\t\tPolicy redrafted and",
            "\tbrief all ward staff\tHead of Learning &\t\t\tsent to the",
            "\tAudit the use of the policy\tOrgan isational Developm ent\t\t\tboard in March.",
            "\tafter six months\tHead of Quality\t\t\t",
        ),
        review_code="RIV3",
        today=TODAY,
    )

    (rec,) = plan.recommendations
    assert len(rec.actions) == 1
    action = rec.actions[0]
    assert action.lead_agency == "Riverside Trust Head of Learning & Organ isational Developm ent Head of Quality"
    assert action.description.splitlines()[-1] == "after six months"
    assert action.progress == "Policy redrafted and\nsent to the\nboard in March."
    assert action.due == date(2026, 3, 31)


def test_a_row_with_its_own_lead_and_target_is_still_a_new_action() -> None:
    plan = read_plan_text(
        _text_plan(
            "1. Agencies to brief staff.\tBrief ward sisters.\tRiverside Trust\t31/03/2026\t\tDone.",
            "\tBrief housing officers.\tHead of Housing\t30/06/2026\t\t",
            "\tBrief call handlers.\tRiverside Police\t\t\tTwo sessions held.",
        ),
        review_code="RIV3",
        today=TODAY,
    )

    leads = [action.lead_agency for action in plan.recommendations[0].actions]
    assert leads == ["Riverside Trust", "Head of Housing", "Riverside Police"]


# -- recommendations with no action, and numbers used twice -------------------------------------


def test_a_recommendation_without_actions_becomes_its_own_action_with_a_warning() -> None:
    lines = (
        "Riverside DHR 3 plan",
        "Recommendation\tAction\tTarget date",
        "**Riverside Police**",
        "1. Police to check repeat addresses before attending.\tAdd a prompt.\t31/03/2026",
        "2. Police to record who else lives at an address.\t\t",
    )
    plan = read_plan_text("\n".join(lines), review_code="RIV3", today=TODAY)

    second = plan.recommendations[1]
    (action,) = second.actions
    assert action.description == "Police to record who else lives at an address."
    assert action.lead_agency == "Riverside Police"
    assert action.status is ActionStatus.NOT_STARTED
    assert action.source_row == 5
    assert plan.warnings == ["row 5: recommendation 2 has no action; one is made from the recommendation itself"]
    assert len(plan.recommendations[0].actions) == 1  # one with actions gets none added


def test_a_different_recommendation_under_a_used_number_keeps_its_text_under_a_suffixed_number() -> None:
    plan = read_plan_text(
        _text_plan(
            "3. Police to check repeat addresses before attending.\tAdd a prompt.\tRP\t\t\t",
            "3. Schools to teach pupils about healthy relationships.\tUpdate lessons.\tSchools\t\t\t",
            "3. Police to check repeat addresses before attending any call.\tBrief call handlers.\tRP\t\t\t",
        ),
        review_code="RIV3",
        today=TODAY,
    )

    assert [rec.number for rec in plan.recommendations] == ["3", "3b"]
    first, second = plan.recommendations
    assert second.text == "Schools to teach pupils about healthy relationships."
    assert [a.description for a in second.actions] == ["Update lessons."]
    assert [a.description for a in first.actions] == ["Add a prompt.", "Brief call handlers."]
    assert plan.warnings == [
        "row 4: a different recommendation has the number of the one at row 3; it is kept as recommendation 3b",
        "row 5: recommendation 3 appears again; its actions are added to the first",
    ]


# -- status read from a progress note -------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "progress", "expected"),
    [
        ("", "No update received.", ActionStatus.NOT_STARTED),
        ("", "Awaiting response from the agency.", ActionStatus.NOT_STARTED),
        ("", "See above", ActionStatus.NOT_STARTED),
        ("In progress", "No update received.", ActionStatus.IN_PROGRESS),
        ("Blocked", "No update received.", ActionStatus.BLOCKED),
        ("", "Two briefings held so far, more booked.", ActionStatus.IN_PROGRESS),
    ],
)
def test_a_progress_note_that_says_nothing_about_the_work_leaves_it_not_started(
    status: str, progress: str, expected: ActionStatus
) -> None:
    plan = read_plan_text(
        _text_plan(f"1. Police to check addresses.\tAdd a prompt.\tRP\t\t{status}\t{progress}"),
        review_code="RIV3",
        today=TODAY,
    )

    assert plan.recommendations[0].actions[0].status is expected
