"""The wording table: titles, intros and whether a message expects a reply, the same on every channel."""

from __future__ import annotations

from datetime import date

import pytest

from bot.wording import (
    agency_line,
    last_update_phrase,
    overdue_line,
    request_wording,
    reviews_phrase,
    unowned_intro,
    unowned_line,
)

ESCALATION = {"recipient_name": "Dana Hughes", "lead_name": "Priya Shah", "agency_name": "Riverside Police",
              "board_name": "Riverside Safer Communities Board", "chase_count": 3, "first_chased": date(2027, 1, 4),
              "actions": [{"ref": "RIV3-1-1"}], "level": 2}


def test_the_board_is_told_and_not_asked_to_reply() -> None:
    board = request_wording("escalation", ESCALATION | {"level": 3})
    manager = request_wording("escalation", ESCALATION)

    assert (board.title, board.expects_reply) == ("Escalation to the board: no response on DHR actions", False)
    assert (manager.title, manager.expects_reply) == ("Escalation: no response on DHR actions", True)
    assert board.intro.startswith("For the Riverside Safer Communities Board: Riverside Police has not answered 3 "
                                  "requests since 4 Jan 2027")


def test_one_action_reads_in_the_singular() -> None:
    wording = request_wording("chaser", {"recipient_name": "Priya Shah", "partnership_name": "Riverside CSP",
                                         "actions": [{"ref": "RIV3-1-1"}]})

    assert wording.intro == ("Hello Priya Shah. Riverside CSP needs an update on 1 action you lead on the action "
                             "plan of review RIV3: it is due or past the target date.")


def test_a_name_with_a_line_break_stays_on_one_line() -> None:
    wording = request_wording("heads_up", {"recipient_name": "Priya\nShah", "partnership_name": "Riverside CSP",
                                           "actions": []})

    assert "\n" not in wording.intro and wording.intro.startswith("Hello Priya Shah.")


def test_a_missing_key_is_named() -> None:
    with pytest.raises(KeyError, match="reply_by"):
        request_wording("board_update_request", {"recipient_name": "Priya Shah", "board_name": "the board",
                                                 "meeting_date": None, "actions": []})


# Every sentence is true of its case ------------------------------------------------------------

MANAGER_ASK = {"agency": "Riverside Police", "role": "manager", "channel": "slack", "on": date(2027, 1, 11),
               "state": "sent"}


def test_the_board_hears_the_manager_was_asked_only_when_one_was() -> None:
    board = ESCALATION | {"level": 3, "manager_asks": [MANAGER_ASK]}
    intro = request_wording("escalation", board).intro

    assert intro.endswith("The manager of Riverside Police was asked on Slack on 11 Jan 2027.")
    assert "also been asked" not in intro


def test_the_board_hears_the_coordinator_was_asked_when_the_agency_has_no_manager() -> None:
    ask = MANAGER_ASK | {"role": "coordinator", "channel": "email"}
    intro = request_wording("escalation", ESCALATION | {"level": 3, "manager_asks": [ask]}).intro

    assert intro.endswith("Riverside Police has no manager on record, so the coordinator was asked by email on "
                          "11 Jan 2027.")
    assert "manager of" not in intro


def test_the_board_is_told_of_a_level_two_message_that_never_went() -> None:
    dead = MANAGER_ASK | {"state": "dead"}
    waiting = MANAGER_ASK | {"agency": None, "role": "coordinator", "state": "pending"}
    intro = request_wording("escalation", ESCALATION | {"level": 3, "manager_asks": [dead, waiting]}).intro

    assert "The manager of Riverside Police could not be reached on Slack (11 Jan 2027)." in intro
    assert ("No lead agency is recorded, so the coordinator has a message waiting to go out on Slack "
            "(queued 11 Jan 2027).") in intro


def test_a_board_escalation_with_no_level_two_on_record_claims_none() -> None:
    intro = request_wording("escalation", ESCALATION | {"level": 3}).intro
    assert "asked" not in intro.split("action plan of review RIV3.")[1]


