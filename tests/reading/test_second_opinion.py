"""How the rules and the status model are combined (bot.reading.second_opinion), and where the reader asks
the model (bot.reading.replies.with_second_opinion). Small hand-made models make the model's opinion
certain, so each test fails if the combination or its wiring breaks, whatever the shipped model says."""

from __future__ import annotations

from datetime import date

import pytest

from bot.reading.confirm import CONFIDENT, needs_confirmation
from bot.reading.replies import read_replies, read_reply, with_second_opinion
from bot.reading.second_opinion import MODEL_DECIDED, THRESHOLDS, VETOED, Thresholds, combine
from bot.reading.status_model import StatusModel
from bot.rules.statuses import ReadStatus

TODAY = date(2027, 3, 1)
DECIDING = Thresholds(rules_unsure_below=0.5, model_sure_at=0.8, close_needs=0.2)


def one_word_model(word: str, status: ReadStatus) -> StatusModel:
    """A model sure of `status` whenever `word` is in the text, and unsure otherwise."""
    classes = [ReadStatus.COMPLETE, ReadStatus.IN_PROGRESS, ReadStatus.EXTENSION_REQUESTED]
    weights = [20.0 if c is status else -20.0 for c in classes]
    return StatusModel.from_json({
        "format": 1, "training_sha256": "", "classes": [c.value for c in classes], "intercepts": [0.0, 0.0, 0.0],
        "blocks": [{"analyser": "word", "ngram_range": [1, 1], "sublinear_tf": True,
                    "terms": {word: [1.0, *weights]}}],
    })


def p(**probabilities: float) -> dict[ReadStatus, float]:
    return {ReadStatus(name): value for name, value in probabilities.items()}


# --- the combination, pure --------------------------------------------------------------------------------

def test_a_completion_the_model_doubts_is_asked_not_applied() -> None:
    status, confidence = combine(ReadStatus.COMPLETE, 0.9, p(complete=0.1, in_progress=0.9))
    assert status is ReadStatus.COMPLETE
    assert confidence == VETOED < CONFIDENT


def test_a_completion_the_model_agrees_with_is_applied_as_the_rules_read_it() -> None:
    assert combine(ReadStatus.COMPLETE, 0.9, p(complete=0.5, in_progress=0.5)) == (ReadStatus.COMPLETE, 0.9)
    at_threshold = THRESHOLDS.close_needs
    assert combine(ReadStatus.COMPLETE, 0.9, p(complete=at_threshold, in_progress=1 - at_threshold))[1] == 0.9


def test_the_veto_never_opens_a_close_the_rules_would_ask_about() -> None:
    assert combine(ReadStatus.COMPLETE, 0.6, p(complete=1.0)) == (ReadStatus.COMPLETE, 0.6)
    assert combine(ReadStatus.NOT_APPLICABLE, 0.9, p(complete=1.0)) == (ReadStatus.NOT_APPLICABLE, 0.9)


def test_with_the_shipped_thresholds_the_model_decides_only_what_the_rules_are_unsure_of_and_never_a_completion() -> None:
    """Chosen on the sets read blind before the model existed (BENCHMARKS.md, Session 4)."""
    assert combine(ReadStatus.UNCLEAR, 0.2, p(in_progress=0.99, complete=0.01)) == (ReadStatus.IN_PROGRESS,
                                                                                    MODEL_DECIDED)
    assert combine(ReadStatus.IN_PROGRESS, 0.6, p(blocked=0.9, in_progress=0.1))[0] is ReadStatus.BLOCKED
    assert combine(ReadStatus.IN_PROGRESS, CONFIDENT, p(blocked=0.9, in_progress=0.1))[0] is ReadStatus.IN_PROGRESS
    # "was it completed before she left?": the rules could not read it, and n-grams of "completed" do not decide
    assert combine(ReadStatus.UNCLEAR, 0.2, p(complete=0.99, in_progress=0.01)) == (ReadStatus.UNCLEAR, 0.2)
    # "finished? I reckon so": the rules' hedged completion stands, and is asked
    assert combine(ReadStatus.COMPLETE, 0.6, p(in_progress=0.99, complete=0.01)) == (ReadStatus.COMPLETE, 0.6)


