"""Replies as real people write them: negation, hedging, partial and mixed answers, blocks, more time,
questions back, thanks-and-later, typos, one-word answers, a bare "Yes", Slack's escaping."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.replies import read_replies, read_reply
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 3, 1)  # a Monday


def _status(text: str, today: date = TODAY) -> ReadStatus:
    return read_reply(text, today=today).status


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nothing done on this yet", ReadStatus.NOT_STARTED),
        ("no work has started", ReadStatus.NOT_STARTED),
        ("nowhere near finished", ReadStatus.IN_PROGRESS),
        ("not yet complete", ReadStatus.IN_PROGRESS),
        ("we hoped to finish by March but haven't", ReadStatus.IN_PROGRESS),
        ("complete apart from the sign-off", ReadStatus.IN_PROGRESS),
        ("I wouldn't say it's complete, there's still a fair bit to do", ReadStatus.IN_PROGRESS),
    ],
)
def test_a_negated_or_unfinished_completion_is_never_complete(text: str, expected: ReadStatus) -> None:
    assert _status(text) is expected


@pytest.mark.parametrize("text", ["done I think", "probably done, need to check", "pretty sure that's finished",
                                  "should all be done now, let me know if anything's missing"])
def test_a_hedged_completion_is_asked_about(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert reading.needs_confirmation


@pytest.mark.parametrize(
    "text",
    ["two thirds done", "training done, audit still to do", "Policy done. Training not started.",
     "3 of the 5 teams have completed the course", "the leaflet is done but the website update hasn't happened",
     "Complete for the north locality, not for the south",
     "- procedure done\n- briefing in progress\n- audit not started"],
)
def test_the_least_finished_part_of_a_reply_wins(text: str) -> None:
    assert _status(text) is ReadStatus.IN_PROGRESS


def test_a_reply_about_several_actions_reads_each_and_never_completes_the_unfinished_one() -> None:
    readings = read_replies("RIV3-2-1 done and signed off. RIV3-2-2 has not been started yet.", today=TODAY,
                            known_refs=["RIV3-2-1", "RIV3-2-2"])
    assert readings["RIV3-2-1"].status is ReadStatus.COMPLETE
    assert readings["RIV3-2-2"].status is ReadStatus.NOT_STARTED


@pytest.mark.parametrize(
    "text",
    ["stuck", "can't move this until the new contract is signed", "waiting on the police for the data",
     "chased them twice, still nothing back from the ICB", "The guidance is done but we're stuck on the training"],
)
def test_a_block_reads_as_blocked(text: str) -> None:
    assert _status(text) is ReadStatus.BLOCKED


@pytest.mark.parametrize(
    ("text", "today", "due"),
    [
        ("can we push to end of April", TODAY, date(2027, 4, 30)),
        ("slipped, new target end of next month", TODAY, date(2027, 4, 30)),
        ("can it be w/c 12 April instead", TODAY, date(2027, 4, 16)),
        ("June is more realistic", TODAY, date(2027, 6, 30)),
        ("can we make it end of Q1 26/27", date(2026, 3, 2), date(2026, 6, 30)),
        ("we'll need until the end of the financial year", date(2026, 12, 1), date(2027, 3, 31)),
        ("can I have four more weeks?", TODAY, date(2027, 3, 29)),
        ("It's slipped to May I'm afraid", TODAY, date(2027, 5, 31)),
        ("Sorry, can you give me till Friday?", TODAY, date(2027, 3, 5)),
    ],
)
def test_more_time_reads_the_new_date_in_any_form_from_the_day_sent(text: str, today: date, due: date) -> None:
    reading = read_reply(text, today=today)
    assert (reading.status, reading.new_due) == (ReadStatus.EXTENSION_REQUESTED, due)


def test_a_date_when_they_will_say_more_is_not_the_new_target() -> None:
    reading = read_reply("We'll need an extension, I'll confirm a date next week.", today=TODAY)
    assert reading.new_due is None


def test_a_promise_to_finish_keeps_its_relative_date() -> None:
    reading = read_reply("we'll have it finished next week", today=date(2027, 1, 14))
    assert (reading.status, reading.new_due) == (ReadStatus.IN_PROGRESS, date(2027, 1, 22))


def test_an_impossible_date_says_why_it_was_not_read() -> None:
    reading = read_reply("can we extend to 30 Feb 2027", today=date(2027, 1, 5))
    assert reading.status is ReadStatus.EXTENSION_REQUESTED
    assert reading.new_due is None
    assert reading.date_problem == "30 Feb 2027 is not a date: February 2027 has 28 days"


@pytest.mark.parametrize("text", ["which action is this?", "Can you remind me what this one was about?",
                                  'Hi, what do you mean by "complete" here - delivered once, or embedded?'])
def test_a_question_back_is_unclear(text: str) -> None:
    assert _status(text) is ReadStatus.UNCLEAR


@pytest.mark.parametrize("text", ["received, will pick up next week", "thanks, will come back to you",
                                  "Noted, I'll get an update to you by Thursday", "ta, leave it with me"])
def test_thanks_and_later_says_nothing_about_the_work_yet_so_it_is_asked(text: str) -> None:
    reading = read_reply(text, today=TODAY)
    assert (reading.status, reading.new_due, reading.automatic) == (ReadStatus.UNCLEAR, None, False)
    assert reading.needs_confirmation


@pytest.mark.parametrize(
    ("text", "expected"),
    [("compelted last week", ReadStatus.COMPLETE), ("still in progess", ReadStatus.IN_PROGRESS),
     ("havent startd it", ReadStatus.NOT_STARTED), ("waitng on polcie for the data", ReadStatus.BLOCKED),
     ("can we have an extention to may", ReadStatus.EXTENSION_REQUESTED), ("on going", ReadStatus.IN_PROGRESS)],
)
def test_typos_and_missing_punctuation_are_read(text: str, expected: ReadStatus) -> None:
    assert _status(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("complete", ReadStatus.COMPLETE), ("Done.", ReadStatus.COMPLETE), ("Underway", ReadStatus.IN_PROGRESS),
     ("Stalled", ReadStatus.BLOCKED), ("n/a", ReadStatus.NOT_APPLICABLE), ("wip", ReadStatus.IN_PROGRESS),
     ("yes", ReadStatus.UNCLEAR), ("👍", ReadStatus.UNCLEAR), ("thanks", ReadStatus.UNCLEAR)],
)
def test_one_word_slack_answers(text: str, expected: ReadStatus) -> None:
    assert _status(text) is expected


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [("Is RIV3-2-1 now complete?", "Yes", ReadStatus.COMPLETE), ("Is RIV3-2-1 now complete?", "No",
                                                                  ReadStatus.IN_PROGRESS),
     ("Is this action still in progress?", "Yes", ReadStatus.IN_PROGRESS),
     ("Could you send an update on RIV3-2-1?", "Yes", ReadStatus.UNCLEAR)],
)
def test_a_bare_yes_under_a_quoted_question_answers_that_question(question: str, answer: str,
                                                                   expected: ReadStatus) -> None:
    text = f"{answer}\n\nOn Fri, 26 Feb 2027 at 14:10, Morgan Blake wrote:\n> {question}\n> Thanks, Morgan"
    reading = read_reply(text, today=TODAY)
    assert reading.status is expected
    assert reading.needs_confirmation  # read from our question, not said outright: always asked


def test_slack_escaping_links_and_mentions_are_read() -> None:
    reading = read_reply("Done &amp; dusted - minutes <https://sp.example.gov.uk/minutes|Feb panel minutes>",
                         today=TODAY)
    assert reading.status is ReadStatus.COMPLETE
    assert reading.evidence == "https://sp.example.gov.uk/minutes"
    assert _status("<@U02XYZ789> can't progress until the &lt;ISA&gt; is signed") is ReadStatus.BLOCKED
