"""Automatic replies are told by their headers first (RFC 3834, Exchange, delivery reports), then their text."""

from __future__ import annotations

import pytest

from bot.reading.automatic import AutomaticKind, automatic_reply_kind, is_automatic

HUMAN = "Done - the protocol was signed off on Friday."


@pytest.mark.parametrize("value", ["auto-replied", "auto-generated", "auto-notified", "auto-replied; owner-email=x@y"])
def test_auto_submitted_other_than_no_marks_an_automatic_reply(value: str) -> None:
    assert is_automatic({"Auto-Submitted": value}, HUMAN)


def test_auto_submitted_no_is_a_person() -> None:
    assert not is_automatic({"auto-submitted": "no"}, HUMAN)


def test_outlook_x_auto_response_suppress_on_a_human_reply_is_not_automatic() -> None:
    headers = {"X-Auto-Response-Suppress": "All", "Subject": "RE: [DHR-1a2b3c4d] RIV3-2-1 is overdue"}
    assert not is_automatic(headers, HUMAN)
    assert not is_automatic({"X-Auto-Response-Suppress": "DR, RN, NRN, OOF, AutoReply"}, HUMAN)


def test_exchange_inbox_rule_markers_mark_an_automatic_reply() -> None:
    assert is_automatic({"X-MS-Exchange-Inbox-Rules-Loop": "anna@example.org"}, "Your message was forwarded.")
    assert is_automatic({"X-MS-Exchange-Generated-Message-Source": "Mailbox Rules Agent"}, HUMAN)


def test_precedence_and_x_autoreply_mark_an_automatic_reply() -> None:
    assert is_automatic({"Precedence": "auto_reply"}, HUMAN)
    assert is_automatic({"X-Autoreply": "yes"}, HUMAN)
    assert not is_automatic({"Precedence": "normal"}, HUMAN)


def test_a_delivery_report_is_a_delivery_failure_whatever_its_text() -> None:
    headers = {"Content-Type": "multipart/report; report-type=delivery-status; boundary=x"}
    assert automatic_reply_kind(headers, "") is AutomaticKind.DELIVERY_FAILURE
    assert automatic_reply_kind({"From": "Mail Delivery Subsystem <mailer-daemon@example.net>"}, "") is (
        AutomaticKind.DELIVERY_FAILURE
    )
    assert automatic_reply_kind({"Return-Path": "<>"}, "") is AutomaticKind.DELIVERY_FAILURE


def test_a_bounce_is_told_by_its_subject_or_text_without_headers() -> None:
    assert automatic_reply_kind({}, "whatever", "Undeliverable: RIV3-2-1") is AutomaticKind.DELIVERY_FAILURE
    text = "Delivery has failed to these recipients or groups: tom@example.org"
    assert automatic_reply_kind({}, text) is AutomaticKind.DELIVERY_FAILURE


def test_a_header_says_automatic_and_the_text_says_which_kind() -> None:
    kind = automatic_reply_kind({"Auto-Submitted": "auto-replied"}, "I am on annual leave until 8 March.")
    assert kind is AutomaticKind.OUT_OF_OFFICE


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Please note Karen Lowe no longer works for the council. Your email will not be forwarded.",
         AutomaticKind.LEFT),
        ("I work part time and will reply on my next working day.", AutomaticKind.PART_TIME),
        ("Thank you for your email, which has been received and will be dealt with shortly.",
         AutomaticKind.ACKNOWLEDGEMENT),
        ("I'm currently out of the office with no access to email.", AutomaticKind.OUT_OF_OFFICE),
    ],
)
def test_the_opening_of_the_text_names_the_kind_of_automatic_reply(text: str, kind: AutomaticKind) -> None:
    assert automatic_reply_kind(None, text) is kind


@pytest.mark.parametrize(
    "subject",
    ["Automatic reply: RIV3-2-1", "Out of Office: RE: chaser", "Réponse automatique : RIV3",
     "Abwesenheitsnotiz: RIV3-2-1"],
)
def test_out_of_office_subjects_in_several_languages(subject: str) -> None:
    assert is_automatic({"Subject": subject}, "I will read your mail when I am back.")


def test_a_person_who_mentions_past_leave_is_not_automatic() -> None:
    assert not is_automatic({}, "Sorry, I was out of the office last week. This is still in progress.")
    assert not is_automatic({}, "I was on leave last week so sorry for the delay - the action is complete.")
