"""Replies to chasers arrive in the fake Outlook Inbox; one poll records them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.channels.base import DeliveryError
from bot.db import session_scope
from bot.inbox.poll import INBOX_CURSOR
from bot.models import Cursor
from bot.rules.statuses import MessageKind, MessageState
from tests.inbox.conftest import GRACE, SAM, THURSDAY, TOM, WEDNESDAY, Mailroom, outlook_reply

TOM_SIGNATURE = (
    "Kind regards\nTom Okafor\nNamed Nurse for Safeguarding Adults\nRiverside Hospitals NHS Trust\nTel: 01632 960 441"
)
SAM_SIGNATURE = "Best wishes\nSam\n\nSam Boateng | Senior Probation Officer\nProbation Service"


def test_reply_saying_done_completes_the_action_with_its_evidence_and_files_the_mail(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    reply = mailroom.fake.deliver_reply(chaser, TOM, outlook_reply(
        "Hi Morgan,\n\nThis is now complete. The revised safeguarding supervision guidance was signed off at the "
        "Trust quality committee on 24 November and has gone out to all ward managers. The minutes are attached.",
        TOM_SIGNATURE, chaser,
    ), attachments=("quality-committee-minutes-nov.pdf",), from_name="Tom Okafor")

    report = mailroom.poll()

    action = mailroom.action("RIV3-5-1")
    assert action.status == "complete"
    [update] = mailroom.updates("RIV3-5-1")
    assert (update.source, update.status, update.confirmed) == ("mail_reply", "complete", True)
    assert "signed off at the Trust quality committee" in (update.evidence or "")
    assert "quality-committee-minutes-nov.pdf" in (update.evidence or "")
    assert "From: DHR Chaser" not in (update.raw_text or "") and "Tel: 01632" not in (update.raw_text or "")
    assert update.source_message_id == reply["internetMessageId"]
    [sent_chaser] = [m for m in mailroom.messages("chaser") if m.recipient_address == TOM]
    assert update.in_reply_to_message_id == sent_chaser.id
    assert report.applied == ["RIV3-5-1"] and report.handled == 1
    assert mailroom.inbox() == []
    [filed] = mailroom.handled_folder()
    assert filed["internetMessageId"] == reply["internetMessageId"] and filed["isRead"] is True


def test_reply_naming_two_refs_updates_each_action_by_its_own_line(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(SAM)
    mailroom.fake.deliver_reply(chaser, SAM, outlook_reply(
        "Hello,\n\nRIV3-4-1: complete, the new risk assessment checklist went live on 20 November.\n"
        "RIV3-4-2: still in progress, the training sessions for offender managers are booked through January.",
        SAM_SIGNATURE, chaser,
    ))

    report = mailroom.poll()

    assert mailroom.action("RIV3-4-1").status == "complete"
    assert mailroom.action("RIV3-4-2").status == "in_progress"
    assert [u.status for u in mailroom.updates("RIV3-4-2")] == ["in_progress"]
    assert "training sessions" in (mailroom.updates("RIV3-4-2")[0].evidence or "")
    assert sorted(report.applied) == ["RIV3-4-1", "RIV3-4-2"]


def test_extension_request_with_a_date_moves_the_due_date(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, outlook_reply(
        "Hi,\n\nSorry for the slow reply. We need more time on this one as the pathway has to go to our "
        "governance meeting first. Can we move it to 29 January 2027?",
        "Thanks\nTom", chaser,
    ))

    mailroom.poll()

    action = mailroom.action("RIV3-5-1")
    assert action.due == date(2027, 1, 29)
    assert action.status == "in_progress"
    assert [u.status for u in mailroom.updates("RIV3-5-1")] == ["extension_requested"]


def test_out_of_office_sets_the_contact_away_and_records_no_update(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(SAM)
    mailroom.fake.deliver_reply(
        chaser, SAM,
        "Thank you for your email. I am currently on annual leave and will be back on 14 December 2026. "
        "For urgent probation matters please contact the duty officer on 01632 960 000.",
        subject=f"Automatic reply: {chaser['subject']}",
        headers={"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"},
    )

    report = mailroom.poll()

    assert mailroom.contact(SAM).away_until == date(2026, 12, 14)
    assert mailroom.updates() == []
    assert mailroom.action("RIV3-4-1").status == "not_started"
    assert report.out_of_office == 1 and mailroom.inbox() == []


def test_unsure_reply_waits_for_the_sender_to_say_yes_before_it_changes_the_action(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, outlook_reply(
        "Hi,\n\nThe new discharge checklist has been implemented on the wards, I believe.", "Tom", chaser,
    ))

    first = mailroom.poll()

    [pending] = mailroom.updates("RIV3-5-1")
    assert (pending.status, pending.confirmed) == ("complete", False)
    assert mailroom.action("RIV3-5-1").status == "not_started"
    assert first.awaiting_confirmation == ["RIV3-5-1"] and first.confirmations_queued == 1
    [question] = mailroom.messages(MessageKind.CONFIRMATION.value)
    assert question.recipient_address == TOM and question.channel == "email"
    assert f"[{question.ref_token}]" in (question.subject or "")
    assert "RIV3-5-1" in (question.body_text or "")

    mailroom.deliver(THURSDAY)
    asked = mailroom.sent_to(TOM, question.ref_token or "")
    assert mailroom.messages(MessageKind.CONFIRMATION.value)[0].state == MessageState.SENT.value
    mailroom.fake.deliver_reply(asked, TOM, outlook_reply("Yes, that's right.", "Tom", asked))

    second = mailroom.poll()

    assert second.confirmed == ["RIV3-5-1"]
    assert mailroom.action("RIV3-5-1").status == "complete"
    assert [u.confirmed for u in mailroom.updates("RIV3-5-1")] == [True]


def test_no_to_a_confirmation_rejects_the_reading_and_reads_the_correction(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, "The discharge checklist has been implemented on the wards, I believe.")
    mailroom.poll()
    mailroom.deliver(THURSDAY)
    question = mailroom.messages(MessageKind.CONFIRMATION.value)[0]
    asked = mailroom.sent_to(TOM, question.ref_token or "")
    mailroom.fake.deliver_reply(asked, TOM, outlook_reply(
        "No, it is still in progress, we are waiting on the final sign-off.", "Tom", asked,
    ))

    report = mailroom.poll()

    assert report.rejected == ["RIV3-5-1"]
    assert mailroom.events("update.rejected")
    assert [(u.status, u.confirmed) for u in mailroom.updates("RIV3-5-1")] == [
        ("complete", False), ("in_progress", True),
    ]
    assert mailroom.action("RIV3-5-1").status == "in_progress"



def test_reply_saying_there_is_no_update_yet_is_kept_without_asking_or_changing_anything(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, outlook_reply(
        "No update yet, sorry, the ward leads haven't come back to me.", "Tom", chaser,
    ))

    report = mailroom.poll()

    assert [(u.status, u.confirmed) for u in mailroom.updates("RIV3-5-1")] == [("no_response", False)]
    assert mailroom.action("RIV3-5-1").status == "not_started"
    assert mailroom.messages(MessageKind.CONFIRMATION.value) == []
    assert (report.handled, report.applied, report.awaiting_confirmation) == (1, [], [])

@pytest.mark.parametrize(
    "sender", ["d.walker@consultancy.example.com", GRACE], ids=["stranger", "lead-of-another-agency"]
)
def test_reply_from_someone_who_may_not_change_the_action_changes_nothing(mailroom: Mailroom, sender: str) -> None:
    chaser = mailroom.sent_to(SAM)
    mailroom.fake.deliver_reply(chaser, sender, "Both of these are complete now.")

    report = mailroom.poll()

    assert mailroom.action("RIV3-4-1").status == "not_started"
    assert mailroom.action("RIV3-4-2").status == "in_progress"
    assert {(u.status, u.confirmed) for u in mailroom.updates()} == {("complete", False)}
    assert sorted(report.refused) == ["RIV3-4-1", "RIV3-4-2"]
    assert len(mailroom.events("update.refused")) == 2
    assert mailroom.messages(MessageKind.CONFIRMATION.value) == []


def test_second_poll_records_nothing_twice(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, "All done, the guidance is signed off.")
    mailroom.poll()

    again = mailroom.poll()
    mailroom.fake.expire_delta_links()
    after_resync = mailroom.poll()

    assert len(mailroom.updates()) == 1
    assert again.seen == 0 and after_resync.handled == 0


def test_crash_before_filing_loses_nothing_and_the_next_poll_records_nothing_twice(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    reply = mailroom.fake.deliver_reply(chaser, TOM, "All done, the guidance is signed off.")
    mailroom.fake.fail_next("move", status=503)

    with pytest.raises(DeliveryError):
        mailroom.poll()

    assert len(mailroom.updates()) == 1  # recorded before the crash
    with session_scope(mailroom.engine) as session:
        assert session.get(Cursor, INBOX_CURSOR) is None  # so the next poll sees the mail again

    report = mailroom.poll()

    assert report.already_handled == 1 and report.applied == []
    assert len(mailroom.updates()) == 1
    assert [m["internetMessageId"] for m in mailroom.handled_folder()] == [reply["internetMessageId"]]


def test_subject_token_matches_a_reply_that_lost_its_headers(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    # A forward-and-reply from a webmail client: new conversation, no In-Reply-To, the subject kept.
    mailroom.fake.deliver_mail(TOM, f"RE: {chaser['subject']}", "All done, the guidance is signed off.")

    report = mailroom.poll()

    assert report.handled == 1
    assert mailroom.action("RIV3-5-1").status == "complete"


def test_mail_that_answers_nothing_of_ours_is_left_unread_in_the_inbox(mailroom: Mailroom) -> None:
    stray = mailroom.fake.deliver_mail(SAM, "Team training dates", "Could you share the dates for the next session?")

    report = mailroom.poll()

    assert report.unmatched == 1 and report.handled == 0
    assert mailroom.updates() == []
    [left] = mailroom.inbox()
    assert left["internetMessageId"] == stray["internetMessageId"] and left["isRead"] is False



def test_out_of_office_seen_again_after_a_crash_is_only_filed(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(SAM)
    mailroom.fake.deliver_reply(
        chaser, SAM, "I am currently on annual leave and will be back on 14 December 2026.",
        subject=f"Automatic reply: {chaser['subject']}", headers={"Auto-Submitted": "auto-replied"},
    )
    mailroom.fake.fail_next("move", status=503)
    with pytest.raises(DeliveryError):
        mailroom.poll()

    report = mailroom.poll()

    assert (report.already_handled, report.out_of_office) == (1, 0)
    assert len(mailroom.events("contact.away")) == 1
    assert mailroom.inbox() == [] and len(mailroom.handled_folder()) == 1


def test_yes_after_no_to_the_same_confirmation_leaves_the_action_unchanged(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, "The discharge checklist has been implemented on the wards, I believe.")
    mailroom.poll()
    mailroom.deliver(THURSDAY)
    question = mailroom.messages(MessageKind.CONFIRMATION.value)[0]
    asked = mailroom.sent_to(TOM, question.ref_token or "")
    mailroom.fake.deliver_reply(asked, TOM, "No.")
    mailroom.poll()
    mailroom.fake.deliver_reply(asked, TOM, outlook_reply("Yes, that's right.", "Tom", asked))

    report = mailroom.poll()

    assert report.confirmed == [] and report.handled == 1
    assert mailroom.action("RIV3-5-1").status == "not_started"
    assert [(u.status, u.confirmed, u.rejected) for u in mailroom.updates("RIV3-5-1")] == [("complete", False, True)]
    assert mailroom.events("update.confirmed") == []


def test_confirmation_goes_as_a_reply_that_threads_under_the_mail_it_asks_about(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    reply = mailroom.fake.deliver_reply(chaser, TOM, outlook_reply(
        "Hi,\n\nThe new discharge checklist has been implemented on the wards, I believe.", "Tom", chaser,
    ))
    mailroom.poll()

    mailroom.deliver(THURSDAY)

    [question] = mailroom.messages(MessageKind.CONFIRMATION.value)
    asked = mailroom.sent_to(TOM, question.ref_token or "")
    assert [c.operation for c in mailroom.fake.graph_calls("create_reply")] == ["create_reply"]
    assert asked["conversationId"] == reply["conversationId"]
    headers = {h["name"]: h["value"] for h in asked["internetMessageHeaders"]}
    assert headers["In-Reply-To"] == reply["internetMessageId"]
    assert asked["body"] == {"contentType": "html", "content": question.body_html}  # no quoted history
    assert question.state == MessageState.SENT.value


def test_first_poll_skips_mail_older_than_the_first_chaser_without_reading_it(mailroom: Mailroom) -> None:
    mailroom.clock.now = WEDNESDAY - timedelta(days=30)
    mailroom.fake.deliver_mail(SAM, "Old thread", "Something from last month.", {}, [])
    mailroom.clock.now = WEDNESDAY + timedelta(hours=2)
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, "All done, the guidance is signed off.")

    report = mailroom.poll()

    assert report.seen == 1 and report.handled == 1
    assert len(mailroom.fake.graph_calls("get_message")) == 1
    [delta] = mailroom.fake.graph_calls("delta")
    assert delta.query["$filter"].startswith("receivedDateTime ge 2026-12-02T10:00:00")


def test_a_resync_after_an_expired_delta_link_also_skips_the_old_mail(mailroom: Mailroom) -> None:
    mailroom.clock.now = WEDNESDAY - timedelta(days=30)
    mailroom.fake.deliver_mail(SAM, "Old thread", "Something from last month.", {}, [])
    mailroom.clock.now = WEDNESDAY
    mailroom.poll()
    mailroom.fake.expire_delta_links()

    report = mailroom.poll(THURSDAY + timedelta(hours=1))

    assert report.seen == 0 and mailroom.fake.graph_calls("get_message") == []
