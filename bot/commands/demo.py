"""`dhr demo`: always a sandbox, whatever the environment or a partnership's config says."""

from __future__ import annotations

import tempfile
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import typer
from pydantic import ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource
from rich.console import Console

from bot.commands.common import fail, ready_engine
from bot.contacts import ContactsError
from bot.demo import EXAMPLE_CONFIG, board_preview, export, set_up, show_overdue, simulate
from bot.plans import PlanError
from bot.settings import Settings, describe_validation_error


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


class _SandboxSettings(Settings):
    """Settings from the values given and nothing else: no environment variable, no config file."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],  # noqa: ARG003 (pydantic-settings' hook)
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,  # noqa: ARG003
        dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003
        file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def sandbox_settings(folder: Path) -> Settings:
    """The example partnership with a fresh SQLite database and outbox folder under `folder`.

    Built from the example config alone: no DHR_* variable, no SLACK_*/MS_* credential and no config/dhr.toml
    is read, so a demo run on a partnership's own machine can neither touch its database nor message its people.
    """
    data = tomllib.loads(EXAMPLE_CONFIG.read_text(encoding="utf-8"))
    data["database_url"] = f"sqlite:///{folder / 'dhr-demo.db'}"
    data["outbox_dir"] = str(folder / "outbox")
    if data.get("contacts_file"):
        data["contacts_file"] = str(EXAMPLE_CONFIG.parent / data["contacts_file"])
    data.get("board", {}).pop("ics", None)
    try:
        return _SandboxSettings(**data)
    except ValidationError as exc:
        raise fail(f"{EXAMPLE_CONFIG}: {describe_validation_error(exc)}") from None


def demo(
    start: str = typer.Option("2026-11-30", help="First simulated day (YYYY-MM-DD)."),
    weeks: int = typer.Option(7, min=1, max=52, help="How many weeks to simulate."),
    folder: Path | None = typer.Option(
        None, "--folder", help="Where the demo's database, messages and exports go (emptied first; default: a new "
        "temporary folder)."),
) -> None:
    """Simulate weeks of chasing on the fictional example plan, in a sandbox: nothing is sent anywhere."""
    console = Console(soft_wrap=True)
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="dhr-demo-"))
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dhr-demo.db").unlink(missing_ok=True)
    settings = sandbox_settings(folder)
    console.print(f"Sandboxed demo in {folder}: its own database and outbox folder; credentials, DHR_* settings "
                  "and config files are ignored, and no message leaves this machine.", highlight=False)
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
    export(engine, settings, console, folder, last_day)
    end = datetime.combine(last_day, time(10, 0), tzinfo=ZoneInfo(settings.partnership.timezone))
    board_preview(engine, settings, console, folder, end)
    console.print(f"Every message is in [bold]{settings.outbox_dir}[/bold] (.json + .eml/.txt); "
                  f"board digests in {settings.outbox_dir / 'digests'}.")
