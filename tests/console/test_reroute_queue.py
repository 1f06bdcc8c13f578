"""The Review queue's "not ours / new lead" tasks: listed for coordinators, settled with one click, audited with who."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from bot.answers import author_for, permit_and_record
from bot.db import session_scope
from bot.models import Action, Contact, Event, ProgressUpdate, RerouteTask
from bot.rules.statuses import ReadStatus, UpdateSource
from bot.settings import load_settings
from bot.updates import Proposed
from tests.console.conftest import NOW, Desk
from tests.console.test_pages import csrf_of


def _not_ours(desk: Desk, said: str, named: str | None) -> int:
    """Priya (Riverside Police) answers RIV3-1-1 through the one reply flow; returns the task's id."""
    settings = load_settings()
    with session_scope(desk.engine) as session:
        action = session.get(Action, desk.plan.actions["RIV3-1-1"])
        priya = session.get(Contact, desk.plan.contacts["Priya Shah"])
        assert action is not None and priya is not None
        update = permit_and_record(
            session, action, Proposed(ReadStatus.REDIRECT, raw_text=said, confidence=0.7, redirect_to=named),
            settings=settings, author=author_for(settings, priya, "mail:priya"), source=UpdateSource.MAIL_REPLY,
            now=NOW - timedelta(hours=2), keep_refused=True,
        )
        assert update is not None and not update.confirmed
        task = session.exec(select(RerouteTask).where(RerouteTask.update_id == update.id)).one()
        assert task.id is not None
        return task.id


def test_a_task_is_listed_with_its_suggestion_and_one_click_re_routes_it(desk: Desk) -> None:
    task_id = _not_ours(desk, "Not ours I'm afraid, that's the housing team.", "the housing team")
    client = desk.client_for("Morgan Blake")
    page = client.get("/queue").get_data(as_text=True)
    assert "Not ours I&#39;m afraid, that&#39;s the housing team." in page
    assert "Re-route to Riverside Council Housing" in page and "Priya Shah" in page
    # The redirect reading is the task, not a second row among the readings (only the seeded one is there).
    assert page.count('action="/queue/readings/') == 1 and f'action="/queue/readings/{desk.reading_id}"' in page

    answer = client.post(f"/queue/reroutes/{task_id}", data={"csrf_token": csrf_of(client, "/queue"),
                                                             "decision": "accept"})

    assert answer.status_code == 302 and "re-routed" in answer.headers["Location"]
    morgan = f"contact:{desk.plan.contacts['Morgan Blake']}"
    with Session(desk.engine) as session:
        action = session.get(Action, desk.plan.actions["RIV3-1-1"])
        assert action is not None and action.lead_agency_id == desk.plan.agencies["Riverside Council Housing"]
        assert action.status == "in_progress"
        corrected = session.exec(select(Event).where(Event.kind == "action.corrected")).one()
        task = session.get(RerouteTask, task_id)
        assert corrected.actor == morgan and task is not None and (task.state, task.decided_by) == ("accepted", morgan)
    assert "None: no lead has said an action is not theirs" in client.get("/queue").get_data(as_text=True)


def test_with_nobody_named_the_coordinator_chooses_and_the_wording_says_so(desk: Desk) -> None:
    task_id = _not_ours(desk, "Wrong person, I don't deal with this any more.", None)
    client = desk.client_for("Morgan Blake")
    page = client.get("/queue").get_data(as_text=True)
    assert "not theirs but named nobody" in page and "Re-route to " not in page
    token = csrf_of(client, "/queue")
    nothing = client.post(f"/queue/reroutes/{task_id}", data={"csrf_token": token, "decision": "accept"})
    assert nothing.status_code == 400  # nothing suggested and nothing chosen: nothing changes
    grace = desk.plan.contacts["Grace Lin"]
    chosen = client.post(f"/queue/reroutes/{task_id}", data={"csrf_token": token, "decision": "accept",
                                                             "contact_id": str(grace)})
    assert chosen.status_code == 302
    with Session(desk.engine) as session:
        action = session.get(Action, desk.plan.actions["RIV3-1-1"])
        assert action is not None
        assert (action.lead_agency_id, action.lead_contact_id) == (desk.plan.agencies["Riverside Council Housing"], grace)


def test_keep_sets_the_reading_aside_and_changes_nothing(desk: Desk) -> None:
    task_id = _not_ours(desk, "Not ours, that's the CCG.", "the CCG")
    client = desk.client_for("Morgan Blake")
    answer = client.post(f"/queue/reroutes/{task_id}", data={"csrf_token": csrf_of(client, "/queue"),
                                                             "decision": "reject"})
    assert answer.status_code == 302
    with Session(desk.engine) as session:
        action = session.get(Action, desk.plan.actions["RIV3-1-1"])
        task = session.get(RerouteTask, task_id)
        assert action is not None and action.lead_agency_id == desk.plan.agencies["Riverside Police"]
        assert task is not None and task.state == "rejected"
        update = session.get(ProgressUpdate, task.update_id)
        assert update is not None and update.rejected and not update.confirmed


def test_only_a_coordinator_may_settle_a_task(desk: Desk) -> None:
    task_id = _not_ours(desk, "Not ours, that's the housing team.", "the housing team")
    lead = desk.client_for("Priya Shah")
    token = csrf_of(lead, f"/actions/{desk.plan.actions['RIV3-1-1']}")
    answer = lead.post(f"/queue/reroutes/{task_id}", data={"csrf_token": token, "decision": "accept"})
    assert answer.status_code == 403
    with Session(desk.engine) as session:
        task = session.get(RerouteTask, task_id)
        assert task is not None and task.state == "open"


def test_naming_the_actions_own_lead_agency_suggests_nothing_and_says_why(desk: Desk) -> None:
    task_id = _not_ours(desk, "Not ours, it sits with Riverside Police.", "Riverside Police")
    page = desk.client_for("Morgan Blake").get("/queue").get_data(as_text=True)
    assert "already its lead" in page and "Re-route to " not in page
    with Session(desk.engine) as session:
        task = session.get(RerouteTask, task_id)
        assert task is not None and (task.agency_id, task.contact_id, task.names_current_lead) == (None, None, True)
