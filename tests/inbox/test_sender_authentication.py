"""A reply whose From the receiving server could not vouch for is read as from an unknown sender."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.rules.statuses import MessageKind
from tests.inbox.conftest import SAM, THURSDAY, TOM, Mailroom, outlook_reply

# Exchange Online's stamps, for fictional domains.
SPOOFED = {
    "Authentication-Results": "spf=fail (sender IP is 203.0.113.9) smtp.mailfrom=rht.example.org; dkim=none "
    "(message not signed) header.d=none;dmarc=fail action=quarantine header.from=rht.example.org;compauth=fail "
    "reason=000",
}
GENUINE = {
    "Authentication-Results": "spf=pass (sender IP is 198.51.100.20) smtp.mailfrom=rht.example.org; dkim=pass "
    "(signature was verified) header.d=rht.example.org;dmarc=pass action=none header.from=rht.example.org;"
    "compauth=pass reason=100",
}


@pytest.mark.parametrize(
    ("headers", "status", "applied", "refused"),
    [
        (SPOOFED, "not_started", [], ["RIV3-5-1"]),
        (GENUINE, "complete", ["RIV3-5-1"], []),
        ({}, "complete", ["RIV3-5-1"], []),  # mail from inside the tenant often has no such header
    ],
    ids=["dmarc-fail", "dmarc-pass", "no-header"],
)
def test_reply_saying_done_completes_the_action_only_when_the_sender_is_not_shown_to_be_forged(
    mailroom: Mailroom, headers: dict[str, str], status: str, applied: list[str], refused: list[str]
) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, outlook_reply(
        "All done, the guidance was signed off last week.", "Tom", chaser,
    ), headers=headers)

    report = mailroom.poll()

    assert mailroom.action("RIV3-5-1").status == status
    assert (report.applied, report.refused, report.handled) == (applied, refused, 1)
    assert report.unauthenticated == (1 if headers is SPOOFED else 0)
    assert mailroom.messages(MessageKind.CONFIRMATION.value) == []


def test_forged_reply_is_kept_refused_and_logged_without_its_address(
    mailroom: Mailroom, caplog: pytest.LogCaptureFixture
) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, "All done, the guidance is signed off.", headers=SPOOFED)

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
        subject=f"Automatic reply: {chaser['subject']}", headers={"Auto-Submitted": "auto-replied", **SPOOFED},
    )

    report = mailroom.poll()

    assert mailroom.contact(SAM).away_until is None
    assert mailroom.events("contact.away") == []
    assert (report.out_of_office, report.unauthenticated) == (1, 1)


def test_genuine_out_of_office_still_sets_the_contact_away(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(SAM)
    mailroom.fake.deliver_reply(
        chaser, SAM, "I am currently on annual leave and will be back on 14 December 2026.",
        subject=f"Automatic reply: {chaser['subject']}", headers={"Auto-Submitted": "auto-replied", **GENUINE},
    )

    mailroom.poll()

    assert mailroom.contact(SAM).away_until == date(2026, 12, 14)


@pytest.mark.parametrize(("headers", "confirmed"), [(SPOOFED, False), (GENUINE, True)], ids=["dmarc-fail", "dmarc-pass"])
def test_yes_to_a_confirmation_counts_only_from_a_sender_not_shown_to_be_forged(
    mailroom: Mailroom, headers: dict[str, str], confirmed: bool
) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, "The discharge checklist has been implemented on the wards, I believe.")
    mailroom.poll()
    mailroom.deliver(THURSDAY)
    question = mailroom.messages(MessageKind.CONFIRMATION.value)[0]
    asked = mailroom.sent_to(TOM, question.ref_token or "")
    mailroom.fake.deliver_reply(asked, TOM, outlook_reply("Yes, that's right.", "Tom", asked), headers=headers)

    report = mailroom.poll()

    assert [u.confirmed for u in mailroom.updates("RIV3-5-1")] == [confirmed]
    assert mailroom.action("RIV3-5-1").status == ("complete" if confirmed else "not_started")
    assert report.refused == ([] if confirmed else ["RIV3-5-1"])
