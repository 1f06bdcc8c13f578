"""`dhr console`: the coordinator console on this machine, with a one-time sign-in link."""

from __future__ import annotations

import signal
import threading

import typer
from sqlmodel import Session, col, select

from bot.commands.common import console, fail, ready_engine, settings_or_exit
from bot.console.access import contact_by_email, viewer_for
from bot.models import Contact
from bot.rules.statuses import Role


def register(app: typer.Typer) -> None:
    app.command("console")(run_console)


def run_console(
    as_email: str | None = typer.Option(
        None, "--as", help="Sign in as this contact (mail address); default: the first coordinator."),
    port: int = typer.Option(8800, "--port", min=0, max=65535, help="Port on 127.0.0.1 (0: any free port)."),
) -> None:
    """Serve the coordinator console on 127.0.0.1 only, and print a sign-in link that works once, for ten minutes."""
    from bot.app import make_http_server
    from bot.console.mount import local_console

    settings = settings_or_exit()
    engine = ready_engine(settings)
    with Session(engine) as session:
        if as_email:
            contact = contact_by_email(session, as_email)
        else:
            contact = session.exec(select(Contact).where(Contact.role == Role.COORDINATOR.value, Contact.active)
                                   .order_by(col(Contact.id))).first()
        viewer = viewer_for(contact) if contact else None
    if viewer is None:
        raise fail(f"no active contact {as_email!r}" if as_email else
                   "there is no coordinator in the contacts: add one (dhr contacts import) or say who with --as")
    app, links = local_console(settings, engine)
    server = make_http_server(app, "127.0.0.1", port)
    # Ctrl+C stops it even when the process that started it ignored or blocked SIGINT (both are
    # inherited across exec, and Python then raises no KeyboardInterrupt at all).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    signal.signal(signal.SIGINT, signal.default_int_handler)
    thread = threading.Thread(target=server.run, name="dhr-console", daemon=True)
    thread.start()
    try:  # from the first line printed on, a Ctrl+C stops the server cleanly
        console.print(f"Console for {viewer.name} ({viewer.role}). Open this link on this computer; it works once, "
                      "for ten minutes:")
        print(f"http://127.0.0.1:{server.port}/sign-in/{links.issue(viewer.contact_id)}", flush=True)
        console.print("Press Ctrl+C to stop.")
        while thread.is_alive():
            thread.join(timeout=1.0)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop(thread)
        console.print("Console stopped.")
