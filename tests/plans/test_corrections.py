"""Corrections without Slack: each prints what changed and leaves an audit event."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import typer
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner

from bot.commands import corrections as correction_commands
from bot.commands import plans as plan_commands
from bot.models import Action, Agency, Contact, Event, ProgressUpdate, Recommendation, Review

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "riverside-dhr3-plan.csv"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    plan_commands.register(app)
    correction_commands.register(app)
    return app


@pytest.fixture
def imported(app: typer.Typer, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("DHR_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(app, ["import", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    return engine


def _run(app: typer.Typer, *args: str, code: int = 0, stdin: str | None = None) -> str:
    result = CliRunner().invoke(app, list(args), input=stdin)
    assert result.exit_code == code, result.output
    return result.output


def _events(engine: Engine, kind: str) -> list[Event]:
    with Session(engine) as session:
        return list(session.exec(select(Event).where(Event.kind == kind)).all())


def test_reviews_lists_each_review_with_its_counts(app: typer.Typer, imported: Engine) -> None:
    output = _run(app, "reviews")

    assert "RIV3" in output and "18" in output


def test_action_show_prints_the_action(app: typer.Typer, imported: Engine) -> None:
    output = _run(app, "action", "show", "RIV3-4-1")

    assert "Ref: RIV3-4-1" in output and "Lead agency:" in output


def test_action_set_changes_status_and_due_prints_them_and_is_audited(app: typer.Typer, imported: Engine) -> None:
    output = _run(app, "action", "set", "RIV3-4-1", "--status", "complete", "--due", "31/03/2027", "--note", "Done.")

    assert "status" in output and "-> complete" in output and "-> 31/03/2027" in output
    with Session(imported) as session:
        action = session.exec(select(Action).where(Action.ref == "RIV3-4-1")).one()
        assert (action.status, action.due) == ("complete", date(2027, 3, 31))
        assert session.exec(select(ProgressUpdate).where(ProgressUpdate.raw_text == "Done.")).first() is not None
    [event] = _events(imported, "action.corrected")
    assert event.data["ref"] == "RIV3-4-1" and event.data["note_added"] is True


def test_a_note_is_stored_with_personal_data_masked(app: typer.Typer, imported: Engine) -> None:
    _run(app, "action", "set", "RIV3-4-1", "--note", "Spoke to her mother on 07700 900461; done by 31/03/2027.")

    with Session(imported) as session:
        action = session.exec(select(Action).where(Action.ref == "RIV3-4-1")).one()
        assert "Spoke to her mother on [phone number removed]; done by 31/03/2027." in (action.progress or "")
        assert "07700" not in (action.progress or "")


def test_action_set_with_a_bad_status_changes_nothing(app: typer.Typer, imported: Engine) -> None:
    output = _run(app, "action", "set", "RIV3-4-1", "--status", "finished", "--due", "31/03/2027", code=2)

    assert "'finished' is not one of" in output
    assert _events(imported, "action.corrected") == []


def test_action_set_lead_and_contact(app: typer.Typer, imported: Engine) -> None:
    with Session(imported) as session:
        police = Agency(name="Riverside Constabulary")
        session.add(police)
        session.flush()
        session.add(Contact(name="Sam Okafor", email="sam@example.org", agency_id=police.id))
        session.commit()

    output = _run(app, "action", "set", "RIV3-4-1", "--lead", "Riverside Constabulary", "--contact", "sam@example.org")

    assert "lead agency" in output and "-> Riverside Constabulary" in output and "Sam Okafor" in output


def test_unknown_ref_is_an_error(app: typer.Typer, imported: Engine) -> None:
    assert "no action with ref 'NOPE-1-1'" in _run(app, "action", "show", "NOPE-1-1", code=2)


def test_agency_rename_keeps_the_old_name_as_an_alias(app: typer.Typer, imported: Engine) -> None:
    with Session(imported) as session:
        old = session.exec(select(Agency)).first()
        assert old is not None
        old_name = old.name

    output = _run(app, "agency", "rename", old_name, "Renamed Agency")

    assert "Renamed" in output
    with Session(imported) as session:
        agency = session.exec(select(Agency).where(Agency.name == "Renamed Agency")).one()
        assert old_name in agency.aliases
    assert len(_events(imported, "agency.renamed")) == 1


def test_agency_merge_moves_actions_and_contacts(app: typer.Typer, imported: Engine) -> None:
    with Session(imported) as session:
        session.add(Agency(name="GP practice"))
        session.add(Agency(name="General Practice"))
        session.commit()
        gp = session.exec(select(Agency).where(Agency.name == "GP practice")).one()
        action = session.exec(select(Action).where(Action.ref == "RIV3-4-1")).one()
        action.lead_agency_id = gp.id
        session.add(Contact(name="Dr A", agency_id=gp.id))
        session.add(action)
        session.commit()

    output = _run(app, "agency", "merge", "GP practice", "INTO", "General Practice")

    assert "1 actions and 1 contacts moved" in output
    with Session(imported) as session:
        kept = session.exec(select(Agency).where(Agency.name == "General Practice")).one()
        assert "GP practice" in kept.aliases
        assert session.exec(select(Action).where(Action.ref == "RIV3-4-1")).one().lead_agency_id == kept.id
        assert session.exec(select(Agency).where(Agency.name == "GP practice")).first() is None
    assert len(_events(imported, "agency.merged")) == 1


def test_review_delete_asks_first_and_yes_skips_the_question(app: typer.Typer, imported: Engine) -> None:
    _run(app, "review", "delete", "RIV3", stdin="n\n", code=1)
    with Session(imported) as session:
        assert session.exec(select(Review)).first() is not None

    output = _run(app, "review", "delete", "RIV3", "--yes")

    assert "18 actions" in output
    with Session(imported) as session:
        assert session.exec(select(Review)).first() is None
        assert session.exec(select(Recommendation)).first() is None
        assert session.exec(select(Action)).first() is None
    [event] = _events(imported, "review.deleted")
    assert event.data["code"] == "RIV3"
