"""`dhr demo`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from bot.commands.common import fail, ready_engine, settings_or_exit
from bot.contacts import ContactsError
from bot.demo import board_preview, export, set_up, show_overdue, simulate
from bot.plans import PlanError


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    start: str = typer.Option("2026-11-30", help="First simulated day (YYYY-MM-DD)."),
    weeks: int = typer.Option(7, min=1, max=52, help="How many weeks to simulate."),
) -> None:
    """Simulate weeks of chasing on the fictional example plan (outbox folder, no credentials needed)."""
    settings = settings_or_exit()
    console = Console(soft_wrap=True)
    first_day = date.fromisoformat(start)
    engine = ready_engine(settings)
    console.rule("dhr-chaser demo: Riverside DHR 3")
    try:
        set_up(engine, settings, console, first_day)
    except (ContactsError, PlanError) as exc:
        raise fail(str(exc)) from None
    simulate(engine, settings, console, start=first_day, days=weeks * 7)
    last_day = first_day + timedelta(days=weeks * 7)
    show_overdue(engine, settings, console, last_day)
    export(engine, settings, console, settings.outbox_dir.parent, last_day)
    end = datetime.combine(last_day, time(10, 0), tzinfo=ZoneInfo(settings.partnership.timezone))
    board_preview(engine, settings, console, settings.outbox_dir.parent, end)
    console.print(f"Every message is in [bold]{settings.outbox_dir}[/bold] (.json + .eml/.txt); "
                  f"board digests in {settings.outbox_dir / 'digests'}.")
