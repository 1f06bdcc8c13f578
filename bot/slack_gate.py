"""What a request to /slack/events must be before anything reads it: small, signed, fresh.

Slack signs every request: `X-Slack-Signature = "v0=" + hex(HMAC-SHA256(secret, "v0:{ts}:{body}"))`
with `X-Slack-Request-Timestamp = ts`, and asks apps to refuse a timestamp more than five minutes
off (api.slack.com/authentication/verifying-requests-from-slack). The check runs on the raw bytes
before any parsing, so an unsigned body is never decoded, however malformed, and a large one is
refused from its Content-Length before it is read. Slack's own payloads are a few KB; the largest
(a view submission with many blocks) stays well under MAX_BODY_BYTES.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from slack_bolt.request.internals import parse_body

#: Slack never sends more than this; anything bigger is refused with 413 before it is read.
MAX_BODY_BYTES = 256 * 1024
#: Slack's replay window for signed requests.
MAX_CLOCK_DIFFERENCE = 300


@dataclass(frozen=True)
class Refusal:
    status: int
    error: str


TOO_LARGE = Refusal(413, "request body too large")
UNSIGNED = Refusal(401, "invalid request")
NEEDS_LENGTH = Refusal(411, "Content-Length required")
MALFORMED = Refusal(400, "malformed payload")


def refuse_by_length(content_length: str | None) -> Refusal | None:
    """Refused from the headers alone: no or a bad Content-Length, or a body over the cap."""
    if content_length is None or not content_length.strip().isdigit():
        return NEEDS_LENGTH
    return TOO_LARGE if int(content_length) > MAX_BODY_BYTES else None


def refuse_unsigned(
    body: bytes, timestamp: str | None, signature: str | None, secret: str, now: float
) -> Refusal | None:
    """None when Slack signed `body` within the replay window; else 401, whatever is wrong."""
    if not secret or not timestamp or not signature or not timestamp.isdigit():
        return UNSIGNED
    if abs(now - int(timestamp)) > MAX_CLOCK_DIFFERENCE:
        return UNSIGNED
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(f"v0={digest}", signature):
        return UNSIGNED
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "body is not UTF-8")
    return None


def refuse_malformed(body: bytes, content_type: str | None) -> Refusal | None:
    """400 for a signed body that Bolt would not read as a JSON object (`null`, a list, broken JSON).

    Slack only ever sends an object, as JSON or as a form whose `payload` is JSON; Bolt's own parser
    decides which, so the check cannot disagree with what Bolt then does.
    """
    try:
        parsed = parse_body(body.decode("utf-8"), content_type)
    except ValueError:
        return MALFORMED
    return None if isinstance(parsed, dict) else MALFORMED
