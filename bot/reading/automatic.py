"""Is a reply written by a machine? Out-of-office notices, "no longer works here", part-time notices,
mailbox acknowledgements, bounces and delivery reports are never an answer about an action.

Headers decide first, because they are what the sending software says about itself:
- RFC 3834 `Auto-Submitted` with any value but "no" (auto-replied, auto-generated, auto-notified);
- the older `Precedence: auto_reply` / `junk` and the `X-Autoreply` / `X-Autorespond` markers;
- Exchange's own signs of a rule-made message (`X-MS-Exchange-Inbox-Rules-Loop`,
  `X-MS-Exchange-Generated-Message-Source`);
- delivery reports: `Content-Type: multipart/report` (RFC 6522), `X-Failed-Recipients`, a null
  `Return-Path: <>` (RFC 5321 bounces) or a sender such as mailer-daemon / postmaster.

`X-Auto-Response-Suppress` is deliberately NOT a sign: it asks the recipient's server not to send
automatic replies, and Outlook puts it on ordinary mail people type (MS-OXCMAIL 2.1.3.2.20).

Then the subject ("Automatic reply:", "Out of Office", "Undeliverable:", and the French, German,
Spanish and Dutch forms clients use), then the opening of the body. Only the opening counts:
"I was on leave last week, sorry - it's done now" is a person answering.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum

__all__ = ["AutomaticKind", "automatic_reply_kind", "is_automatic"]


class AutomaticKind(StrEnum):
    OUT_OF_OFFICE = "out_of_office"
    LEFT = "left_organisation"  # "no longer works here"
    PART_TIME = "part_time"
    ACKNOWLEDGEMENT = "acknowledgement"  # "your email has been received and will be dealt with"
    DELIVERY_FAILURE = "delivery_failure"  # bounces and non-delivery reports
    OTHER = "other"  # a header says so, the text says nothing more


_NOT_AUTOMATIC_VALUES = frozenset({"", "no"})
_AUTOMATIC_PRECEDENCE = frozenset({"auto_reply", "auto-reply", "junk"})
_BOUNCE_SENDER = re.compile(r"\b(?:mailer-daemon|postmaster|mail delivery (?:subsystem|system))\b", re.I)

_BOUNCE_SUBJECT = re.compile(
    r"^\s*(?:undeliverable|undelivered mail|delivery status notification|delivery (?:has )?failed|mail delivery failed"
    r"|returned mail|failure notice|non[- ]?delivery|message not delivered|unzustellbar|non remis"
    r"|no se puede entregar)",
    re.I,
)
_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|out of (?:the )?office|ooo\b"
    r"|r[ée]ponse automatique|absence du bureau|abwesenheit(?:snotiz)?|automatische antwort|respuesta autom[áa]tica"
    r"|fuera de la oficina|automatisch antwoord|afwezig)",
    re.I,
)

_BOUNCE_TEXT = re.compile(
    r"\b(?:delivery (?:has )?failed to these recipients|(?:could not|couldn't|wasn't|was not) (?:be )?delivered"
    r"|message (?:could not|couldn't) be delivered|undeliverable|address (?:you entered )?(?:couldn't"
    r"|could not) be found"
    r"|created automatically by mail delivery software|this is the mail system at host|permanent(?:ly)? (?:error|fail)"
    r"|recipient address rejected|mailbox (?:unavailable|is full|not found))",
    re.I,
)
_LEFT_TEXT = re.compile(
    r"\b(?:no longer (?:works?|employed|working|with (?:the|this|our))|has left (?:the|this|our) (?:organisation"
    r"|organization"
    r"|council|trust|service|team|company)|(?:i|this person|this mailbox) (?:no longer|is no longer) (?:work|in use"
    r"|monitored)"
    r"|this (?:e-?mail )?(?:address|mailbox) is no longer (?:in use|monitored|active))",
    re.I,
)
_PART_TIME_TEXT = re.compile(
    r"\b(?:i work part[- ]time|i (?:only )?work (?:on )?(?:mon|tues|wednes|thurs|fri)days?\b[^.\n]{0,40}"
    r"|my working days are|i(?:'m| am) (?:only )?in the office on)",
    re.I,
)
_ACK_TEXT = re.compile(
    r"\b(?:thank you for (?:contacting|your (?:e-?mail|message))[^.\n]{0,80}\b(?:has been|have been|was) received"
    r"|your (?:e-?mail|message) has been (?:received|logged|forwarded)|this (?:is an|mailbox is) (?:automated"
    r"|unmonitored)"
    r"|do not reply to this (?:e-?mail|message))",
    re.I,
)
_AWAY_TEXT = re.compile(
    r"\b(?:automatic reply|auto-?reply|out of (?:the )?office\b(?! (?:hours|working|last|yesterday))"
    r"|(?:i am|i'm|i will be|i shall be|currently)\b[^.\n]{0,40}\b(?:on (?:annual |study |parental |maternity "
    r"|paternity"
    r"|sick |adoption )?leave|away from (?:the |my )?(?:office|desk)|on holiday|not in the office|away until"
    r"|out of the office|away at the moment|absent)"
    # "Kelly Vance is away until 5 July and may not see your message": a notice about someone else
    r"|(?:is|are) (?:currently )?(?:away|on (?:\w+ )?leave|out of (?:the )?office)\b[^.\n]{0,60}\b(?:your (?:e-?mail"
    r"|message)|may not see|on (?:her|his|their) return)"
    r"|je suis absente?|ich bin (?:bis|vom|ab|derzeit|zurzeit)|estoy fuera|ik ben afwezig)",
    re.I,
)
# The first of these that matches names the kind; order matters ("I am on leave ... no longer" is a leaver).
_BODY_KINDS = (
    (AutomaticKind.DELIVERY_FAILURE, _BOUNCE_TEXT),
    (AutomaticKind.LEFT, _LEFT_TEXT),
    (AutomaticKind.PART_TIME, _PART_TIME_TEXT),
    (AutomaticKind.ACKNOWLEDGEMENT, _ACK_TEXT),
    (AutomaticKind.OUT_OF_OFFICE, _AWAY_TEXT),
)
#: How much of the body the text rules look at: an automatic notice says what it is straight away.
_OPENING = 300


def _header(headers: Mapping[str, str], name: str) -> str:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), "").strip()


def _has_header(headers: Mapping[str, str], name: str) -> bool:
    return any(key.lower() == name.lower() for key in headers)


def _kind_from_headers(headers: Mapping[str, str]) -> AutomaticKind | None:
    content_type = _header(headers, "Content-Type").lower()
    if content_type.startswith("multipart/report") or _has_header(headers, "X-Failed-Recipients"):
        return AutomaticKind.DELIVERY_FAILURE
    if _header(headers, "Return-Path") == "<>" or _BOUNCE_SENDER.search(_header(headers, "From")):
        return AutomaticKind.DELIVERY_FAILURE
    auto_submitted = _header(headers, "Auto-Submitted").lower().split(";")[0].strip()
    if auto_submitted not in _NOT_AUTOMATIC_VALUES:
        return AutomaticKind.OTHER
    if _header(headers, "Precedence").lower() in _AUTOMATIC_PRECEDENCE:
        return AutomaticKind.OTHER
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-MS-Exchange-Inbox-Rules-Loop",
                 "X-MS-Exchange-Generated-Message-Source"):
        if _has_header(headers, name):
            return AutomaticKind.OTHER
    return None


# "I'm off until 15 Feb but will pick it up when I'm back": a person promising to come back to THIS
# message, where a notice speaks of "your email" or "messages".
_PERSONAL_PROMISE = re.compile(
    r"\b(?:pick (?:this|it) up|look at (?:this|it)|get (?:back )?(?:on )?to (?:this|it)|come back to you on (?:this|it)"
    r"|sort (?:this|it)|deal with (?:this|it)|update you on (?:this|it))\b",
    re.I,
)
_IMPERSONAL = re.compile(r"\b(?:your (?:e-?mail|message)|(?:e-?mails|messages) will|limited access|urgent)\b", re.I)


# "Sorry for the slow reply, I've been out of the office", "I work part-time so apologies for the delay": a person
# explaining why their answer is late, which no notice does.
_LATE_ANSWER = re.compile(
    r"\b(?:sorry|apologies|apologise|apologize)\b[^.\n]{0,30}\b(?:slow|late|delay(?:ed)?|belated)\b"
    r"|\b(?:slow|late|delayed|belated) (?:reply|response)\b[^.\n]{0,10}\b(?:sorry|apologies)"
    r"|\bi(?:'ve| have) been (?:out of (?:the )?office|away|on leave|off)\b"
    # "I had my out-of-office on so only just seeing this", "a quick answer before I go", "this isn't an automatic
    # reply, promise": a person answering around their absence, or saying outright they are no machine
    r"|\bonly just (?:seen|seeing|read|reading|got (?:to|round to))\b|\b(?:quick|short) (?:answer|reply|update) before i\b"
    r"|\bbefore i (?:go|leave|head off)\b|\b(?:isn't|is not|not) an? (?:automatic|auto-?|automated) ?(?:reply|response)\b",
    re.I,
)


def _kind_from_text(subject: str, body: str) -> AutomaticKind | None:
    if _BOUNCE_SUBJECT.match(subject):
        return AutomaticKind.DELIVERY_FAILURE
    opening = re.sub(r"\s+", " ", body)[:_OPENING]
    for kind, pattern in _BODY_KINDS:
        if pattern.search(opening):
            if kind in _PERSON_MAY_WRITE and _written_by_a_person(subject, opening):
                return None
            return kind
    if _AUTO_SUBJECT.match(subject):
        return AutomaticKind.OUT_OF_OFFICE
    return None


#: Notices whose words a person also writes about themselves (a bounce or a leaver's notice is never typed).
_PERSON_MAY_WRITE = frozenset({AutomaticKind.OUT_OF_OFFICE, AutomaticKind.PART_TIME})


def _written_by_a_person(subject: str, opening: str) -> bool:
    """An away note with a promise about this very message, or an apology for answering late, and no sign of a
    notice: a person typed it."""
    if _AUTO_SUBJECT.match(subject):
        return False
    if _LATE_ANSWER.search(opening):
        return True
    return _PERSONAL_PROMISE.search(opening) is not None and _IMPERSONAL.search(opening) is None


def automatic_reply_kind(
    headers: Mapping[str, str] | None, body: str, subject: str | None = None
) -> AutomaticKind | None:
    """What kind of machine wrote this message, or None when a person did. `subject` defaults to the
    Subject header. Headers decide first; a header that says "automatic" is refined by the text."""
    headers = headers or {}
    subject = subject if subject is not None else _header(headers, "Subject")
    by_headers = _kind_from_headers(headers)
    by_text = _kind_from_text(subject, body)
    if by_headers is AutomaticKind.OTHER and by_text is not None:
        return by_text
    return by_headers or by_text


def is_automatic(headers: Mapping[str, str] | None, body: str, subject: str | None = None) -> bool:
    """True for out-of-office notices, bounces and other machine replies, which never count as an answer."""
    return automatic_reply_kind(headers, body, subject) is not None
