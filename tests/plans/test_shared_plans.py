"""The three real published plans (text extracted from PDFs) in ../shared/plans import correctly.

Expectations were written by reading the plans; only numbers, agency names and dates are used here.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.plans import read_plan
from bot.plans.model import ParsedPlan, ParsedRecommendation
from bot.rules.statuses import ActionStatus, Precision
from tests.shared_plans import SHARED_PLANS, needs_shared_plans

PLANS = SHARED_PLANS
TODAY = date(2026, 11, 25)

pytestmark = needs_shared_plans()


def _plan(name: str) -> ParsedPlan:
    return read_plan(PLANS / name, review_code="X1", today=TODAY)


def _rec(plan: ParsedPlan, number: str) -> ParsedRecommendation:
    return next(rec for rec in plan.recommendations if rec.number == number)


@pytest.fixture(scope="module")
def nuneaton() -> ParsedPlan:
    return _plan("nuneaton-dhr1.txt")


@pytest.fixture(scope="module")
def haringey() -> ParsedPlan:
    return _plan("haringey-2014.txt")


@pytest.fixture(scope="module")
def newham() -> ParsedPlan:
    return _plan("newham-combined.txt")


def test_nuneaton_has_recommendations_1_to_37_in_order(nuneaton: ParsedPlan) -> None:
    assert [rec.number for rec in nuneaton.recommendations] == [str(n) for n in range(1, 38)]
    assert nuneaton.title.startswith("Nuneaton Domestic Homicide Review (DHR1)")


def test_nuneaton_sections_give_the_lead_agency(nuneaton: ParsedPlan) -> None:
    assert _rec(nuneaton, "1").section == "Safer Warwickshire Partnership Board"
    assert _rec(nuneaton, "9").section == "MARAC Steering Group"
    assert _rec(nuneaton, "13").section == "Warwickshire Police"
    assert _rec(nuneaton, "13").actions[0].lead_agency == "Warwickshire Police"
    assert _rec(nuneaton, "20").actions[0].lead_agency == "George Eliot Hospital"
    assert _rec(nuneaton, "29").section == "North Warwickshire Clinical Commissioning Group and Local Area Team"


def test_nuneaton_target_dates(nuneaton: ParsedPlan) -> None:
    first = _rec(nuneaton, "1").actions[0]
    assert first.target_text == "31st December 2014"
    assert (first.due, first.precision) == (date(2014, 12, 31), Precision.DAY)
    assert _rec(nuneaton, "8").actions[0].due == date(2014, 10, 31)
    assert _rec(nuneaton, "5").actions[0].due is None  # "Action completed" is not a date
    # Lettered dates: the last part decides; "April each year" names no single deadline.
    assert _rec(nuneaton, "9").actions[0].due == date(2015, 3, 31)


def test_nuneaton_per_agency_sub_actions_under_one_recommendation(nuneaton: ParsedPlan) -> None:
    rec = _rec(nuneaton, "28")
    leads = [action.lead_agency for action in rec.actions]
    assert leads == ["POLICE", "CWPT", "GEH", "NBBC", "WMAS", "PROBATION", "HARMONI", "SWFT", "Children's Services"]
    assert len(_rec(nuneaton, "25").actions) == 9
    assert _rec(nuneaton, "28").actions[1].due == date(2014, 2, 28)


def test_nuneaton_rows_broken_over_pages_are_joined(nuneaton: ParsedPlan) -> None:
    # Recommendation 9's last lettered part (h) sits on the next page with an empty first cell.
    assert len(_rec(nuneaton, "9").actions) == 1
    assert _rec(nuneaton, "9").actions[0].target_text.endswith("h) March 2015")
    assert len(_rec(nuneaton, "13").actions) == 1


def test_nuneaton_completed_progress_reads_complete(nuneaton: ParsedPlan) -> None:
    assert _rec(nuneaton, "1").actions[0].status is ActionStatus.COMPLETE
    assert _rec(nuneaton, "3").actions[0].status is ActionStatus.IN_PROGRESS


def test_haringey_unnumbered_recommendations_are_numbered_in_order(haringey: ParsedPlan) -> None:
    assert [rec.number for rec in haringey.recommendations] == [str(n) for n in range(1, 32)]
    assert any("not numbered" in warning for warning in haringey.warnings)


def test_haringey_lead_agencies_and_dates(haringey: ParsedPlan) -> None:
    assert _rec(haringey, "1").actions[0].lead_agency == "School"
    assert _rec(haringey, "8").actions[0].lead_agency == "LPT"
    assert _rec(haringey, "9").actions[0].lead_agency == "DAAT"
    assert _rec(haringey, "31").actions[0].lead_agency == "Haringey CYPS"
    assert _rec(haringey, "3").actions[0].due == date(2014, 7, 31)
    assert _rec(haringey, "12").actions[0].target_text == "Ongoing"
    assert _rec(haringey, "12").actions[0].due is None
    assert _rec(haringey, "29").actions[0].target_text == "tbc"


def test_haringey_sub_rows_become_actions_of_the_same_recommendation(haringey: ParsedPlan) -> None:
    daat = _rec(haringey, "15")
    assert len(daat.actions) == 4
    assert daat.actions[1].target_text == "Start: April 2014"
    assert daat.actions[1].due == date(2014, 4, 30)
    assert daat.actions[3].due == date(2014, 9, 30)
    assert daat.actions[2].lead_agency == "DAAT"  # left blank in the plan: the row above's lead


def test_haringey_lines_of_one_wrapped_cell_stay_one_action(haringey: ParsedPlan) -> None:
    # Recommendation 6's cells wrap over several lines; the lead column's lines are role titles
    # and broken words, with no target or status of their own.
    nmuht = _rec(haringey, "6")
    assert len(nmuht.actions) == 1
    action = nmuht.actions[0]
    assert action.lead_agency is not None and action.lead_agency.startswith("NMUHT")
    assert "Developm ent" in action.lead_agency and "Head of Communi cations" in action.lead_agency
    assert len(action.description.splitlines()) == 6
    assert action.target_text == "Complete"
    assert haringey.action_count() == 36


def test_newham_combined_plan_numbers_each_review_s_recommendations(newham: ParsedPlan) -> None:
    numbers = [rec.number for rec in newham.recommendations]
    assert len(numbers) == 36
    assert numbers[:3] == ["AB1", "Avani1", "Avani6"]
    assert numbers[-1] == "ZA8"
    assert len(set(numbers)) == len(numbers)
    # AB 2 is written again, shortened, beside one of its parts' actions: one recommendation.
    assert sum("appears again" in warning for warning in newham.warnings) == 1
    assert len(_rec(newham, "AB2").actions) == 2


def test_newham_a_different_recommendation_under_a_used_number_keeps_its_own_text(newham: ParsedPlan) -> None:
    numbers = [rec.number for rec in newham.recommendations]
    assert numbers.index("ZA3b") == numbers.index("ZA3") + 1
    first, second = _rec(newham, "ZA3"), _rec(newham, "ZA3b")
    assert (first.source_row, second.source_row) == (17, 18)
    assert first.text != second.text
    assert second.actions[0].description == second.text
    assert any("row 18" in warning and "ZA3b" in warning for warning in newham.warnings)


def test_newham_recommendations_without_actions_become_one_action_each(newham: ParsedPlan) -> None:
    made = [rec.number for rec in newham.recommendations if any(
        f"recommendation {rec.number} has no action" in warning for warning in newham.warnings
    )]
    assert made == [
        "AA1", "ZA1", "Avani5", "ZA3", "ZA3b", "Avani2", "Nadira3", "AA2", "Avani8",
        "AB5", "AA4", "AA5", "AA7", "AA9", "ZA5", "ZA6", "ZA7", "ZA8",
    ]  # fmt: skip
    assert all(rec.actions for rec in newham.recommendations)
    avani5 = _rec(newham, "Avani5")
    assert [action.description for action in avani5.actions] == [avani5.text]
    assert avani5.actions[0].status is ActionStatus.NOT_STARTED
    assert avani5.actions[0].due is None


def test_newham_by_whom_column_is_the_lead(newham: ParsedPlan) -> None:
    assert _rec(newham, "AB1").actions[0].lead_agency == "DSV Commissioner"
    assert _rec(newham, "Avani4").actions[0].lead_agency == "East London NHS Foundation Trust and Guy's and St Thomas' NHS Trust"


def test_newham_second_table_is_read_under_its_own_header(newham: ParsedPlan) -> None:
    national = _rec(newham, "ZA8")
    assert national.section == "Regional and National Recommendations"
    assert [action.description for action in national.actions] == [national.text]
    assert national.actions[0].lead_agency is None  # the section names no agency
    assert _rec(newham, "AB5").section == "Regional and National Recommendations"
