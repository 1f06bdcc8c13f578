"""The console's Flask app: pages, sign-in, CSRF and the security headers.

    create_console(engine, settings_like, entra=..., links=...)  -> a Flask app (a WSGI callable)

Every page needs a signed-in contact; every POST needs the session's CSRF token; what a viewer may
see and change is decided in bot/console/access.py.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, g, make_response, redirect, render_template, request, send_from_directory, url_for
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy.engine import Engine
from sqlmodel import Session
from werkzeug.exceptions import HTTPException

from bot.console.access import Forbidden, contact_by_email, viewer_for
from bot.console.agencies import register_agency_pages
from bot.console.auth import SessionStore, SignInFailed
from bot.console.board import register_board_page
from bot.console.imports import MAX_UPLOAD_BYTES, PendingImports, register_import_pages
from bot.console.options import ConsoleOptions
from bot.console.pages import register_pages
from bot.models import Contact

log = logging.getLogger(__name__)
COOKIE = "dhr_console"
MAX_FORM_BYTES = 64 * 1024
UPLOAD_LIMITS = {"upload_plan": MAX_UPLOAD_BYTES}
PUBLIC_ENDPOINTS = frozenset({"sign_in", "signed_in", "local_link", "assets", "stylesheet", "own_static"})
OWN_STATIC = Path(__file__).parent / "static"


def default_assets_dir() -> Path:
    """govuk-frontend as `make` installs it (npm, from package.json), unless DHR_CONSOLE_ASSETS says where."""
    configured = os.environ.get("DHR_CONSOLE_ASSETS")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2] / "node_modules" / "govuk-frontend" / "dist" / "govuk"


def create_console(engine: Engine, options: ConsoleOptions) -> Flask:
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_FORM_BYTES
    govuk = PackageLoader("govuk_frontend_jinja", "templates")
    app.jinja_env.loader = ChoiceLoader([PackageLoader("bot.console", "templates"),
                                         PrefixLoader({"govuk_frontend_jinja": govuk})])
    app.jinja_env.globals["status_label"] = _status_label
    sessions = SessionStore()
    _register_guards(app, engine, sessions)
    _register_assets(app, options.assets_dir or default_assets_dir())
    _register_sign_in(app, engine, options, sessions)
    register_pages(app, engine, options)
    register_import_pages(app, engine, options, PendingImports())
    register_board_page(app, engine, options)
    register_agency_pages(app, engine, options)
    return app


def _register_guards(app: Flask, engine: Engine, sessions: SessionStore) -> None:
    @app.before_request
    def _signed_in() -> Any:
        g.csp_nonce = secrets.token_urlsafe(16)
        key = request.cookies.get(COOKIE)
        g.session_key, g.session = key, sessions.get(key)
        g.viewer = None
        signed_in = g.session is not None and g.session.contact_id is not None
        # Only a signed-in person may send a plan-sized body; anyone else is cut off at a form's size.
        request.max_content_length = UPLOAD_LIMITS.get(request.endpoint or "", MAX_FORM_BYTES) if signed_in else MAX_FORM_BYTES
        if request.method == "POST" and not _csrf_ok(g.session):
            abort(400, "This form has expired or did not come from this console. Go back, reload the page and try again.")
        if request.endpoint in PUBLIC_ENDPOINTS:
            return None
        if g.session is not None and g.session.contact_id is not None:
            with Session(engine) as db:
                contact = db.get(Contact, g.session.contact_id)
                g.viewer = viewer_for(contact) if contact else None
        if g.viewer is None:
            return redirect(url_for("sign_in"))
        return None

    @app.after_request
    def _headers(response: Response) -> Response:
        nonce = getattr(g, "csp_nonce", "")
        response.headers["Content-Security-Policy"] = (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        if request.endpoint not in ("assets", "stylesheet", "own_static"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(Forbidden)
    def _forbidden(error: Forbidden) -> tuple[str, int]:
        return render_template("error.html", title="You cannot open this page", message=str(error)), 403

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[str, int]:
        titles = {400: "Your request was refused", 404: "Page not found", 413: "That is too large"}
        code = error.code or 500
        return render_template("error.html", title=titles.get(code, error.name), message=error.description), code

    @app.context_processor
    def _page_globals() -> dict[str, Any]:
        session = getattr(g, "session", None)
        return {"viewer": getattr(g, "viewer", None), "csrf_token": session.csrf_token if session else "",
                "cspNonce": getattr(g, "csp_nonce", ""), "assetPath": "/assets"}



def _register_assets(app: Flask, folder: Path) -> None:
    if not (folder / "govuk-frontend.min.css").exists():
        log.warning("console assets missing at %s: run `make` (npm install) first", folder)

    @app.get("/assets/<path:name>")
    def assets(name: str) -> Response:
        return send_from_directory(folder / "assets", name, max_age=86400)

    @app.get("/<any('govuk-frontend.min.css', 'govuk-frontend.min.js'):name>")
    def stylesheet(name: str) -> Response:
        return send_from_directory(folder, name, max_age=3600)

    @app.get("/<any('console.css', 'console.js'):name>")
    def own_static(name: str) -> Response:
        return send_from_directory(OWN_STATIC, name, max_age=3600)


def _register_sign_in(app: Flask, engine: Engine, options: ConsoleOptions, sessions: SessionStore) -> None:

    def start_session(contact_id: int) -> Response:
        sessions.end(g.session_key)  # a new session at sign-in: an old cookie value is never promoted
        key, session = sessions.new()
        session.contact_id = contact_id
        response = make_response(redirect(url_for("reviews")))
        response.set_cookie(COOKIE, key, httponly=True, samesite="Lax", secure=_https(options), path="/")
        return response

    @app.get("/sign-in")
    def sign_in() -> Any:
        if options.entra is None:
            return render_template("sign_in.html", title="Sign in"), 200
        key, session = sessions.new()
        session.flow = options.entra.start(_redirect_uri(options))
        response = make_response(redirect(session.flow["auth_uri"]))
        response.set_cookie(COOKIE, key, httponly=True, samesite="Lax", secure=_https(options), path="/")
        return response

    @app.get("/signed-in")
    def signed_in() -> Any:
        if options.entra is None or g.session is None or g.session.flow is None:
            abort(400, "This sign-in has expired. Sign in again.")
        flow, g.session.flow = g.session.flow, None
        try:
            address = options.entra.finish(flow, request.args)
        except SignInFailed as error:
            abort(400, str(error))
        return _contact_session(engine, address, start_session)


    @app.get("/sign-in/<token>")
    def local_link(token: str) -> Any:
        contact_id = options.links.redeem(token) if options.links else None
        if contact_id is None:
            abort(400, "This sign-in link has been used or has expired. Run `dhr console` again for a new one.")
        return start_session(contact_id)

    @app.post("/sign-out")
    def sign_out() -> Response:
        sessions.end(g.session_key)
        response = make_response(redirect(url_for("sign_in")))
        response.delete_cookie(COOKIE, path="/")
        return response


def _csrf_ok(session: Any) -> bool:
    sent = request.form.get("csrf_token", "")
    return session is not None and bool(sent) and hmac.compare_digest(sent, str(session.csrf_token))


def _https(options: ConsoleOptions) -> bool:
    return request.is_secure or (options.public_url or "").startswith("https://")


def _redirect_uri(options: ConsoleOptions) -> str:
    base = (options.public_url or request.host_url).rstrip("/")
    return f"{base}/signed-in"


def _status_label(status: str) -> str:
    return status.replace("_", " ").capitalize()


def _contact_session(engine: Engine, address: str, start: Callable[[int], Response]) -> Response:
    with Session(engine) as db:
        contact = contact_by_email(db, address)
        viewer = viewer_for(contact) if contact else None
    if viewer is None:
        raise Forbidden("You signed in, but you are not in this partnership's contacts. Ask a coordinator to add you.")
    return start(viewer.contact_id)
