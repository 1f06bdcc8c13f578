"""Signing in: Microsoft Entra ID (OpenID Connect authorization-code flow through msal), or a one-time
link that `dhr console` prints for the local machine. No other way in.

Sessions live in this process's memory, keyed by a random cookie value: nothing a browser holds can be
decoded or forged, and a restart signs everyone out (the console is one process, beside the bot).
"""

from __future__ import annotations

import secrets
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

SESSION_IDLE_SECONDS = 8 * 3600
LINK_LIFETIME_SECONDS = 10 * 60


class SignInFailed(Exception):
    """The identity provider said no, or the answer did not match what was asked (safe to show)."""


@dataclass
class ConsoleSession:
    csrf_token: str
    contact_id: int | None = None
    flow: dict[str, Any] | None = None  # msal's auth-code flow, between /sign-in and the redirect back
    last_seen: float = field(default_factory=time.monotonic)


class SessionStore:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._sessions: dict[str, ConsoleSession] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def new(self) -> tuple[str, ConsoleSession]:
        key = secrets.token_urlsafe(32)
        session = ConsoleSession(csrf_token=secrets.token_urlsafe(32), last_seen=self._clock())
        with self._lock:
            self._forget_idle()
            self._sessions[key] = session
        return key, session

    def get(self, key: str | None) -> ConsoleSession | None:
        if not key:
            return None
        with self._lock:
            session = self._sessions.get(key)
            if session is None or self._clock() - session.last_seen > SESSION_IDLE_SECONDS:
                self._sessions.pop(key, None)
                return None
            session.last_seen = self._clock()
            return session

    def end(self, key: str | None) -> None:
        with self._lock:
            self._sessions.pop(key or "", None)

    def _forget_idle(self) -> None:
        now = self._clock()
        for key in [k for k, s in self._sessions.items() if now - s.last_seen > SESSION_IDLE_SECONDS]:
            del self._sessions[key]


class OneTimeLinks:
    """Sign-in links for the local machine: each works once, for ten minutes."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._links: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def issue(self, contact_id: int) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._links[token] = (contact_id, self._clock())
        return token

    def redeem(self, token: str) -> int | None:
        with self._lock:
            found = self._links.pop(token, None)
        if found is None or self._clock() - found[1] > LINK_LIFETIME_SECONDS:
            return None
        return found[0]


@dataclass(frozen=True)
class EntraSettings:
    tenant_id: str
    client_id: str
    client_secret: str
    authority_url: str  # without the tenant, e.g. https://login.microsoftonline.com


class EntraSignIn:
    """The two legs of the flow; msal makes the state, nonce and PKCE verifier and checks them on the way back."""

    def __init__(self, settings: EntraSettings) -> None:
        import msal

        self._app = msal.ConfidentialClientApplication(
            settings.client_id,
            client_credential=settings.client_secret,
            authority=f"{settings.authority_url.rstrip('/')}/{settings.tenant_id}",
            instance_discovery=False,
        )

    def start(self, redirect_uri: str) -> dict[str, Any]:
        """The flow to keep in the session; send the browser to flow["auth_uri"]."""
        # response_mode=query, not form_post: a cross-site POST back would carry no SameSite=Lax cookie, and
        # so no flow to check it against. The code in the URL is single-use, PKCE-bound, and never sent on
        # as a Referer (Referrer-Policy: same-origin).
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="response_mode='form_post' is recommended")
            flow: dict[str, Any] = self._app.initiate_auth_code_flow(scopes=[], redirect_uri=redirect_uri,
                                                                       response_mode="query")
        return flow

    def finish(self, flow: dict[str, Any], answer: Mapping[str, str]) -> str:
        """The signed-in person's address (preferred_username, else email) from the verified ID token."""
        try:
            result: dict[str, Any] = self._app.acquire_token_by_auth_code_flow(flow, dict(answer))
        except ValueError as error:  # msal: state mismatch, or an answer to another flow
            raise SignInFailed("The sign-in answer did not match this browser's sign-in; try again.") from error
        if "error" in result:
            raise SignInFailed(f"Microsoft sign-in failed: {result.get('error')}")
        claims = result.get("id_token_claims") or {}
        address = str(claims.get("preferred_username") or claims.get("email") or "")
        if not address:
            raise SignInFailed("Microsoft did not say who signed in.")
        return address