def test_a_sure_model_decides_when_the_rules_are_unsure_and_it_is_always_asked() -> None:
    deciding = Thresholds(rules_unsure_below=0.5, model_sure_at=0.8, close_needs=0.2, model_may_complete=True)
    status, confidence = combine(ReadStatus.UNCLEAR, 0.2, p(in_progress=0.95, complete=0.05), deciding)
    assert status is ReadStatus.IN_PROGRESS and confidence == MODEL_DECIDED < CONFIDENT
    # a completion it decides cannot close anything unasked either
    status, confidence = combine(ReadStatus.UNCLEAR, 0.2, p(complete=0.99, in_progress=0.01), deciding)
    assert status is ReadStatus.COMPLETE and confidence < CONFIDENT


@pytest.mark.parametrize(("rules", "confidence", "model"), [
    (ReadStatus.IN_PROGRESS, 0.8, p(blocked=0.99, in_progress=0.01)),  # the rules are sure
    (ReadStatus.UNCLEAR, 0.2, p(blocked=0.7, in_progress=0.3)),  # the model is not sure enough
    (ReadStatus.REDIRECT, 0.2, p(in_progress=0.99, redirect=0.01)),  # a redirect is the rules'
    (ReadStatus.UNCLEAR, 0.2, p(redirect=0.99, unclear=0.01)),  # so is naming a new owner
    (ReadStatus.UNCLEAR, 0.2, p(not_applicable=0.99, unclear=0.01)),  # and anything that closes but complete
    (ReadStatus.NO_RESPONSE, 0.3, p(in_progress=0.99, unclear=0.01)),
])
def test_what_the_model_may_not_decide(rules: ReadStatus, confidence: float, model: dict[ReadStatus, float]) -> None:
    assert combine(rules, confidence, model, DECIDING) == (rules, confidence)


def test_no_model_leaves_the_rules_reading() -> None:
    assert combine(ReadStatus.COMPLETE, 0.9, {}) == (ReadStatus.COMPLETE, 0.9)


# --- where the reader asks the model ----------------------------------------------------------------------

def test_the_reader_asks_before_closing_when_the_model_doubts_the_completion() -> None:
    doubting = one_word_model("done", ReadStatus.IN_PROGRESS)
    alone = read_reply("All done.", today=TODAY, model=None)
    assert alone.status is ReadStatus.COMPLETE and not needs_confirmation(alone)
    vetoed = read_reply("All done.", today=TODAY, model=doubting)
    assert vetoed.status is ReadStatus.COMPLETE and needs_confirmation(vetoed)
    assert vetoed.opinion is not None
    assert vetoed.opinion.model_status is ReadStatus.IN_PROGRESS
    assert (vetoed.opinion.rules_status, vetoed.opinion.rules_confidence) == (alone.status, alone.confidence)
    agreeing = read_reply("All done.", today=TODAY, model=one_word_model("done", ReadStatus.COMPLETE))
    assert not needs_confirmation(agreeing)


def test_a_status_the_model_decides_gets_its_date_from_the_rules() -> None:
    alone = read_reply("audit June", today=TODAY, model=None)
    assert alone.status is ReadStatus.UNCLEAR and alone.new_due is None
    decided = with_second_opinion(alone, one_word_model("june", ReadStatus.EXTENSION_REQUESTED), TODAY, DECIDING)
    assert decided.status is ReadStatus.EXTENSION_REQUESTED
    assert decided.new_due == date(2027, 6, 30)
    assert needs_confirmation(decided)


@pytest.mark.parametrize("text", [
    "Automatic reply: I am out of the office until 3 March. Done.",
    "Yes",
    "not ours, that's the CCG - done on our side",
])
def test_the_model_is_not_asked_about_automatic_replies_bare_answers_or_redirects(text: str) -> None:
    reading = read_reply(text, today=TODAY, model=one_word_model("done", ReadStatus.IN_PROGRESS))
    assert reading.opinion is None
    assert reading == read_reply(text, today=TODAY, model=None)


def test_each_action_of_a_split_reply_is_put_to_the_model_on_its_own_part() -> None:
    readings = read_replies("RIV1-1: all done, signed off.\nRIV1-2: not started yet", today=TODAY,
                            known_refs=["RIV1-1", "RIV1-2"], model=one_word_model("signed", ReadStatus.IN_PROGRESS))
    first, second = readings["RIV1-1"], readings["RIV1-2"]
    assert first.opinion is not None and first.opinion.model_status is ReadStatus.IN_PROGRESS
    assert needs_confirmation(first)  # vetoed: "signed" is only in the first part
    assert second.opinion is not None and second.opinion.model_status is not ReadStatus.IN_PROGRESS
    assert second.status is ReadStatus.NOT_STARTED


def test_the_shipped_model_is_read_by_default() -> None:
    assert read_reply("All done.", today=TODAY).opinion is not None
    assert read_reply("All done.", today=TODAY, model=None).opinion is None
