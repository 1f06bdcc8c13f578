"""The new part of a reply: history cut in every client's format, answers below or between quotes kept."""

from __future__ import annotations

import pytest

from bot.reading.quoting import quoted_question, split_reply, strip_quoted


@pytest.mark.parametrize(
    "attribution",
    [
        "On Mon, 22 Feb 2027 at 09:15, Morgan Blake <morgan@riverside.example.gov.uk> wrote:",
        "Le lun. 22 févr. 2027 à 09:15, Morgan Blake <morgan@riverside.example.gov.uk> a écrit :",
        "Am Mo., 22. Feb. 2027 um 09:15 Uhr schrieb Morgan Blake <morgan@riverside.example.gov.uk>:",
        "El lun, 22 feb 2027 a las 9:15, Morgan Blake (<morgan@riverside.example.gov.uk>) escribió:",
        "Op ma 22 feb. 2027 om 09:15 schreef Morgan Blake <morgan@riverside.example.gov.uk>:",
        "On 2027-02-22 09:15, Morgan Blake wrote:",
        "Morgan Blake wrote:",
    ],
)
def test_attribution_lines_in_other_languages_and_formats_are_cut(attribution: str) -> None:
    text = f"Still in progress.\n\n{attribution}\n> Is this action complete?\n> Morgan"
    assert strip_quoted(text) == "Still in progress."


@pytest.mark.parametrize(
    "header_block",
    [
        "De : Morgan Blake\nEnvoyé : lundi 22 février 2027 09:15\nÀ : Marie Laurent\nObjet : RIV3-2-1",
        "-----Ursprüngliche Nachricht-----\nVon: Morgan Blake\nGesendet: Montag, 22. Februar 2027 09:15",
        "From: Morgan Blake\nSent: 22 February 2027 09:15\nTo: Leo Hart\nSubject: RIV3-2-1",
    ],
)
def test_outlook_header_blocks_in_other_languages_cut_the_history(header_block: str) -> None:
    assert strip_quoted(f"Not started yet.\n\n{header_block}\n\nIs this now complete?") == "Not started yet."


def test_a_bottom_posted_answer_is_kept() -> None:
    text = (
        "On Mon, 22 Feb 2027 at 09:15, Morgan Blake wrote:\n> Is RIV3-2-1 complete?\n> Morgan\n\n"
        "Not yet - still drafting."
    )
    assert strip_quoted(text) == "Not yet - still drafting."


def test_inline_answers_between_quoted_lines_are_kept() -> None:
    text = "> Is the training complete?\n\nNot all of it - two teams left.\n\n> Any evidence?\n\nRegister attached."
    assert strip_quoted(text) == "Not all of it - two teams left.\n\nRegister attached."


def test_a_bulleted_reply_keeps_every_bullet() -> None:
    text = "- policy rewritten\n- training booked for April\n- audit not started\n\nThanks\nEd"
    assert strip_quoted(text) == "- policy rewritten\n- training booked for April\n- audit not started"


def test_sent_from_my_desk_in_a_sentence_is_content_but_a_mobile_footer_is_not() -> None:
    text = "Complete.\n\nSent from my desk, but happy to talk it through if useful.\n\nSent from my iPhone"
    assert strip_quoted(text) == "Complete.\n\nSent from my desk, but happy to talk it through if useful."


def test_a_signature_rule_contact_lines_and_disclaimer_are_dropped() -> None:
    text = "Done - see attached.\n--\nHelen Marsh\nTel 01234 567890"
    assert strip_quoted(text) == "Done - see attached."
    text = (
        "Done.\n\nHelen Marsh | Safeguarding Lead | Riverside Trust\n"
        "This email and any attachments are confidential."
    )
    assert strip_quoted(text) == "Done."


def test_the_question_a_bare_answer_replies_to_is_found_in_the_quote() -> None:
    text = "Yes\n\nOn Fri, 26 Feb 2027 at 14:10, Morgan Blake wrote:\n> Is RIV3-2-1 now complete?\n> Thanks, Morgan"
    assert quoted_question(text) == "Is RIV3-2-1 now complete?"
    assert split_reply(text)[0] == "Yes"
    assert quoted_question("Yes") is None
