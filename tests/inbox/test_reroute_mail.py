""""Not ours / new lead" by mail: the reply becomes a coordinator task, never a change; the coordinators are
told by mail (their route), and accepting re-routes the action through the audited correction."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.contacts import person_for
from bot.db import session_scope
from bot.models import Agency, Contact, RerouteTask
from bot.reroute import accept_reroute
from bot.rules.statuses import MessageKind
from bot.updates import UpdateRefused
from tests.inbox.conftest import THURSDAY, TOM, Mailroom, outlook_reply

MORGAN = "morgan.blake@riverside.example.gov.uk"


def _tasks(mailroom: Mailroom) -> list[RerouteTask]:
    with session_scope(mailroom.engine) as session:
        return list(session.exec(select(RerouteTask)).all())


def test_a_mailed_not_ours_becomes_a_task_the_coordinator_is_mailed_and_accepting_re_routes(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, outlook_reply(
        "Hi Morgan,\n\nI'm afraid this one is not ours, that's the housing team now.", "Tom", chaser,
    ), from_name="Tom Okafor")

    report = mailroom.poll()

    assert report.rerouted == ["RIV3-5-1"] and report.applied == [] and report.confirmations_queued == 0
    action = mailroom.action("RIV3-5-1")
    assert action.status == "not_started"
    [update] = mailroom.updates("RIV3-5-1")
    assert (update.status, update.confirmed, update.refused) == ("redirect", False, False)
    [task] = _tasks(mailroom)
    with session_scope(mailroom.engine) as session:
        housing = session.exec(select(Agency).where(Agency.name == "Riverside Council Housing")).one()
        trust = session.exec(select(Agency).where(Agency.name == "Riverside Hospitals NHS Trust")).one()
    assert (task.state, task.agency_id, task.named) == ("open", housing.id, "the housing team")

    [told] = mailroom.messages(MessageKind.REROUTE.value)
    assert (told.channel, told.recipient_address) == ("email", MORGAN)
    mailroom.deliver(THURSDAY)
    mail = mailroom.sent_to(MORGAN, "RIV3-5-1")
    assert "re-route to Riverside Council Housing?" in mail["subject"]
    assert "not ours, that" in mail["body"]["content"] and "Riverside Council Housing" in mail["body"]["content"]

    # The coordinator answering that mail is not a progress report on the action: it is left for a person.
    mailroom.fake.deliver_reply(mail, MORGAN, "Thanks, all done, I'll sort it.")
    later = mailroom.poll(THURSDAY)
    assert later.unmatched == 1 and mailroom.action("RIV3-5-1").status == "not_started"

    with session_scope(mailroom.engine) as session:
        tom = session.exec(select(Contact).where(Contact.email == TOM)).one()
        morgan = session.exec(select(Contact).where(Contact.email == MORGAN)).one()
        with pytest.raises(UpdateRefused, match="coordinator"):
            accept_reroute(session, task.id or 0, person=person_for(tom, mailroom.settings), actor="mail:tom",
                           now=THURSDAY)
        accept_reroute(session, task.id or 0, person=person_for(morgan, mailroom.settings),
                       actor=f"contact:{morgan.id}", now=THURSDAY)
    action = mailroom.action("RIV3-5-1")
    assert action.lead_agency_id == housing.id and action.lead_agency_id != trust.id
    [corrected] = mailroom.events("action.corrected")
    assert corrected.actor == f"contact:{morgan.id}"
    assert [e.actor for e in mailroom.events("reroute.accepted")] == [f"contact:{morgan.id}"]


def test_a_not_ours_in_mail_that_failed_sender_authentication_opens_no_task(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, outlook_reply("Not ours, that's the CCG.", "Tom", chaser),
                                authentication="fail")
    report = mailroom.poll()
    assert report.rerouted == [] and report.refused == ["RIV3-5-1"]
    assert _tasks(mailroom) == [] and mailroom.messages(MessageKind.REROUTE.value) == []
    assert mailroom.events("reroute.opened") == []


def test_an_automatic_reply_naming_a_successor_opens_the_same_task_and_changes_nothing(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(
        chaser, TOM,
        "Tom Okafor no longer works for the trust. Please send any correspondence about DHR actions to Grace Lin.",
        subject=f"Automatic reply: {chaser['subject']}", headers={"Auto-Submitted": "auto-replied"},
    )

    report = mailroom.poll()

    assert report.rerouted == ["RIV3-5-1"] and report.applied == [] and report.confirmations_queued == 0
    assert mailroom.action("RIV3-5-1").status == "not_started"
    [update] = mailroom.updates("RIV3-5-1")
    assert (update.status, update.confirmed, update.refused) == ("redirect", False, False)
    [task] = _tasks(mailroom)
    with session_scope(mailroom.engine) as session:
        grace = session.exec(select(Contact).where(Contact.name == "Grace Lin")).one()
    assert (task.state, task.named, task.contact_id) == ("open", "Grace Lin", grace.id)
    [told] = mailroom.messages(MessageKind.REROUTE.value)
    assert (told.channel, told.recipient_address) == ("email", MORGAN)


def test_an_out_of_office_naming_someone_for_urgent_matters_opens_no_task(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(
        chaser, TOM, "I am on annual leave until 20 December. For urgent DHR matters please contact Grace Lin.",
        subject=f"Automatic reply: {chaser['subject']}", headers={"Auto-Submitted": "auto-replied"},
    )

    report = mailroom.poll()

    assert report.rerouted == [] and report.out_of_office == 1
    assert mailroom.updates("RIV3-5-1") == [] and _tasks(mailroom) == []
