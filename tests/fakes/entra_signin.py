"""The sign-in half of the fake Microsoft identity platform: the OAuth 2.0 authorization-code flow with PKCE.

Follows Microsoft's documented behaviour (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow
and .../id-token-claims-reference), including its awkward parts:

- GET /{tenant}/oauth2/v2.0/authorize shows a sign-in page; the user types their address and the page
  redirects to `redirect_uri?code=...&state=...&session_state=...` (response_mode=query, the default for code).
  A redirect_uri that is not registered is not redirected to at all: the page shows AADSTS50011 instead,
  as Entra does, because redirecting to an unknown address would hand the code to a stranger.
- An address that is not in the directory is refused on the page (AADSTS50034).
- POST /{tenant}/oauth2/v2.0/token with grant_type=authorization_code redeems a code once (AADSTS54005 the
  second time), within 10 minutes (AADSTS70008 after), only for the same client and redirect_uri (AADSTS70000
  / AADSTS500112 style invalid_grant), and only with the code_verifier whose S256 hash was the code_challenge
  (AADSTS50148). The answer carries an id_token with iss, aud, exp, iat, nbf, nonce (echoed as sent: MSAL
  sends a hash of its nonce and checks that hash comes back), oid, tid, sub, name and preferred_username,
  and client_info (base64url {"uid","utid"}) because MSAL asks for it with client_info=1.

What the fake leaves out: the id_token is not really signed (MSAL does not check the signature of a token it
received straight from the token endpoint over TLS; the signature segment here is random bytes), consent
screens, MFA and conditional access.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

CODE_LIFETIME_SECONDS = 600


class SignInError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Page:
    """An HTML answer (the sign-in and error pages), as opposed to the JSON the APIs answer."""

    body: str


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str | None
    nonce: str | None
    email: str
    scope: str
    issued: float
    redeemed: bool = False


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class AuthCodeFlow:
    """State of the fake directory: its users, the registered redirect URIs, the codes handed out."""

    def __init__(self, tenant_id: str, client_id: str, client_secret: str, issuer: Callable[[], str],
                 clock: Callable[[], float] = time.time) -> None:
        self.tenant_id, self.client_id, self.client_secret = tenant_id, client_id, client_secret
        self._issuer, self._clock = issuer, clock
        self.users: dict[str, str] = {}  # address (lower case) -> display name
        self.redirect_uris: set[str] = set()
        self._grants: dict[str, _Grant] = {}

    def add_user(self, email: str, name: str) -> None:
        self.users[email.lower()] = name

    # -- GET/POST /authorize ---------------------------------------------------------------------

    def authorize(self, query: dict[str, str], form: dict[str, str] | None) -> tuple[int, dict[str, str], Any]:
        params = dict(query)
        if form:
            params.update({k: v for k, v in form.items() if k != "login"})
        if params.get("client_id") != self.client_id:
            return 400, {}, _error_page("AADSTS700016", "Application not found in the directory.")
        if params.get("redirect_uri") not in self.redirect_uris:
            return 400, {}, _error_page("AADSTS50011", "The redirect URI specified in the request does not match "
                                                       "the redirect URIs configured for the application.")
        if params.get("response_type") != "code":
            return 302, {"Location": _redirect(params, {"error": "unsupported_response_type"})}, None
        if form is None:
            return 200, {}, _sign_in_page(params, error=None)
        email = form.get("login", "").strip().lower()
        if email not in self.users:
            return 200, {}, _sign_in_page(params, error="AADSTS50034: The user account does not exist in this directory.")
        code = secrets.token_urlsafe(32)
        self._grants[code] = _Grant(self.client_id, params["redirect_uri"], params.get("code_challenge"),
                                    params.get("nonce"), email, params.get("scope", ""), self._clock())
        answer = {"code": code, "session_state": secrets.token_hex(8)}
        if "state" in params:
            answer["state"] = params["state"]
        return 302, {"Location": _redirect(params, answer)}, None

    # -- POST /token, grant_type=authorization_code -----------------------------------------------

    def redeem(self, form: dict[str, str]) -> dict[str, Any]:
        if form.get("client_id") != self.client_id:
            raise SignInError(400, "unauthorized_client", "AADSTS700016: Application not found in the directory.")
        if form.get("client_secret") != self.client_secret:
            raise SignInError(401, "invalid_client", "AADSTS7000215: Invalid client secret provided.")
        grant = self._grants.get(form.get("code", ""))
        if grant is None:
            raise SignInError(400, "invalid_grant", "AADSTS9002313: Invalid request. The authorization code is malformed.")
        if grant.redeemed:
            raise SignInError(400, "invalid_grant", "AADSTS54005: OAuth2 Authorization code was already redeemed.")
        if self._clock() - grant.issued > CODE_LIFETIME_SECONDS:
            raise SignInError(400, "invalid_grant", "AADSTS70008: The provided authorization code has expired.")
        if form.get("redirect_uri") != grant.redirect_uri:
            raise SignInError(400, "invalid_grant", "AADSTS70000: The provided value for the 'redirect_uri' is not valid.")
        if grant.code_challenge is not None:
            verifier = form.get("code_verifier", "")
            if _b64url(hashlib.sha256(verifier.encode("ascii")).digest()) != grant.code_challenge:
                raise SignInError(400, "invalid_grant", "AADSTS50148: The code_verifier does not match the "
                                                        "code_challenge supplied in the authorization request.")
        grant.redeemed = True
        now = int(self._clock())
        oid = str(hashlib.sha256(grant.email.encode()).hexdigest()[:32])
        claims = {
            "iss": self._issuer(), "aud": self.client_id, "iat": now, "nbf": now, "exp": now + 3600,
            "oid": oid, "sub": oid, "tid": self.tenant_id, "name": self.users[grant.email],
            "preferred_username": grant.email, "ver": "2.0",
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        header = {"typ": "JWT", "alg": "RS256", "kid": "fake-key"}
        id_token = ".".join(_b64url(json.dumps(part).encode()) for part in (header, claims)) + "." + _b64url(
            secrets.token_bytes(32))
        return {
            "token_type": "Bearer", "scope": grant.scope, "expires_in": 3599, "ext_expires_in": 3599,
            "access_token": f"fake-user-token-{secrets.token_hex(8)}", "refresh_token": secrets.token_urlsafe(24),
            "id_token": id_token,
            "client_info": _b64url(json.dumps({"uid": oid, "utid": self.tenant_id}).encode()),
        }


def _redirect(params: dict[str, str], answer: dict[str, str]) -> str:
    return f"{params['redirect_uri']}?{urlencode(answer)}"


def _sign_in_page(params: dict[str, str], error: str | None) -> Page:
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in params.items())
    problem = f'<p role="alert" id="error">{html.escape(error)}</p>' if error else ""
    return Page(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title></head>'
        '<body><main><h1>Sign in</h1>' + problem +
        '<form method="post"><label for="login">Email, phone, or Skype</label>'
        f'<input id="login" name="login" type="email" autocomplete="username">{hidden}'
        '<button type="submit" id="next">Next</button></form></main></body></html>'
    )


def _error_page(code: str, message: str) -> Page:
    return Page(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>'
                f'<body><main><h1>Sorry, but we\'re having trouble signing you in.</h1>'
                f'<p id="error">{html.escape(code)}: {html.escape(message)}</p></main></body></html>')
