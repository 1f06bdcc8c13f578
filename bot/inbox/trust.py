"""Whether a mail's From address is vouched for by the partnership's own receiving server. Pure.

Anyone can write a lead's address in From, and anyone can add an Authentication-Results header
of their own before sending. So the verdict is read only from the header(s) our receiving
server wrote, and only an aligned pass counts:

- RFC 8601 (sections 2.2 and 5): the authserv-id names the server that did the checks; a
  receiver must not believe A-R fields claiming its own authserv-id that arrived from outside,
  and it adds its own field above whatever the message already carried (trace fields are
  prepended, RFC 5322 3.6.7). Graph's internetMessageHeaders come in message order, newest
  first (not documented as such; observed responses open with the receiving hops' Received lines).
- Exchange Online Protection writes its Authentication-Results WITHOUT an authserv-id
  ("spf=pass (sender IP is ...) smtp.mailfrom=...; dkim=pass (signature was verified)
  header.d=...;dmarc=pass action=none header.from=...;compauth=pass reason=100", see
  learn.microsoft.com/defender-office-365/message-headers-eop-mdo), and it does not remove A-R
  fields the sender added. With the Exchange Online default, therefore, only the topmost
  A-R field is ours; a configured authserv-id (another receiving server) takes the leading run
  of fields carrying exactly that id.
- Alignment (RFC 7489 3.1): a pass speaks for the From address only when the domain it checked
  (header.from for DMARC, smtp.mailfrom for SPF, header.d for DKIM) is the From domain or a
  subdomain of it. "dmarc=bestguesspass" (no DMARC record published) is not a pass.
- Mail between people of the partnership's own tenant often carries no DMARC verdict. Exchange
  marks mail submitted by an authenticated user of the organisation with
  X-MS-Exchange-Organization-AuthAs: Internal, and its header firewall strips every
  X-MS-Exchange-Organization-* header from mail entering from outside the organisation
  (learn.microsoft.com/exchange/header-firewall; techcommunity "Demystifying and troubleshooting
  hybrid mail flow: when is a message internal?"), so an outside sender cannot forge it. That
  stamp, and only that one (not X-MS-Exchange-CrossTenant-AuthAs, which another tenant's own
  servers write about their own users), counts as authenticated.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

#: The authserv-id setting meaning "Exchange Online": its A-R fields carry no authserv-id.
EXCHANGE_ONLINE = "exchange-online"
AUTH_RESULTS = "authentication-results"
INTERNAL_STAMP = "x-ms-exchange-organization-authas"
NOT_AUTHENTICATED = "sender not authenticated"

_COMMENT = re.compile(r"\([^()]*\)")
_METHOD = re.compile(r"^\s*([a-z0-9_-]+)(?:/[0-9]+)?\s*=\s*([a-z]+)(.*)$", re.I | re.S)
_PROPERTY = re.compile(r"\b([a-z]+\.[a-z0-9_-]+)\s*=\s*(\S+)", re.I)
_ALIGNED_BY = {"dmarc": "header.from", "spf": "smtp.mailfrom", "dkim": "header.d"}


@dataclass(frozen=True)
class SenderVerdict:
    authenticated: bool
    reason: str  # why, in a few words without the address: "dmarc pass", "internal to the tenant", ...


@dataclass(frozen=True)
class MethodResult:
    method: str  # dmarc, spf, dkim, ...
    result: str  # pass, fail, none, softfail, bestguesspass, ...
    domain: str  # the domain the method checked ("" when not given)


def sender_verdict(
    headers: Sequence[tuple[str, str]], from_address: str, *, authserv_id: str = EXCHANGE_ONLINE
) -> SenderVerdict:
    """Whether our receiving server vouched for `from_address`; `headers` in message order, top first."""
    from_domain = from_address.rpartition("@")[2].strip().lower()
    if not from_domain:
        return SenderVerdict(False, "no From address")
    stamps = [value.strip().lower() for name, value in headers if name.strip().lower() == INTERNAL_STAMP]
    if stamps == ["internal"]:
        return SenderVerdict(True, "internal to the tenant")
    ours = our_results(headers, authserv_id)
    if not ours:
        return SenderVerdict(False, "no verdict from our receiving server")
    if any(r.method == "dmarc" and r.result == "fail" for r in ours):
        return SenderVerdict(False, "dmarc fail")
    for method in ("dmarc", "dkim", "spf"):
        if any(r.method == method and r.result == "pass" and aligned(r.domain, from_domain) for r in ours):
            return SenderVerdict(True, f"{method} pass")
    return SenderVerdict(False, "no aligned pass")


def our_results(headers: Sequence[tuple[str, str]], authserv_id: str) -> list[MethodResult]:
    """The method results in the A-R field(s) our own receiving server wrote; see the module docstring."""
    fields = [value for name, value in headers if name.strip().lower() == AUTH_RESULTS]
    wanted = authserv_id.strip().lower()
    if wanted == EXCHANGE_ONLINE:
        first = fields[:1]
        return parse_results(first[0]) if first and authserv_id_of(first[0]) is None else []
    results: list[MethodResult] = []
    for value in fields:
        if authserv_id_of(value) != wanted:
            break
        results.extend(parse_results(value))
    return results


def authserv_id_of(value: str) -> str | None:
    """The field's authserv-id, lower case, or None when it opens straight with a method result."""
    head = _COMMENT.sub(" ", value).split(";", 1)[0].strip()
    if not head or "=" in head:
        return None
    return head.split()[0].lower()


def parse_results(value: str) -> list[MethodResult]:
    parts = _COMMENT.sub(" ", value).split(";")
    if authserv_id_of(value) is not None:
        parts = parts[1:]
    results = []
    for part in parts:
        match = _METHOD.match(part)
        if match is None:
            continue
        method, result, rest = match.group(1).lower(), match.group(2).lower(), match.group(3)
        properties = {key.lower(): val.strip("\"'<>").lower() for key, val in _PROPERTY.findall(rest)}
        checked = properties.get(_ALIGNED_BY.get(method, ""), "")
        results.append(MethodResult(method, result, checked.rpartition("@")[2]))
    return results


def aligned(checked_domain: str, from_domain: str) -> bool:
    """The checked domain speaks for the From domain: the same, or a subdomain of it."""
    checked = checked_domain.strip(".").lower()
    return bool(checked) and (checked == from_domain or checked.endswith("." + from_domain))
