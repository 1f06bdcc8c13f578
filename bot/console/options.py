"""How a console is set up: which partnership, how people sign in, where the assets are."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.console.auth import EntraSignIn, OneTimeLinks
from bot.plans.limits import DEFAULT_MAX_ACTIONS
from bot.rules.escalation import ReplyPolicy
from bot.settings import Settings


@dataclass(frozen=True)
class ConsoleOptions:
    partnership_id: int
    public_url: str | None = None  # e.g. https://dhr.riverside.gov.uk: the Entra redirect URI is built from it
    entra: EntraSignIn | None = None
    links: OneTimeLinks | None = None
    assets_dir: Path | None = None
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    #: From the settings, as `dhr import` and `dhr digest` use them (safety.max_import_actions, the reply policy).
    max_import_actions: int = DEFAULT_MAX_ACTIONS
    replies: ReplyPolicy = field(default_factory=ReplyPolicy)
    #: Who the coordinators are and how they are reached (a held mail accepted as genuine may open a task).
    settings: Settings | None = None
