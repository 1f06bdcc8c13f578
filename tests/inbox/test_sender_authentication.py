"""A reply whose From our own receiving server did not vouch for is held: read as from an unknown sender.

The fake Outlook stamps each arriving mail as Exchange Online does (`authentication=`); what a
test passes in `headers` is what the sender wrote, below those stamps.
"""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.rules.statuses import MessageKind
from tests.inbox.conftest import SAM, THURSDAY, TOM, Mailroom, outlook_reply

# What a forger writes above their own mail, hoping it is believed.
FORGED_PASS = {
    "Authentication-Results": "spf=pass smtp.mailfrom=rht.example.org; dkim=pass header.d=rht.example.org;"
    "dmarc=pass action=none header.from=rht.example.org;compauth=pass reason=100",
}


@pytest.mark.parametrize(
    ("authentication", "headers", "status", "applied", "refused"),
    [
        ("fail", {}, "not_started", [], ["RIV3-5-1"]),
        ("pass", {}, "complete", ["RIV3-5-1"], []),
        # No SPF, DKIM or DMARC at all: nothing vouches for the From, so nothing is applied.
        ("none", {}, "not_started", [], ["RIV3-5-1"]),
        # The sender's own "dmarc=pass" sits below Exchange's verdict and is not read.
        ("none", FORGED_PASS, "not_started", [], ["RIV3-5-1"]),
        ("fail", FORGED_PASS, "not_started", [], ["RIV3-5-1"]),
        # A forged "AuthAs: Internal" is stripped by Exchange's header firewall before it arrives.
        ("none", {"X-MS-Exchange-Organization-AuthAs": "Internal"}, "not_started", [], ["RIV3-5-1"]),
        # Sent from inside the tenant: no DMARC verdict, but Exchange's own Internal stamp.
        ("internal", {}, "complete", ["RIV3-5-1"], []),
    ],
    ids=["dmarc-fail", "dmarc-pass", "no-verdict", "forged-pass-header", "forged-pass-over-fail",
         "forged-internal", "internal"],
)
def test_reply_saying_done_completes_the_action_only_when_our_server_vouched_for_the_sender(
    mailroom: Mailroom, authentication: str, headers: dict[str, str], status: str, applied: list[str],
    refused: list[str],
) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, outlook_reply(
        "All done, the guidance was signed off last week.", "Tom", chaser,
    ), headers=headers, authentication=authentication)

    report = mailroom.poll()

    assert mailroom.action("RIV3-5-1").status == status
    assert (report.applied, report.refused, report.handled) == (applied, refused, 1)
    assert report.unauthenticated == (0 if applied else 1)
    assert mailroom.messages(MessageKind.CONFIRMATION.value) == []


def test_unauthenticated_reply_is_held_for_a_coordinator_with_its_reason(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, "All done.", headers=FORGED_PASS, authentication="none")

    mailroom.poll()

    [held] = mailroom.events("mail.held")
    assert held.data["reason"] == "sender not authenticated"
    [update] = mailroom.updates("RIV3-5-1")
    assert (update.confirmed, update.refused) == (False, True)


def test_forged_reply_is_kept_refused_and_logged_without_its_address(
    mailroom: Mailroom, caplog: pytest.LogCaptureFixture
) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, "All done, the guidance is signed off.", authentication="fail")

    with caplog.at_level(logging.DEBUG):
        mailroom.poll()

    [update] = mailroom.updates("RIV3-5-1")
    assert (update.status, update.confirmed, update.refused) == ("complete", False, True)
    assert update.author_contact_id is None
    assert "1 unauthenticated" in caplog.text
    assert TOM not in caplog.text and "rht.example.org" not in caplog.text


def test_forged_out_of_office_sets_nobody_away(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(SAM)
    mailroom.fake.deliver_reply(
        chaser, SAM, "I am currently on annual leave and will be back on 14 December 2026.",
        subject=f"Automatic reply: {chaser['subject']}", headers={"Auto-Submitted": "auto-replied", **FORGED_PASS},
        authentication="none",
    )

    report = mailroom.poll()

    assert mailroom.contact(SAM).away_until is None
    assert mailroom.events("contact.away") == []
    assert (report.out_of_office, report.unauthenticated) == (1, 1)


def test_genuine_out_of_office_still_sets_the_contact_away(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(SAM)
    mailroom.fake.deliver_reply(
        chaser, SAM, "I am currently on annual leave and will be back on 14 December 2026.",
        subject=f"Automatic reply: {chaser['subject']}", headers={"Auto-Submitted": "auto-replied"},
    )

    mailroom.poll()

    assert mailroom.contact(SAM).away_until == date(2026, 12, 14)


@pytest.mark.parametrize(("authentication", "confirmed"), [("fail", False), ("none", False), ("pass", True)],
                         ids=["dmarc-fail", "no-verdict", "dmarc-pass"])
def test_yes_to_a_confirmation_counts_only_from_a_vouched_for_sender(
    mailroom: Mailroom, authentication: str, confirmed: bool
) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, "The discharge checklist has been implemented on the wards, I believe.")
    mailroom.poll()
    mailroom.deliver(THURSDAY)
    question = mailroom.messages(MessageKind.CONFIRMATION.value)[0]
    asked = mailroom.sent_to(TOM, question.ref_token or "")
    mailroom.fake.deliver_reply(asked, TOM, outlook_reply("Yes, that's right.", "Tom", asked),
                                authentication=authentication)

    report = mailroom.poll()

    assert [u.confirmed for u in mailroom.updates("RIV3-5-1")] == [confirmed]
    assert mailroom.action("RIV3-5-1").status == ("complete" if confirmed else "not_started")
    assert report.refused == ([] if confirmed else ["RIV3-5-1"])


def test_out_of_office_far_ahead_holds_chasing_only_for_the_capped_days(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(SAM)
    mailroom.fake.deliver_reply(
        chaser, SAM, "I am currently on annual leave and will be back on 1 January 2099.",
        subject=f"Automatic reply: {chaser['subject']}", headers={"Auto-Submitted": "auto-replied"},
    )

    mailroom.poll()

    # Read on Thursday 3 December 2026; the default cap is 30 days.
    assert mailroom.contact(SAM).away_until == date(2027, 1, 2)
    [capped] = mailroom.events("contact.away_capped")
    assert capped.data == {"said": "2099-01-01", "until": "2027-01-02"}


def test_a_leads_new_date_far_beyond_the_limit_is_kept_for_a_coordinator(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    before = mailroom.action("RIV3-5-1").due
    mailroom.fake.deliver_reply(chaser, TOM, "RIV3-5-1: we need more time, the new target date is 31 December 2099.")

    report = mailroom.poll()

    assert mailroom.action("RIV3-5-1").due == before
    assert report.refused == ["RIV3-5-1"] and report.applied == []
