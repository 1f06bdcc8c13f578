"""Which of our messages a mail answers, and what a reply to a confirmation question says."""

from __future__ import annotations

import pytest

from bot.inbox.rules import (
    Answer,
    choose_message,
    incoming_mail,
    read_confirmation_reply,
    referenced_message_ids,
    sender_authenticated,
    subject_tokens,
    token_to_match,
)


def test_in_reply_to_comes_first_then_references_newest_first() -> None:
    headers = {
        "in-reply-to": "<c@mail.example.test>",
        "References": "<a@fake.outlook.test> <b@fake.outlook.test>\r\n <c@mail.example.test>",
    }

    assert referenced_message_ids(headers) == [
        "<c@mail.example.test>", "<b@fake.outlook.test>", "<a@fake.outlook.test>",
    ]


def test_no_threading_headers_means_no_references() -> None:
    assert referenced_message_ids({"Subject": "RE: update"}) == []


@pytest.mark.parametrize(
    ("subject", "tokens"),
    [
        ("RE: [DHR-1a2b3c4d5e6f7a8b] RIV3: 2 actions overdue", ["DHR-1a2b3c4d5e6f7a8b"]),
        ("AW: RE: [dhr-1A2B3C4D5E6F7A8B] RIV3", ["DHR-1a2b3c4d5e6f7a8b"]),
        ("Fwd: [ DHR-0f0f0f0f0f0f0f0f ] and [DHR-1a2b3c4d5e6f7a8b]", ["DHR-0f0f0f0f0f0f0f0f", "DHR-1a2b3c4d5e6f7a8b"]),
        ("RE: DHR-1a2b3c4d5e6f7a8b without brackets", []),
        ("RE: [DHR-1a2b3c4d] the old short form, guessable, is not ours", []),
    ],
)
def test_subject_tokens(subject: str, tokens: list[str]) -> None:
    assert subject_tokens(subject) == tokens


def test_a_subject_with_several_tokens_matches_by_none_of_them() -> None:
    assert token_to_match(["DHR-1a2b3c4d5e6f7a8b"]) == "DHR-1a2b3c4d5e6f7a8b"
    assert token_to_match(["DHR-0f0f0f0f0f0f0f0f", "DHR-1a2b3c4d5e6f7a8b"]) is None
    assert token_to_match([]) is None


def test_headers_win_over_a_token_naming_another_message() -> None:
    assert choose_message(7, 9, has_unknown_token=False, by_conversation=[9]) == 7


def test_token_wins_over_the_conversation() -> None:
    assert choose_message(None, 9, has_unknown_token=False, by_conversation=[7]) == 9


def test_conversation_alone_decides_only_when_it_names_one_message() -> None:
    assert choose_message(None, None, has_unknown_token=False, by_conversation=[7, 7]) == 7
    assert choose_message(None, None, has_unknown_token=False, by_conversation=[7, 8]) is None
    assert choose_message(None, None, has_unknown_token=False, by_conversation=[]) is None


def test_conversation_never_overrules_a_token_we_cannot_find() -> None:
    assert choose_message(None, None, has_unknown_token=True, by_conversation=[7]) is None


def test_incoming_mail_reads_graph_json_and_keys_on_internet_message_id() -> None:
    mail = incoming_mail({
        "id": "AAMk-1",
        "internetMessageId": "<x@mail.example.test>",
        "subject": "RE: [DHR-1a2b3c4d5e6f7a8b] RIV3",
        "from": {"emailAddress": {"name": "Sam Boateng", "address": "Sam.Boateng@Probation.example.org"}},
        "uniqueBody": {"contentType": "text", "content": "Done."},
        "internetMessageHeaders": [{"name": "In-Reply-To", "value": "<a@fake.outlook.test>"}],
        "conversationId": "conv-1",
    }, ["register.xlsx"])

    assert mail.sender == "sam.boateng@probation.example.org"
    assert mail.key == "<x@mail.example.test>"
    assert mail.headers == {"In-Reply-To": "<a@fake.outlook.test>"}
    assert (mail.text, mail.attachment_names) == ("Done.", ("register.xlsx",))


def test_mail_without_internet_message_id_falls_back_to_the_graph_id() -> None:
    assert incoming_mail({"id": "AAMk-2"}).key == "graph:AAMk-2"


@pytest.mark.parametrize(
    ("text", "answer", "rest"),
    [
        ("Yes", Answer.YES, ""),
        ("Yes, that's right. Thanks", Answer.YES, ""),
        ("\u201cYes\u201d", Answer.YES, ""),
        ("Correct", Answer.YES, ""),
        ("That's right", Answer.YES, ""),
        ("No", Answer.NO, ""),
        ("No, it is still in progress.", Answer.NO, "it is still in progress."),
        ("Not quite - RIV3-5-1 is due 30 April", Answer.NO, "RIV3-5-1 is due 30 April"),
        ("Yesterday we finished the audit", Answer.CORRECTION, "Yesterday we finished the audit"),
        ("Not started yet, sorry", Answer.CORRECTION, "Not started yet, sorry"),
        ("No problem, it's complete", Answer.CORRECTION, "No problem, it's complete"),
        ("Correction: new date 30 April", Answer.CORRECTION, "Correction: new date 30 April"),
    ],
)
def test_reading_a_reply_to_a_confirmation_question(text: str, answer: Answer, rest: str) -> None:
    reply = read_confirmation_reply(text)

    assert (reply.answer, reply.rest) == (answer, rest)


@pytest.mark.parametrize(
    ("value", "authenticated"),
    [
        (("spf=pass (sender IP is 198.51.100.20) smtp.mailfrom=example.org; dkim=pass (signature was verified) "
          "header.d=example.org;dmarc=pass action=none header.from=example.org;compauth=pass reason=100"), True),
        # DMARC needs only one aligned pass: a failed SPF after forwarding does not undo it.
        ("spf=fail smtp.mailfrom=example.org; dkim=pass header.d=example.org; dmarc=pass header.from=example.org", True),
        (("spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=example.org; dkim=none (message not signed) "
          "header.d=none;dmarc=fail action=quarantine header.from=example.org"), False),
        ("mx.example.net; spf=pass smtp.mailfrom=example.org; dkim=pass header.d=example.org", True),
        ("mx.example.net; spf=pass smtp.mailfrom=example.org; dkim=fail header.d=example.org", False),
        ("mx.example.net; spf=fail smtp.mailfrom=example.org", False),
        ("mx.example.net; spf=pass smtp.mailfrom=example.org; dkim=none", None),
        ("spf=none; dkim=none (message not signed); dmarc=none action=none header.from=example.org", None),
        ("mx.example.net; none", None),
        # Two headers arrive joined: a forged pass does not outweigh the server's fail.
        ("mx.example.net; dmarc=pass header.from=example.org spf=none; dmarc=fail header.from=example.org", False),
        # A comment is not a verdict.
        ("spf=pass (dmarc=fail was not checked) smtp.mailfrom=example.org; dmarc=pass header.from=example.org", True),
    ],
)
def test_sender_authenticated_reads_the_servers_verdict(value: str, authenticated: bool | None) -> None:
    assert sender_authenticated({"authentication-results": value}) is authenticated


def test_no_authentication_results_header_gives_no_verdict() -> None:
    assert sender_authenticated({"ARC-Authentication-Results": "i=1; dmarc=fail", "Subject": "RE: x"}) is None
