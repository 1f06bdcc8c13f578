from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.contacts import (
    ContactsError,
    contact_for_email,
    person_for,
    read_contacts_csv,
    store_contacts,
    sync_agencies,
)
from bot.db import session_scope
from bot.models import Agency, Contact
from bot.rules.permissions import may_change
from bot.settings import AgencySettings, load_settings

EXAMPLE = Path(__file__).parent.parent / "config" / "contacts.example.csv"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(text)
    return path


def test_example_contacts_are_valid() -> None:
    rows = read_contacts_csv(EXAMPLE)
    assert {r.role.value for r in rows} == {"lead", "manager", "coordinator", "board"}


def test_bad_role_names_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "agency,name,email,role\nRiverside Police,Priya Shah,p@x.org,chief\n")
    with pytest.raises(ContactsError, match=r"contacts.csv: row 2: column role: 'chief'"):
        read_contacts_csv(path)


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "agency,name,email\nRiverside Police,Priya Shah,p@x.org\n")
    with pytest.raises(ContactsError, match="row 1: missing column\\(s\\) role"):
        read_contacts_csv(path)


def test_contact_needs_a_way_to_be_reached(tmp_path: Path) -> None:
    path = write(tmp_path, "agency,name,role\nRiverside Police,Priya Shah,lead\n")
    with pytest.raises(ContactsError, match="row 2: columns email, slack_user_id"):
        read_contacts_csv(path)


def test_every_bad_row_is_reported_and_nothing_is_returned(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "agency,name,email,slack_user_id,role\n"
        "Riverside Police,Priya Shah,not-an-address,,lead\n"
        "Riverside Police,Dana Hughes,,lowercase,manager\n",
    )
    with pytest.raises(ContactsError) as caught:
        read_contacts_csv(path)
    assert "row 2: column email" in str(caught.value)
    assert "row 3: column slack_user_id" in str(caught.value)


def test_reimport_updates_instead_of_duplicating(engine: Engine, tmp_path: Path) -> None:
    rows = read_contacts_csv(EXAMPLE)
    with session_scope(engine) as session:
        first = store_contacts(session, rows, actor="test")
    with session_scope(engine) as session:
        second = store_contacts(session, rows, actor="test")
        assert len(session.exec(select(Contact)).all()) == len(rows)
    assert len(first.added) == len(rows) and second.updated == first.added


def test_agencies_are_matched_by_alias(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        sync_agencies(session, [AgencySettings(name="Riverside Police", aliases=["RP"])])
        rows = read_contacts_csv(write(tmp_path, "agency,name,email,role\nrp,Priya Shah,p@x.org,lead\n"))
        report = store_contacts(session, rows, actor="test")
        assert report.agencies_added == []
        assert [a.name for a in session.exec(select(Agency)).all()] == ["Riverside Police"]
        assert contact_for_email(session, "P@X.ORG") is not None


def test_only_the_right_people_may_change_an_action(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHR_COORDINATORS", "U0EXTRA")
    settings = load_settings()
    with session_scope(engine) as session:
        store_contacts(session, read_contacts_csv(EXAMPLE), actor="test")
        by_name = {c.name: c for c in session.exec(select(Contact)).all()}
        police = by_name["Priya Shah"].agency_id
        def may(name: str | None, slack: str | None = None) -> bool:
            return may_change(
                person_for(by_name.get(name or ""), settings, slack),
                action_agency_id=police, action_lead_contact_id=by_name["Priya Shah"].id,
            )
        assert may("Priya Shah")
        assert may("Dana Hughes")  # the police manager
        assert may("Morgan Blake")  # coordinator
        assert may(None, "U0EXTRA")  # coordinator by setting
        assert not may("Grace Lin")  # another agency's lead
        assert not may("Alex Rowe")  # board members read, they do not edit
        assert not may(None, "U0STRANGER")
