"""The Import, Board and Agencies pages through Flask's test client (the browser tests are in test_browser.py)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from werkzeug.test import TestResponse

from bot.console.imports import MAX_UPLOAD_BYTES, PENDING_SECONDS, PendingImport, PendingImports
from bot.console.options import ConsoleOptions
from bot.console.web import create_console
from bot.db import session_scope
from bot.models import Action, Agency, BoardMeeting, Contact, Event, Message, MessageAction, Review
from bot.plans import PlanError, read_plan
from bot.plans.store import ImportReport
from tests.console.conftest import NOW, TODAY, Desk, plan_partnership
from tests.console.test_pages import csrf_of
from tests.factories import Plan
from tests.plans.plan_files import HEADER, write_csv, write_xlsx

RIV9: list[tuple[str, ...]] = [
    ("1. Police to check repeat addresses.", "Local", "Add a prompt to the call script.", "Riverside Police",
     "Script signed off", "31/03/2027", ""),
    ("2. Hospitals to brief staff.", "Local", "Brief all ward sisters.", "Riverside Hospitals NHS Trust",
     "Briefing notes", "Autumn 2027", ""),
    ("3. Police to share risk assessments.", "Local", "Share them weekly.", "Riverside Police Service", "Minutes",
     "30/06/2027", ""),
    ("4. GP practices to flag disclosures.", "Regional", "Send a bulletin to practices.", "", "Bulletin", "tbc", ""),
]
LEAD_FORBIDDEN = ("/import", "/board", "/board/chart.png", "/board/report.docx", "/agencies")


def plan_csv(tmp_path: Path, rows: Sequence[Sequence[str]], name: str = "riv9-plan.csv") -> bytes:
    return write_csv(tmp_path / name, rows, HEADER).read_bytes()


def upload(client: FlaskClient, data: bytes, name: str, review: str | None = "RIV9", **extra: str) -> TestResponse:
    form: dict[str, object] = {"csrf_token": csrf_of(client, "/import"), "plan": (io.BytesIO(data), name), **extra}
    if review is not None:
        form["review"] = review
    return client.post("/import", data=form, content_type="multipart/form-data")


def reviews_stored(desk: Desk) -> list[str]:
    with Session(desk.engine) as session:
        return sorted(r.code for r in session.exec(select(Review)).all())


# Access -------------------------------------------------------------------------------------


def test_a_lead_can_open_none_of_the_new_pages(desk: Desk) -> None:
    client = desk.client_for("Priya Shah")
    police = desk.plan.agencies["Riverside Police"]
    for path in (*LEAD_FORBIDDEN, f"/agencies/{police}", f"/contacts/{desk.plan.contacts['Priya Shah']}"):
        assert client.get(path).status_code == 403, path
    page = client.get("/reviews").get_data(as_text=True)
    assert 'href="/import"' not in page and 'href="/board"' not in page and 'href="/agencies"' not in page


def test_a_board_member_sees_the_board_page_and_nothing_else_new(desk: Desk) -> None:
    client = desk.client_for("Alex Rowe")
    assert client.get("/board").status_code == 200
    page = client.get("/reviews").get_data(as_text=True)
    assert 'href="/board"' in page and 'href="/import"' not in page and 'href="/agencies"' not in page
    for path in ("/import", "/agencies", f"/contacts/{desk.plan.contacts['Alex Rowe']}"):
        assert client.get(path).status_code == 403, path


def test_new_pages_ask_to_sign_in_first(desk: Desk) -> None:
    client = desk.app.test_client()
    for path in (*LEAD_FORBIDDEN, "/import/anything", "/contacts/1"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer.headers["Location"] == "/sign-in", path


def test_forms_without_the_csrf_token_are_refused_and_change_nothing(desk: Desk, tmp_path: Path) -> None:
    client = desk.client_for("Morgan Blake")
    police = desk.plan.agencies["Riverside Police"]
    answer = client.post("/import", data={"plan": (io.BytesIO(plan_csv(tmp_path, RIV9)), "riv9.csv"), "review": "RIV9"},
                         content_type="multipart/form-data")
    assert answer.status_code == 400
    assert client.post(f"/agencies/{police}/rename", data={"name": "Police"}).status_code == 400
    assert client.post(f"/contacts/{desk.plan.contacts['Priya Shah']}", data={"name": "P", "role": "board",
                                                                             "email": "p@x.org"}).status_code == 400
    with Session(desk.engine) as session:
        agency = session.get(Agency, police)
        priya = session.get(Contact, desk.plan.contacts["Priya Shah"])
        assert agency is not None and agency.name == "Riverside Police"
        assert priya is not None and priya.role == "lead"
    assert reviews_stored(desk) == ["RIV3"]


# Import -------------------------------------------------------------------------------------


def test_an_upload_shows_the_dry_run_report_and_stores_nothing_until_confirmed(desk: Desk, tmp_path: Path) -> None:
    client = desk.client_for("Morgan Blake")
    answer = upload(client, plan_csv(tmp_path, RIV9), "riv9-plan.csv")
    assert answer.status_code == 302
    preview_path = answer.headers["Location"]
    page = client.get(preview_path).get_data(as_text=True)
    assert reviews_stored(desk) == ["RIV3"]  # nothing stored yet
    assert "Nothing has been stored yet" in page and "a new review" in page
    assert re.search(r'id="added">4: RIV9-1-1, RIV9-2-1, RIV9-3-1, RIV9-4-1<', page)
    assert "Never chased, no lead agency: RIV9-4-1" in page
    assert "“Riverside Police Service” looks like “Riverside Police”" in page
    assert "RIV9-4-1: “tbc”" in page
    assert "<td class=\"govuk-table__cell\">Lead agency</td><td class=\"govuk-table__cell\">lead agency</td>" in page
    assert "Columns not read (kept, and exported as written): none." in page
    with Session(desk.engine) as session:
        assert session.exec(select(Agency).where(Agency.name == "Riverside Police Service")).first() is None

    confirmed = client.post(preview_path, data={"csrf_token": csrf_of(client, preview_path)})
    assert confirmed.status_code == 302
    done = client.get(confirmed.headers["Location"]).get_data(as_text=True)
    assert "Created review RIV9: 4 actions added, 0 changed, 0 no longer in the plan" in done
    assert 'href="/reviews/RIV9"' in done
    assert reviews_stored(desk) == ["RIV3", "RIV9"]
    with Session(desk.engine) as session:
        imported = session.exec(select(Event).where(Event.kind == "review.imported")).one()
        assert imported.actor == f"contact:{desk.plan.contacts['Morgan Blake']}"
        assert imported.data["source_file"] == "riv9-plan.csv"
    plan_page = client.get("/reviews/RIV9").get_data(as_text=True)
    assert re.findall(r">(RIV9-\d-\d)<", plan_page) == ["RIV9-1-1", "RIV9-2-1", "RIV9-3-1", "RIV9-4-1"]
    assert client.post(preview_path, data={"csrf_token": csrf_of(client, "/import")}).status_code == 400  # used once


def test_a_second_upload_shows_what_changed_and_what_left_the_plan(desk: Desk, tmp_path: Path) -> None:
    client = desk.client_for("Morgan Blake")
    first = upload(client, plan_csv(tmp_path, RIV9), "riv9-plan.csv").headers["Location"]
    client.post(first, data={"csrf_token": csrf_of(client, first)})
    changed = [(*RIV9[0][:5], "31/05/2027", ""), *RIV9[1:3]]
    second = upload(client, plan_csv(tmp_path, changed), "riv9-plan.csv").headers["Location"]
    page = client.get(second).get_data(as_text=True)
    assert "already stored: it would be updated" in page
    assert re.search(r'id="added">0<', page)
    assert "<li>RIV9-1-1: target text, due</li>" in page
    assert re.search(r'id="removed">1: RIV9-4-1 ', page)
    with Session(desk.engine) as session:
        action = session.exec(select(Action).where(Action.ref == "RIV9-1-1")).one()
        assert action.due is not None and action.due.month == 3  # still as stored


@pytest.mark.parametrize("name, data", [
    ("plan.xlsx", b"this is not a spreadsheet"),
    ("plan.docx", b"PK\x03\x04 broken"),
    ("plan.pdf", b"%PDF-1.4"),
    ("plan.csv", b""),
])
def test_a_bad_file_gets_dhr_imports_one_line_error_and_stores_nothing(
        desk: Desk, tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(PlanError) as expected:
        read_plan(tmp_path / name, review_code="RIV9")
    answer = upload(desk.client_for("Morgan Blake"), data, name)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    message = str(expected.value).replace(str(tmp_path / name), name)
    assert "\n" not in message and message.startswith(f"{name}: ")
    assert message.replace("'", "&#39;") in page
    assert "dhr-import-" not in page  # never the private copy's path
    assert reviews_stored(desk) == ["RIV3"]


def test_a_zip_bomb_is_refused_by_the_same_checks(desk: Desk, tmp_path: Path) -> None:
    plain = write_xlsx(tmp_path / "plain.xlsx", RIV9)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, old.read(item.filename))
        new.writestr("customXml/padding.xml", b" " * (110 * 1024 * 1024))
    answer = upload(desk.client_for("Morgan Blake"), bomb.read_bytes(), "bomb.xlsx")
    assert answer.status_code == 400
    assert "bomb.xlsx: the archive unpacks to" in answer.get_data(as_text=True)


def test_the_action_limit_is_the_settings_one(desk: Desk, tmp_path: Path) -> None:
    app = create_console(desk.engine, ConsoleOptions(plan_partnership(desk.engine), links=desk.links, clock=lambda: NOW,
                                                     max_import_actions=2))
    client = app.test_client()
    client.get(f"/sign-in/{desk.links.issue(desk.plan.contacts['Morgan Blake'])}")
    page = upload(client, plan_csv(tmp_path, RIV9), "riv9.csv").get_data(as_text=True)
    assert "riv9.csv: the plan has 4 actions; one import may bring in at most 2" in page


def test_an_upload_over_the_size_limit_is_refused(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    answer = upload(client, b"x" * (MAX_UPLOAD_BYTES + 1), "huge.csv")
    assert answer.status_code == 413
    assert reviews_stored(desk) == ["RIV3"]


def test_a_plan_without_a_review_code_asks_for_one(desk: Desk, tmp_path: Path) -> None:
    answer = upload(desk.client_for("Morgan Blake"), plan_csv(tmp_path, RIV9), "riv9.csv", review=None)
    assert answer.status_code == 400
    assert "The plan does not say its review code" in answer.get_data(as_text=True)


def test_another_session_cannot_see_or_confirm_an_upload(desk: Desk, tmp_path: Path) -> None:
    mine = desk.client_for("Morgan Blake")
    preview = upload(mine, plan_csv(tmp_path, RIV9), "riv9.csv").headers["Location"]
    other = desk.client_for("Morgan Blake")  # the same person, signed in elsewhere
    assert other.get(preview).status_code == 404
    assert other.post(preview, data={"csrf_token": csrf_of(other, "/import")}).status_code == 400
    assert reviews_stored(desk) == ["RIV3"]
    assert mine.post(preview, data={"csrf_token": csrf_of(mine, preview)}).status_code == 302  # still there for mine
    assert reviews_stored(desk) == ["RIV3", "RIV9"]


def test_an_upload_waiting_too_long_expires() -> None:
    clock = [1000.0]
    pending = PendingImports(clock=lambda: clock[0])
    waiting = PendingImport("session-a", None, "plan.csv", False, ImportReport("RIV9"), clock[0])  # type: ignore[arg-type]
    token = pending.keep(waiting)
    assert pending.peek(token, "session-b") is None and pending.take(token, "session-b") is None
    clock[0] += PENDING_SECONDS + 1
    assert pending.take(token, "session-a") is None


# Board --------------------------------------------------------------------------------------


def add_meeting_and_an_answered_chaser(engine: Engine, plan: Plan) -> None:
    """A meeting in three weeks, and a chaser to Tom on Thursday 19 November that his reply of Tuesday 24 answers
    (seeded in conftest): 5 calendar days, 3 working days."""
    with session_scope(engine) as session:
        session.add(BoardMeeting(partnership_id=plan_partnership(engine), date=TODAY + timedelta(days=21)))
        chaser = Message(idempotency_key="chaser-2-1-sent", kind="chaser", channel="email", state="sent",
                         recipient_contact_id=plan.contacts["Tom Okafor"], created_at=NOW - timedelta(days=6),
                         sent_at=NOW - timedelta(days=6))
        session.add(chaser)
        session.flush()
        assert chaser.id is not None
        session.add(MessageAction(message_id=chaser.id, action_id=plan.actions["RIV3-2-1"]))


def test_the_board_page_shows_the_digest_and_response_figures(desk: Desk) -> None:
    add_meeting_and_an_answered_chaser(desk.engine, desk.plan)
    page = desk.client_for("Alex Rowe").get("/board").get_data(as_text=True)
    assert "For the meeting on 16 Dec 2026. As of 25 Nov 2026." in page
    rows = re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>((?:\s*<td[^>]*>[^<]*</td>)+)', page)
    figures = {agency: re.findall(r">([^<]*)</td>", cells) for agency, cells in rows}
    assert figures["Riverside Hospitals NHS Trust"] == ["1", "1", "100%", "3", "1.0"]  # 3 working days, not 5
    assert figures["Riverside Police"] == ["1", "0", "0%", "No answers", "No answers"]
    assert 'src="/board/chart.png"' in page and 'alt="Bar chart of chasers answered by agency' in page
    assert "Overdue actions (2)" in page and "RIV3-1-1" in page


def test_the_board_chart_and_word_report_download(desk: Desk) -> None:
    add_meeting_and_an_answered_chaser(desk.engine, desk.plan)
    client = desk.client_for("Morgan Blake")
    chart = client.get("/board/chart.png")
    assert chart.status_code == 200 and chart.mimetype == "image/png" and chart.data.startswith(b"\x89PNG\r\n\x1a\n")
    report = client.get("/board/report.docx")
    assert report.status_code == 200
    assert report.headers["Content-Disposition"] == 'attachment; filename="board-digest-2026-12-16.docx"'
    import docx

    document = docx.Document(io.BytesIO(report.data))
    assert "Response by agency" in [p.text for p in document.paragraphs]


def test_the_board_page_without_a_meeting_says_so(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    assert "There is no board meeting on record after today" in client.get("/board").get_data(as_text=True)
    assert client.get("/board/report.docx").status_code == 404


# Agencies and contacts ----------------------------------------------------------------------


def test_agencies_are_listed_with_their_contacts(desk: Desk) -> None:
    page = desk.client_for("Morgan Blake").get("/agencies").get_data(as_text=True)
    assert "Riverside Police" in page and "Priya Shah" in page and "U0PRIYA" in page
    assert f'href="/contacts/{desk.plan.contacts["Priya Shah"]}"' in page


def test_renaming_an_agency_keeps_the_old_name_and_is_audited(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    police = desk.plan.agencies["Riverside Police"]
    answer = client.post(f"/agencies/{police}/rename",
                         data={"csrf_token": csrf_of(client, f"/agencies/{police}"), "name": "Riverside Constabulary"})
    assert answer.status_code == 302
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Renamed Riverside Police to Riverside Constabulary" in page
    assert "Also known as: Riverside Police." in page
    with Session(desk.engine) as session:
        event = session.exec(select(Event).where(Event.kind == "agency.renamed")).one()
        assert event.actor == f"contact:{desk.plan.contacts['Morgan Blake']}" and event.entity_id == police


def test_renaming_to_another_agencys_name_says_to_merge_and_changes_nothing(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    police = desk.plan.agencies["Riverside Police"]
    answer = client.post(f"/agencies/{police}/rename", data={"csrf_token": csrf_of(client, f"/agencies/{police}"),
                                                              "name": "probation service"})
    assert answer.status_code == 400
    assert "an agency named &#39;Probation Service&#39; exists already" in answer.get_data(as_text=True)
    with Session(desk.engine) as session:
        assert session.exec(select(Event).where(Event.kind == "agency.renamed")).first() is None


def test_merging_an_agency_moves_its_actions_and_contacts(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    police, probation = desk.plan.agencies["Riverside Police"], desk.plan.agencies["Probation Service"]
    answer = client.post(f"/agencies/{probation}/merge",
                         data={"csrf_token": csrf_of(client, f"/agencies/{probation}"), "into": str(police)})
    assert answer.status_code == 302
    assert "Merged Probation Service into Riverside Police: 0 actions and 1 contacts moved" in client.get(
        answer.headers["Location"]).get_data(as_text=True)
    with Session(desk.engine) as session:
        assert session.get(Agency, probation) is None
        sam = session.get(Contact, desk.plan.contacts["Sam Boateng"])
        assert sam is not None and sam.agency_id == police
        event = session.exec(select(Event).where(Event.kind == "agency.merged")).one()
        assert event.actor == f"contact:{desk.plan.contacts['Morgan Blake']}"


def contact_form(client: FlaskClient, contact_id: int, **changes: str) -> dict[str, str]:
    page = client.get(f"/contacts/{contact_id}").get_data(as_text=True)
    form = dict(re.findall(r'<input class="govuk-input[^"]*" id="(\w+)" name="\w+" type="text"\s+'
                           r'spellcheck="false" value="([^"]*)"', page))
    form["role"] = re.findall(r'<option value="(\w+)" selected>', page)[0]
    form["active"] = "1" if 'id="active" name="active" type="checkbox" value="1" aria-describedby="active-hint" checked' in page else ""
    form["csrf_token"] = csrf_of(client, f"/contacts/{contact_id}")
    return {**form, **changes}


def test_editing_a_contact_is_audited_without_copying_addresses(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    priya = desk.plan.contacts["Priya Shah"]
    form = contact_form(client, priya, slack_user_id="U0PRIYA2", role="manager", active="")
    assert form["email"] == "priya.shah@police.example.org"
    answer = client.post(f"/contacts/{priya}", data=form)
    assert answer.status_code == 302
    assert "Priya Shah updated" in client.get(answer.headers["Location"]).get_data(as_text=True)
    with Session(desk.engine) as session:
        contact = session.get(Contact, priya)
        assert contact is not None and (contact.slack_user_id, contact.role, contact.active) == ("U0PRIYA2", "manager", False)
        event = session.exec(select(Event).where(Event.kind == "contact.updated", Event.entity_id == priya,
                                                 Event.actor == f"contact:{desk.plan.contacts['Morgan Blake']}")).one()
        assert event.data["fields"] == ["slack_user_id", "role", "active"]
        assert event.data["before"] == {"role": "lead", "active": True}
        assert "police.example.org" not in str(event.data)


def test_a_contact_edit_with_bad_or_taken_details_says_why_and_changes_nothing(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    priya = desk.plan.contacts["Priya Shah"]
    bad = client.post(f"/contacts/{priya}", data=contact_form(client, priya, email="not an address", slack_user_id="x"))
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Enter an email address" in page and "Enter a Slack user id" in page
    taken = client.post(f"/contacts/{priya}",
                        data=contact_form(client, priya, email="MORGAN.BLAKE@riverside.example.gov.uk"))
    assert taken.status_code == 400 and "Another contact has this email address" in taken.get_data(as_text=True)
    with Session(desk.engine) as session:
        contact = session.get(Contact, priya)
        assert contact is not None and contact.email == "priya.shah@police.example.org"


def test_a_coordinator_cannot_remove_their_own_access(desk: Desk) -> None:
    client = desk.client_for("Morgan Blake")
    morgan = desk.plan.contacts["Morgan Blake"]
    answer = client.post(f"/contacts/{morgan}", data=contact_form(client, morgan, role="board"))
    assert answer.status_code == 400 and "You cannot take away your own coordinator access" in answer.get_data(as_text=True)
    assert client.get("/agencies").status_code == 200


def test_only_a_signed_in_person_may_send_a_plan_sized_body(desk: Desk) -> None:
    answer = desk.app.test_client().post("/import", data={"plan": (io.BytesIO(b"x" * 100_000), "plan.csv")},
                                         content_type="multipart/form-data")
    assert answer.status_code == 413
