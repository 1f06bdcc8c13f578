"""The wording table: titles, intros and whether a message expects a reply, the same on every channel."""

from __future__ import annotations

from datetime import date

import pytest

from bot.wording import request_wording

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
