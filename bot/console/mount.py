"""Turning the console on: beside the Slack endpoint in `dhr run`, or alone on a laptop with `dhr console`.

`dhr run` serves it only when Microsoft sign-in is set up (MS_TENANT_ID, MS_CLIENT_ID, MS_CLIENT_SECRET)
and DHR_CONSOLE_URL says the address people open (the Entra app's redirect URI is DHR_CONSOLE_URL/signed-in).
Without both there is no way in, so nothing is served.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from sqlalchemy.engine import Engine

from bot.console.auth import EntraSettings, EntraSignIn, OneTimeLinks
from bot.console.options import ConsoleOptions
from bot.console.web import create_console
from bot.db import ensure_partnership, session_scope
from bot.policy import reply_policy
from bot.settings import Settings

CONSOLE_URL_VARIABLE = "DHR_CONSOLE_URL"


def entra_settings(settings: Settings) -> EntraSettings | None:
    if not (settings.ms_tenant_id and settings.ms_client_id and settings.ms_client_secret):
        return None
    return EntraSettings(settings.ms_tenant_id, settings.ms_client_id, settings.ms_client_secret,
                         settings.ms_authority_url)


def partnership_id(engine: Engine, settings: Settings) -> int:
    with session_scope(engine) as session:
        found = ensure_partnership(session, settings).id
    assert found is not None
    return found


def console_for_run(settings: Settings, engine: Engine, environ: dict[str, str] | None = None) -> Flask | None:
    """The console `dhr run` mounts, or None when it is not turned on."""
    public_url = (environ if environ is not None else dict(os.environ)).get(CONSOLE_URL_VARIABLE, "").strip()
    entra = entra_settings(settings)
    if not public_url or entra is None:
        return None
    return create_console(engine, ConsoleOptions(partnership_id(engine, settings), public_url=public_url,
                                                 entra=EntraSignIn(entra), settings=settings, **from_settings(settings)))


def local_console(settings: Settings, engine: Engine) -> tuple[Flask, OneTimeLinks]:
    """The console for this machine only: one-time sign-in links, no Microsoft sign-in."""
    links = OneTimeLinks()
    return create_console(engine, ConsoleOptions(partnership_id(engine, settings), links=links, settings=settings,
                                                 **from_settings(settings))), links


def from_settings(settings: Settings) -> dict[str, Any]:
    """The options the Import and Board pages take from the settings, as `dhr import` and `dhr digest` do."""
    return {"max_import_actions": settings.safety.max_import_actions, "replies": reply_policy(settings)}
