"""A Riverside plan whose chasers went out through the fake Outlook, ready for replies to arrive."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from bot.channels.graph import HANDLED_FOLDER, GraphClient
from bot.channels.outlook import OutlookChannel
from bot.db import session_scope
from bot.inbox.poll import InboxReport, poll_inbox
from bot.models import Action, Contact, Event, Message, ProgressUpdate
from bot.outbox import deliver_due
from bot.settings import Settings, load_settings
from bot.sweep import sweep
from tests.factories import small_plan
from tests.fakes.fixtures import graph_client  # noqa: F401
from tests.fakes.microsoft import FakeMicrosoft

# Wednesday 2 December 2026, 10:00 in London (GMT): the chasers go out.
WEDNESDAY = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
# The replies are read the next morning.
THURSDAY = WEDNESDAY + timedelta(days=1)

SAM = "sam.boateng@probation.example.org"
TOM = "tom.okafor@rht.example.org"
GRACE = "grace.lin@riverside.example.gov.uk"


@dataclass
class MailClock:
    """The fake mailbox's clock, kept at the tests' dates: mail arrives after the chasers it answers."""

    now: datetime = WEDNESDAY

    def __call__(self) -> datetime:
        return self.now

    def reach(self, moment: datetime) -> None:
        self.now = max(self.now, moment)


@pytest.fixture
def mail_clock() -> MailClock:
    return MailClock()


@pytest.fixture
def fake_microsoft(mail_clock: MailClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeMicrosoft]:
    with FakeMicrosoft(clock=mail_clock) as fake:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", fake.ca_path)
        monkeypatch.setenv("SSL_CERT_FILE", fake.ca_path)
        yield fake


@dataclass
class Mailroom:
    engine: Engine
    settings: Settings
    fake: FakeMicrosoft
    graph: GraphClient
    clock: MailClock

    def deliver(self, now: datetime = WEDNESDAY) -> None:
        self.clock.reach(now)
        deliver_due(self.engine, {"email": OutlookChannel(self.graph)}, lambda: now, worker="test")

    def poll(self, now: datetime = THURSDAY) -> InboxReport:
        self.clock.reach(now)
        return poll_inbox(self.engine, self.graph, self.settings, now)

    def sent_to(self, address: str, kind_subject: str = "") -> dict[str, Any]:
        matching = [m for m in self.fake.sent
                    if m["toRecipients"][0]["emailAddress"]["address"] == address and kind_subject in m["subject"]]
        assert matching, f"nothing was sent to {address}"
        return matching[-1]

    def action(self, ref: str) -> Action:
        with session_scope(self.engine) as session:
            found = session.exec(select(Action).where(Action.ref == ref)).one()
            session.expunge(found)
            return found

    def updates(self, ref: str | None = None) -> list[ProgressUpdate]:
        with session_scope(self.engine) as session:
            query = select(ProgressUpdate).order_by(col(ProgressUpdate.id))
            if ref is not None:
                query = query.join(Action, col(Action.id) == col(ProgressUpdate.action_id)).where(Action.ref == ref)
            rows = list(session.exec(query).all())
            for row in rows:
                session.expunge(row)
            return rows

    def messages(self, kind: str) -> list[Message]:
        with session_scope(self.engine) as session:
            rows = list(session.exec(select(Message).where(Message.kind == kind).order_by(col(Message.id))).all())
            for row in rows:
                session.expunge(row)
            return rows

    def events(self, kind: str) -> list[Event]:
        with session_scope(self.engine) as session:
            rows = list(session.exec(select(Event).where(Event.kind == kind)).all())
            for row in rows:
                session.expunge(row)
            return rows

    def contact(self, email: str) -> Contact:
        with session_scope(self.engine) as session:
            found = session.exec(select(Contact).where(Contact.email == email)).one()
            session.expunge(found)
            return found

    def inbox(self) -> list[dict[str, Any]]:
        return self.fake.folder_messages("inbox")

    def handled_folder(self) -> list[dict[str, Any]]:
        return self.fake.folder_messages(self.graph.folder_id(HANDLED_FOLDER))


@pytest.fixture
def outlook_settings(fake_microsoft: FakeMicrosoft, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in fake_microsoft.env().items():
        monkeypatch.setenv(name, value)
    return load_settings()


@pytest.fixture
def mailroom(
    engine: Engine, outlook_settings: Settings, fake_microsoft: FakeMicrosoft, graph_client: GraphClient,
    mail_clock: MailClock,
) -> Iterator[Mailroom]:
    """Overdue actions for Probation (Sam, two actions) and the Hospitals Trust (Tom, one), chased by mail."""
    with session_scope(engine) as session:
        small_plan(session, outlook_settings, [
            ("4-1", "Probation Service", date(2026, 11, 2), "not_started"),
            ("4-2", "Probation Service", date(2026, 11, 16), "in_progress"),
            ("5-1", "Riverside Hospitals NHS Trust", date(2026, 11, 9), "not_started"),
        ])
    sweep(engine, outlook_settings, WEDNESDAY)
    room = Mailroom(engine, outlook_settings, fake_microsoft, graph_client, mail_clock)
    room.deliver()
    assert {m["toRecipients"][0]["emailAddress"]["address"] for m in fake_microsoft.sent} == {SAM, TOM}
    yield room


def outlook_reply(body: str, signature: str, original: dict[str, Any]) -> str:
    """A reply as Outlook writes it: the answer, a signature, then the quoted original under a
    From / Sent / To / Subject block (Exchange's uniqueBody does not always drop it)."""
    to = original["toRecipients"][0]["emailAddress"]
    quoted = re.sub(r"<[^>]+>", " ", original["body"]["content"])
    quoted = re.sub(r"[ \t]+", " ", quoted)
    return (
        f"{body}\n\n{signature}\n\n"
        f"From: DHR Chaser <dhr@riverside.example.gov.uk>\n"
        f"Sent: 02 December 2026 10:00\n"
        f"To: {to.get('name', to['address'])} <{to['address']}>\n"
        f"Subject: {original['subject']}\n\n"
        f"{quoted.strip()}\n"
    )