def test_a_coordinator_asked_for_an_action_with_no_lead_agency_is_told_how_to_record_one() -> None:
    case = ESCALATION | {"recipient_is_coordinator": True, "no_lead_agency": True, "agencies_without_manager": [],
                         "agency_name": "No lead agency recorded"}
    intro = request_wording("escalation", case).intro

    assert ("This comes to you as coordinator because no lead agency is recorded for these actions: could you "
            "help us get an update, and record the lead agency (dhr action set REF --lead AGENCY)?") in intro
    assert "add a manager for" not in intro


def test_the_lead_is_copied_in_on_mail_and_never_on_slack() -> None:
    case = ESCALATION | {"lead_copied": True}

    assert request_wording("escalation", case | {"channel": "email"}).intro.endswith("Priya Shah is copied in.")
    assert "copied in" not in request_wording("escalation", case | {"channel": "slack"}).intro


def test_every_request_names_the_review_by_its_code() -> None:
    two_reviews = {"recipient_name": "Priya Shah", "partnership_name": "Riverside CSP",
                   "actions": [{"ref": "RIV3-1-1"}, {"ref": "NUN1-9c-1"}, {"ref": "RIV3-2-1"}]}

    assert "the action plans of reviews RIV3 and NUN1" in request_wording("heads_up", two_reviews).intro
    assert reviews_phrase(["RIV3-1-1"]) == "review RIV3"


def test_the_last_update_is_quoted_by_date_status_and_short_text_or_said_to_be_missing() -> None:
    long_text = "Draft policy agreed with the leads and training booked for March with two more sessions in April"

    assert last_update_phrase({"last_update": None}) == "No update has been given on this action."
    assert last_update_phrase({"last_update": {"on": date(2026, 11, 25), "status": "in_progress",
                                               "text": long_text}}) == (
        "Last update 25 Nov 2026, in progress: \u201cDraft policy agreed with the leads and training booked for "
        "March with two more sessions \u2026\u201d.")
    assert last_update_phrase({"last_update": {"on": date(2026, 11, 25), "status": None, "text": ""}}) == (
        "Last update 25 Nov 2026.")


def test_a_digest_line_names_the_action_by_ref_and_the_start_of_its_text() -> None:
    row = {"ref": "RIV3-1-1", "agency": "Riverside Police", "due": date(2026, 11, 20), "days_overdue": 48,
           "summary": "Refresh the training for front desk staff on coercive control and stalking"}

    assert overdue_line(row) == ("RIV3-1-1 Refresh the training for front desk staff on \u2026 · Riverside Police · "
                                 "due 20 Nov 2026 · 48 days overdue")


def test_the_agency_line_counts_work_nobody_is_chased_about() -> None:
    row = {"name": "Riverside Police", "open": 5, "overdue": 2, "complete": 1, "not_chased": 3}

    assert agency_line(row) == ("Riverside Police: 5 open, 2 overdue, 1 complete, 3 not being chased "
                                "(no lead / no contact)")
    assert agency_line(row | {"not_chased": 0}) == "Riverside Police: 5 open, 2 overdue, 1 complete"


def test_the_unowned_notice_says_why_and_how_to_fix_each_action() -> None:
    no_agency = {"ref": "RIV3-1-1", "summary": "Audit the pathway", "reason": "no lead agency", "agency": ""}
    no_contact = {"ref": "RIV3-2-1", "summary": "Train staff", "reason": "no lead contact",
                  "agency": "Riverside Ambulance Service"}

    assert unowned_line(no_agency) == ("RIV3-1-1 Audit the pathway: no lead agency. To fix: dhr action set RIV3-1-1 "
                                       "--lead AGENCY (and --contact NAME if the agency has no lead)")
    assert unowned_line(no_contact) == ("RIV3-2-1 Train staff: no lead contact. To fix: add a lead for Riverside "
                                        "Ambulance Service to the contacts file, or dhr action set RIV3-2-1 --contact NAME")
    intro = unowned_intro({"recipient_name": "Morgan Blake", "partnership_name": "Riverside CSP",
                           "actions": [no_agency, no_contact]})
    assert intro.startswith("Hello Morgan Blake. 2 open actions on review RIV3 are not being chased")
    assert "now has a lead" in unowned_intro({"recipient_name": "Morgan Blake", "partnership_name": "Riverside CSP",
                                              "actions": []})
