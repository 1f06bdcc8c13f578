"""The console's pages: Reviews, Plan, Action (history and the edit form) and the Review queue."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, g, redirect, render_template, request, url_for
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.console import history, queries
from bot.console.access import Viewer, check_can_open, check_coordinator
from bot.console.edits import apply_edit, parse_edit
from bot.console.options import ConsoleOptions
from bot.db import session_scope
from bot.models import Action, Agency, Contact, Recommendation, Review
from bot.notices import accept_held_mail, settle_notice
from bot.reroute import accept_reroute, reject_reroute
from bot.rules.permissions import Person
from bot.rules.statuses import ActionStatus
from bot.settings import load_settings
from bot.updates import UpdateRefused, confirm_update, local_date, reject_update


def register_pages(app: Flask, engine: Engine, options: ConsoleOptions) -> None:
    register_queue_task_pages(app, engine, options)

    @app.get("/")
    def home() -> Response:
        return redirect(url_for("reviews"))  # type: ignore[return-value]

    @app.get("/reviews")
    def reviews() -> str:
        with Session(engine) as db:
            today = local_date(db, options.clock())
            rows = queries.review_summaries(db, options.partnership_id, g.viewer, today)
        return render_template("reviews.html", title="Reviews", rows=rows, today=today)

    @app.get("/reviews/<code>")
    def plan(code: str) -> str:
        wanted = _plan_filter(request.args)
        with Session(engine) as db:
            review = db.exec(select(Review).where(Review.code == code, Review.partnership_id == options.partnership_id)).first()
            if review is None or review.id is None:
                abort(404)
            today = local_date(db, options.clock())
            page = queries.plan_page(db, review.id, g.viewer, today, wanted)
            agencies = queries.agency_choices(db)
        return render_template("plan.html", title=f"{review.code} plan", review=review, page=page, wanted=wanted,
                               agencies=agencies, args=request.args, today=today)

    @app.route("/actions/<int:action_id>", methods=["GET", "POST"])
    def action(action_id: int) -> Any:
        errors: dict[str, str] = {}
        with session_scope(engine) as db:
            found = _visible_action(db, g.viewer, action_id)
            if request.method == "POST":
                edit, errors = parse_edit(db, request.form)
                if edit is not None:
                    changed = apply_edit(db, found, edit, g.viewer, options.clock())
                    flash = "Action updated" if changed else "Nothing changed"
                    return redirect(url_for("action", action_id=action_id, done=flash))
            review = db.exec(select(Review).join(Recommendation).where(Recommendation.id == found.recommendation_id)).one()
            agencies = db.exec(select(Agency).order_by(Agency.name)).all()
            contacts = db.exec(select(Contact).where(Contact.active).order_by(Contact.name)).all()
            if not g.viewer.is_coordinator:
                contacts = [c for c in contacts if c.agency_id == found.lead_agency_id]
            entries = history.timeline(db, found)
            db.expunge_all()
        form = request.form if errors else None
        return render_template("action.html", title=found.ref, action=found, review=review, agencies=agencies,
                               contacts=contacts, entries=entries, errors=errors, form=form,
                               statuses=list(ActionStatus), done=request.args.get("done")), 400 if errors else 200

    @app.get("/queue")
    def queue() -> str:
        check_coordinator(g.viewer)
        with Session(engine) as db:
            found = history.review_queue(db, options.partnership_id)
            agencies = db.exec(select(Agency).order_by(Agency.name)).all() if found.reroutes else []
            contacts = db.exec(select(Contact).where(Contact.active).order_by(Contact.name)).all() if found.reroutes else []
            db.expunge_all()
        return render_template("queue.html", title="Review queue", queue=found, done=request.args.get("done"),
                               agencies=agencies, contacts=contacts)

    @app.post("/queue/readings/<int:update_id>")
    def decide_reading(update_id: int) -> Response:
        check_coordinator(g.viewer)
        decision = request.form.get("decision")
        if decision not in ("accept", "reject"):
            abort(400, "Choose accept or reject.")
        with session_scope(engine) as db:
            try:
                settle = confirm_update if decision == "accept" else reject_update
                action = settle(db, update_id, actor=g.viewer.actor, now=options.clock())
            except UpdateRefused as error:
                abort(400, str(error))
            done = f"Reading for {action.ref} {'accepted' if decision == 'accept' else 'rejected'}"
        return redirect(url_for("queue", done=done))  # type: ignore[return-value]


def register_queue_task_pages(app: Flask, engine: Engine, options: ConsoleOptions) -> None:
    """One click on a "not ours / new lead" task (bot.reroute) or a notice (bot.notices) in the Review queue."""

    @app.post("/queue/reroutes/<int:task_id>")
    def decide_reroute(task_id: int) -> Response:
        check_coordinator(g.viewer)
        decision = request.form.get("decision")
        if decision not in ("accept", "reject"):
            abort(400, "Choose re-route or keep.")
        person = _person(g.viewer)
        with session_scope(engine) as db:
            try:
                if decision == "accept":
                    action = accept_reroute(db, task_id, person=person, actor=g.viewer.actor, now=options.clock(),
                                            agency_id=_form_id("agency_id"), contact_id=_form_id("contact_id"))
                    done = f"{action.ref} re-routed"
                else:
                    action = reject_reroute(db, task_id, person=person, actor=g.viewer.actor, now=options.clock())
                    done = f"{action.ref} kept as it is"
            except UpdateRefused as error:
                abort(400, str(error))
        return redirect(url_for("queue", done=done))  # type: ignore[return-value]

    @app.post("/queue/notices/<int:event_id>")
    def decide_notice(event_id: int) -> Response:
        check_coordinator(g.viewer)
        decision = request.form.get("decision")
        if decision not in ("accept", "reject", "dismiss"):
            abort(400, "Choose accept, reject or dismiss.")
        with session_scope(engine) as db:
            try:
                if decision == "accept":
                    outcome = accept_held_mail(db, options.settings or load_settings(), event_id, person=_person(g.viewer),
                                               actor=g.viewer.actor, now=options.clock())
                    done = "Accepted as genuine" + (": " + "; ".join(outcome) if outcome else "")
                else:
                    settle_notice(db, event_id, person=_person(g.viewer), actor=g.viewer.actor, now=options.clock(),
                                  decision="rejected" if decision == "reject" else "seen")
                    done = "Held mail rejected" if decision == "reject" else "Marked as seen"
            except UpdateRefused as error:
                abort(400, str(error))
        return redirect(url_for("queue", done=done))  # type: ignore[return-value]


def _person(viewer: Viewer) -> Person:
    return Person(contact_id=viewer.contact_id, agency_id=viewer.agency_id, role=viewer.role, active=True)


def _form_id(name: str) -> int | None:
    value = request.form.get(name, "").strip()
    return int(value) if value.isdigit() else None


def _visible_action(db: Session, viewer: Viewer, action_id: int) -> Action:
    found = db.get(Action, action_id)
    if found is None:
        abort(404)
    check_can_open(viewer, found)
    return found


def _plan_filter(args: Any) -> queries.PlanFilter:
    def flag(name: str) -> bool:
        return bool(args.get(name) == "1")

    agency = args.get("agency", "")
    page = args.get("page", "1")
    return queries.PlanFilter(
        overdue=flag("overdue"), unanswered=flag("unanswered"), not_chased=flag("not_chased"),
        agency_id=int(agency) if agency.isdigit() else None, sort=args.get("sort", "ref"),
        descending=args.get("order") == "desc", page=int(page) if page.isdigit() else 1,
    )
