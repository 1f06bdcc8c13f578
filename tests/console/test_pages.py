"""The console's pages and rules, through Flask's test client (the browser tests are in test_browser.py)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlmodel import Session, select

from bot.models import Action, Agency, Event, ProgressUpdate
from tests.console.conftest import NEW_YEAR, Desk


def csrf_of(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


def test_every_page_asks_to_sign_in_first(desk: Desk) -> None:
    client = desk.app.test_client()
    for path in ("/reviews", "/reviews/RIV3", f"/actions/{desk.plan.actions['RIV3-1-1']}", "/queue"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"] == "/sign-in"


def test_a_sign_in_link_works_once(desk: Desk) -> None:
    token = desk.links.issue(desk.plan.contacts["Morgan Blake"])
    first, second = desk.app.test_client(), desk.app.test_client()
    assert first.get(f"/sign-in/{token}").status_code == 302
    assert second.get(f"/sign-in/{token}").status_code == 400
    assert first.get("/reviews").status_code == 200
    assert second.get("/reviews").status_code == 302


def test_session_cookie_is_httponly_and_samesite(desk: Desk) -> None:
    answer = desk.app.test_client().get(f"/sign-in/{desk.links.issue(desk.plan.contacts['Morgan Blake'])}")
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie  # plain http on 127.0.0.1


def test_reviews_page_counts_open_overdue_unanswered_and_not_chased(desk: Desk) -> None:
    page = desk.client_for("Morgan Blake").get("/reviews").get_data(as_text=True)
    cells = re.findall(r'govuk-table__cell--numeric">(?:<a[^>]*>)?(\d+)', page)
    assert cells == ["5", "4", "2", "1", "1"]  # actions, open, overdue (1-1, 2-1), unanswered (1-1), not chased (3-1)


def test_a_lead_sees_only_their_agency_in_the_counts(desk: Desk) -> None:
    page = desk.client_for("Priya Shah").get("/reviews").get_data(as_text=True)
    assert re.findall(r'govuk-table__cell--numeric">(?:<a[^>]*>)?(\d+)', page) == ["2", "2", "1", "1", "0"]


def test_plan_filters_overdue_and_sorts_by_target(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    overdue = client.get("/reviews/RIV3?overdue=1&sort=due").get_data(as_text=True)
    assert re.findall(r">(RIV3-\d-\d)<", overdue) == ["RIV3-1-1", "RIV3-2-1"]
    by_due_desc = client.get("/reviews/RIV3?sort=due&order=desc").get_data(as_text=True)
    assert re.findall(r">(RIV3-\d-\d)<", by_due_desc) == ["RIV3-1-2", "RIV3-3-1", "RIV3-2-1", "RIV3-1-1", "RIV3-2-2"]
    not_chased = client.get("/reviews/RIV3?not_chased=1").get_data(as_text=True)
    assert re.findall(r">(RIV3-\d-\d)<", not_chased) == ["RIV3-3-1"]


def test_plan_filters_by_a_lead_agency_chosen_from_all_of_them_by_name(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    with Session(desk.engine) as session:
        agencies = {a.name: a.id for a in session.exec(select(Agency))}
    police = agencies["Riverside Police"]
    page = client.get(f"/reviews/RIV3?agency={police}").get_data(as_text=True)
    assert re.findall(r">(RIV3-\d-\d)<", page) == ["RIV3-1-1", "RIV3-1-2"]
    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]+)</option>', page)
    assert options == [(str(agencies[name]), " selected" if name == "Riverside Police" else "", name)
                       for name in sorted(agencies)]


def test_a_lead_cannot_open_another_agencys_action(desk: Desk) -> None:
    client = desk.client_for("Priya Shah")
    assert client.get(f"/actions/{desk.plan.actions['RIV3-1-1']}").status_code == 200
    assert client.get(f"/actions/{desk.plan.actions['RIV3-2-1']}").status_code == 403


def test_a_board_member_reads_the_plan_but_opens_no_action(desk: Desk) -> None:
    client = desk.client_for("Alex Rowe")
    assert client.get("/reviews/RIV3").status_code == 200
    assert client.get(f"/actions/{desk.plan.actions['RIV3-1-1']}").status_code == 403
    assert client.get("/queue").status_code == 403


def test_a_form_without_the_csrf_token_is_refused_and_changes_nothing(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    action_id = desk.plan.actions["RIV3-1-1"]
    answer = client.post(f"/actions/{action_id}", data={"status": "complete", "note": "done"})
    assert answer.status_code == 400
    with Session(desk.engine) as session:
        action = session.get(Action, action_id)
        assert action is not None and action.status == "in_progress"


def test_editing_an_action_is_audited_with_who_did_it(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    action_id = desk.plan.actions["RIV3-1-2"]
    form = {"csrf_token": csrf_of(client, f"/actions/{action_id}"), "status": "blocked", "due-day": "31",
            "due-month": "3", "due-year": "2027", "lead_agency_id": str(desk.plan.agencies["Riverside Police"]),
            "lead_contact_id": str(desk.plan.contacts["Priya Shah"]), "note": "Waiting on the new policy"}
    answer = client.post(f"/actions/{action_id}", data=form)
    assert answer.status_code == 302
    with Session(desk.engine) as session:
        action = session.get(Action, action_id)
        assert action is not None
        assert (action.status, action.due.isoformat() if action.due else None) == ("blocked", "2027-03-31")
        assert action.lead_contact_id == desk.plan.contacts["Priya Shah"]
        event = session.exec(select(Event).where(Event.kind == "action.edited", Event.entity_id == action_id)).one()
        assert event.actor == f"contact:{desk.plan.contacts['Morgan Blake']}"
        assert event.data["note"] == "Waiting on the new policy"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Action updated" in page and "Waiting on the new policy" in page and "Morgan Blake" in page
    assert "status Not started → Blocked" in page and "lead contact none → Priya Shah" in page


def test_an_edit_without_a_note_or_with_a_bad_date_says_why_and_changes_nothing(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    action_id = desk.plan.actions["RIV3-1-2"]
    form = {"csrf_token": csrf_of(client, f"/actions/{action_id}"), "status": "complete", "due-day": "31",
            "due-month": "2", "due-year": "2027", "note": ""}
    answer = client.post(f"/actions/{action_id}", data=form)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Target date must be a real date" in page and "Say why you are making this change" in page
    with Session(desk.engine) as session:
        action = session.get(Action, action_id)
        assert action is not None and action.status == "not_started"


def test_a_lead_cannot_hand_an_action_to_another_agency(desk: Desk) -> None:
    client = desk.client_for("Priya Shah")
    action_id = desk.plan.actions["RIV3-1-1"]
    form = {"csrf_token": csrf_of(client, f"/actions/{action_id}"), "status": "in_progress",
            "lead_agency_id": str(desk.plan.agencies["Probation Service"]), "note": "not ours"}
    assert client.post(f"/actions/{action_id}", data=form).status_code == 403


def test_accepting_a_reading_in_the_queue_applies_it(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    token = csrf_of(client, "/queue")
    answer = client.post(f"/queue/readings/{desk.reading_id}", data={"csrf_token": token, "decision": "accept"})
    assert answer.status_code == 302
    with Session(desk.engine) as session:
        update = session.get(ProgressUpdate, desk.reading_id)
        action = session.get(Action, desk.plan.actions["RIV3-2-1"])
        assert update is not None and update.confirmed
        assert action is not None and action.due == NEW_YEAR and action.status == "in_progress"
    assert "None: every reply the bot read has been settled" in client.get("/queue").get_data(as_text=True)


def test_queue_lists_undeliverable_messages_and_actions_without_a_lead_contact(desk: Desk) -> None:
    page = desk.client_for("Morgan Blake").get("/queue").get_data(as_text=True)
    assert "ErrorInvalidRecipients" in page and "Tom Okafor" in page
    assert re.findall(r">(RIV3-\d-\d)</a> \(", page) == ["RIV3-1-1", "RIV3-1-2", "RIV3-2-1", "RIV3-3-1"]


def test_a_lead_cannot_settle_readings(desk: Desk) -> None:
    client = desk.client_for("Priya Shah")
    token = csrf_of(client, f"/actions/{desk.plan.actions['RIV3-1-1']}")
    answer = client.post(f"/queue/readings/{desk.reading_id}", data={"csrf_token": token, "decision": "accept"})
    assert answer.status_code == 403
