"""Held mail, capped away dates and quarantined mail reach the console's Review queue, where a coordinator
accepts held mail as genuine (its readings then go through the normal permit step), rejects it, or marks a
notice as seen."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlmodel import Session, select

from bot.console.auth import OneTimeLinks
from bot.console.options import ConsoleOptions
from bot.console.web import create_console
from bot.inbox.quarantine import quarantine_mail
from bot.models import Contact, Partnership
from tests.inbox.conftest import SAM, THURSDAY, TOM, Mailroom, outlook_reply

MORGAN = "morgan.blake@riverside.example.gov.uk"


def _console(mailroom: Mailroom, email: str = MORGAN) -> FlaskClient:
    links = OneTimeLinks()
    with Session(mailroom.engine) as session:
        partnership = session.exec(select(Partnership.id)).one()
        person = session.exec(select(Contact.id).where(Contact.email == email)).one()
    assert partnership is not None and person is not None
    app = create_console(mailroom.engine, ConsoleOptions(partnership, links=links, clock=lambda: THURSDAY,
                                                         settings=mailroom.settings))
    client = app.test_client()
    assert client.get(f"/sign-in/{links.issue(person)}").status_code == 302
    return client


def _decide(client: FlaskClient, event_id: int, decision: str) -> str:
    page = client.get("/queue").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    answer = client.post(f"/queue/notices/{event_id}", data={"csrf_token": token.group(1), "decision": decision})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    return str(answer.headers["Location"])


def test_held_mail_is_listed_and_accepting_it_as_genuine_applies_its_reading(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, outlook_reply("All done, the guidance was signed off last week.",
                                                           "Tom", chaser), authentication="fail")
    mailroom.poll()
    [held] = mailroom.events("mail.held")
    assert mailroom.action("RIV3-5-1").status == "not_started"
    client = _console(mailroom)
    page = client.get("/queue").get_data(as_text=True)
    assert "Mail held: sender not authenticated" in page and TOM in page and "read as complete" in page

    assert "applied" in _decide(client, held.id or 0, "accept")

    assert mailroom.action("RIV3-5-1").status == "complete"
    [update] = mailroom.updates("RIV3-5-1")
    assert (update.refused, update.confirmed) == (False, True)
    morgan = f"contact:{mailroom.contact(MORGAN).id}"
    assert [e.actor for e in mailroom.events("update.released")] == [morgan]
    assert [e.actor for e in mailroom.events("update.confirmed")] == [morgan]
    assert "Mail held" not in client.get("/queue").get_data(as_text=True)


def test_held_mail_that_needs_a_question_waits_among_the_readings_and_rejecting_changes_nothing(
    mailroom: Mailroom,
) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, "The checklist has been implemented on the wards, I believe.",
                                authentication="fail")
    mailroom.fake.deliver_reply(mailroom.sent_to(SAM), SAM, "RIV3-4-1 complete", authentication="none")
    mailroom.poll()
    tom_held, sam_held = sorted(mailroom.events("mail.held"), key=lambda e: e.id or 0)
    client = _console(mailroom)

    _decide(client, tom_held.id or 0, "accept")
    [unsure] = mailroom.updates("RIV3-5-1")
    assert (unsure.refused, unsure.confirmed) == (False, False)  # a hedged completion is asked, not applied
    assert mailroom.action("RIV3-5-1").status == "not_started"
    assert f'action="/queue/readings/{unsure.id}"' in client.get("/queue").get_data(as_text=True)

    _decide(client, sam_held.id or 0, "reject")
    [kept] = mailroom.updates("RIV3-4-1")
    assert (kept.refused, kept.confirmed) == (True, False)
    assert mailroom.action("RIV3-4-1").status == "not_started"
    assert [e.data["decision"] for e in mailroom.events("review.settled")] == ["accepted as genuine", "rejected"]


def test_capped_away_dates_and_quarantined_mail_are_listed_until_seen(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(SAM)
    mailroom.fake.deliver_reply(
        chaser, SAM, "I am currently on annual leave and will be back on 1 January 2099.",
        subject=f"Automatic reply: {chaser['subject']}", headers={"Auto-Submitted": "auto-replied"},
    )
    mailroom.poll()
    quarantine_mail(mailroom.engine, "<broken@example.org>", ValueError("quoted text"), THURSDAY)
    client = _console(mailroom)
    page = client.get("/queue").get_data(as_text=True)
    assert "Away date capped" in page and "1 Jan 2099" in page and "2 Jan 2027" in page and "Sam Boateng" in page
    assert "Mail quarantined" in page and "ValueError" in page and "quoted text" not in page
    [capped] = mailroom.events("contact.away_capped")
    [quarantined] = mailroom.events("mail.quarantined")
    _decide(client, capped.id or 0, "dismiss")
    _decide(client, quarantined.id or 0, "dismiss")
    page = client.get("/queue").get_data(as_text=True)
    assert "Away date capped" not in page and "Mail quarantined" not in page
    answer = client.post(f"/queue/notices/{capped.id}", data={
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),  # type: ignore[union-attr]
        "decision": "dismiss"})
    assert answer.status_code == 400  # settled once


def test_only_a_coordinator_may_accept_held_mail(mailroom: Mailroom) -> None:
    chaser = mailroom.sent_to(TOM)
    mailroom.fake.deliver_reply(chaser, TOM, "All done.", authentication="fail")
    mailroom.poll()
    [held] = mailroom.events("mail.held")
    lead = _console(mailroom, TOM)
    page = lead.get(f"/actions/{mailroom.action('RIV3-5-1').id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    answer = lead.post(f"/queue/notices/{held.id}", data={"csrf_token": token.group(1), "decision": "accept"})
    assert answer.status_code == 403
    assert mailroom.action("RIV3-5-1").status == "not_started"
