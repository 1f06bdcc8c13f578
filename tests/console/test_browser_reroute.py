"""The Review queue's "not ours / new lead" tasks and held-mail notices in Chromium: accessible, and one click
re-routes (same harness as test_browser.py: fake Microsoft sign-in, axe-core, screenshots)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.answers import author_for, permit_and_record
from bot.db import session_scope
from bot.inbox.quarantine import HELD_EVENT
from bot.models import Action, Contact, Event, RerouteTask
from bot.rules.statuses import ReadStatus, UpdateSource
from bot.settings import load_settings
from bot.updates import Proposed
from tests.console.conftest import NOW
from tests.console.test_browser import By, Live, browser, live, pytestmark, screens  # noqa: F401


def _tasks(live: Live) -> list[int]:
    """Two "not ours" replies from Priya (one naming Housing, one naming nobody) and one held mail."""
    settings = load_settings()
    ids = []
    with session_scope(live.engine) as session:
        priya = session.get(Contact, live.plan.contacts["Priya Shah"])
        for ref, said, named in (("RIV3-1-1", "Not ours, that's the housing team.", "the housing team"),
                                 ("RIV3-1-2", "Wrong person, sorry.", None)):
            action = session.exec(select(Action).where(Action.ref == ref)).one()
            update = permit_and_record(
                session, action, Proposed(ReadStatus.REDIRECT, raw_text=said, confidence=0.7, redirect_to=named),
                settings=settings, author=author_for(settings, priya, "slack:U0PRIYA"),
                source=UpdateSource.SLACK_REPLY, now=NOW - timedelta(hours=1), keep_refused=True)
            assert update is not None
            ids.append(session.exec(select(RerouteTask.id).where(RerouteTask.update_id == update.id)).one())
        session.add(Event(at=NOW, actor="inbox", kind=HELD_EVENT, entity="message", entity_id=None,
                          data={"mail": "<held@example.org>", "reason": "sender not authenticated",
                                "detail": "dmarc fail"}))
    return [i for i in ids if i is not None]


def test_coordinator_re_routes_a_not_ours_task_from_the_queue(live: Live) -> None:
    suggested, _ = _tasks(live)
    live.sign_in("morgan.blake@riverside.example.gov.uk")
    live.open("/queue")
    assert "Re-route to Riverside Council Housing" in live.driver.page_source
    assert "Mail held: sender not authenticated" in live.driver.page_source
    live.check_page("queue-tasks")
    live.click_and_wait(By.ID, f"reroute-{suggested}")
    assert "RIV3-1-1 re-routed" in live.driver.page_source
    with Session(live.engine) as session:
        action = session.exec(select(Action).where(Action.ref == "RIV3-1-1")).one()
        assert action.lead_agency_id == live.plan.agencies["Riverside Council Housing"]
        corrected = session.exec(select(Event).where(Event.kind == "action.corrected")).one()
        assert corrected.actor == f"contact:{live.plan.contacts['Morgan Blake']}"
