"""How a console is set up: which partnership, how people sign in, where the assets are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.console.auth import EntraSignIn, OneTimeLinks
from bot.settings import Settings


@dataclass(frozen=True)
class ConsoleOptions:
    partnership_id: int
    public_url: str | None = None  # e.g. https://dhr.riverside.gov.uk: the Entra redirect URI is built from it
    entra: EntraSignIn | None = None
    links: OneTimeLinks | None = None
    assets_dir: Path | None = None
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    #: Who the coordinators are and how they are reached (a held mail accepted as genuine may open a task).
    settings: Settings | None = None
