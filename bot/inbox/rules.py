"""Pure rules for mail arriving in the bot's mailbox: which of our messages it answers, and what a
reply to a confirmation question says. No database, no Graph: bot/inbox/poll.py feeds these plain values.

Matching order (TECH-NOTES 3.14, 3.15): the In-Reply-To / References headers name our message's
internetMessageId exactly; the `[DHR-xxxxxxxx]` token in the subject survives a client that drops
headers; conversationId is the weakest clue (it changes when someone edits the subject, and it
says nothing about which of several messages was meant), so it decides only when nothing else
points elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_SUBJECT_TOKEN = re.compile(r"\[\s*(DHR-[0-9a-f]{16})\s*\]", re.I)


@dataclass(frozen=True)
class IncomingMail:
    """What the inbox needs from one Graph message, already fetched."""

    graph_id: str
    internet_message_id: str | None
    sender: str  # mail address, lower case; "" when Graph gave none
    sender_name: str | None
    subject: str
    text: str  # uniqueBody as plain text
    headers: dict[str, str]
    conversation_id: str | None
    attachment_names: tuple[str, ...] = ()
    #: Every header in message order, top (newest) first, repeats kept apart: who wrote which
    #: Authentication-Results depends on it (bot.inbox.trust).
    header_list: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        """The durable identity of this mail: the Graph id changes when the mail is moved."""
        return self.internet_message_id or f"graph:{self.graph_id}"


def incoming_mail(graph_message: Mapping[str, Any], attachment_names: Sequence[str] = ()) -> IncomingMail:
    sender = (graph_message.get("from") or graph_message.get("sender") or {}).get("emailAddress") or {}
    body = graph_message.get("uniqueBody") or graph_message.get("body") or {}
    return IncomingMail(
        graph_id=str(graph_message["id"]),
        internet_message_id=graph_message.get("internetMessageId") or None,
        sender=str(sender.get("address") or "").strip().lower(),
        sender_name=sender.get("name") or None,
        subject=str(graph_message.get("subject") or ""),
        text=str(body.get("content") or ""),
        headers=headers_of(graph_message.get("internetMessageHeaders") or []),
        conversation_id=graph_message.get("conversationId") or None,
        attachment_names=tuple(name for name in attachment_names if name),
        header_list=header_pairs(graph_message.get("internetMessageHeaders") or []),
    )


def header_pairs(raw: Iterable[Mapping[str, Any]]) -> tuple[tuple[str, str], ...]:
    """Graph's [{name, value}] list as (name, value) pairs, in the order Graph gave them."""
    return tuple((str(item.get("name") or ""), str(item.get("value") or "")) for item in raw if item.get("name"))


def headers_of(raw: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Graph's [{name, value}] list as a dict; a repeated header keeps its values joined."""
    headers: dict[str, str] = {}
    for item in raw:
        name, value = str(item.get("name") or ""), str(item.get("value") or "")
        if not name:
            continue
        existing = next((k for k in headers if k.lower() == name.lower()), None)
        if existing is None:
            headers[name] = value
        else:
            headers[existing] = f"{headers[existing]} {value}"
    return headers


def header(headers: Mapping[str, str], name: str) -> str:
    return next((value for key, value in headers.items() if key.lower() == name.lower()), "")


def referenced_message_ids(headers: Mapping[str, str]) -> list[str]:
    """Message-IDs this mail answers, nearest first: In-Reply-To, then References newest to oldest."""
    in_reply_to = _MESSAGE_ID.findall(header(headers, "In-Reply-To"))
    references = list(reversed(_MESSAGE_ID.findall(header(headers, "References"))))
    return list(dict.fromkeys(in_reply_to + references))


def subject_tokens(subject: str) -> list[str]:
    """`[DHR-1a2b3c4d5e6f7a8b]` tokens in a subject, in the form outbox.new_ref_token makes them."""
    return list(dict.fromkeys("DHR-" + m.group(1)[4:].lower() for m in _SUBJECT_TOKEN.finditer(subject)))


def token_to_match(tokens: Sequence[str]) -> str | None:
    """The one token a subject may be matched by. Several tokens match nothing on their own: a
    subject stuffed with guesses, or a mail that mixes two of ours, is for a person to sort out."""
    return tokens[0] if len(tokens) == 1 else None


def choose_message(
    by_headers: int | None,
    by_token: int | None,
    *,
    has_unknown_token: bool,
    by_conversation: Sequence[int],
) -> int | None:
    """The id of the message a mail answers, or None when the clues are missing or disagree.

    conversationId alone is trusted only when it names exactly one of our messages and the subject
    does not carry a token of ours that we cannot find (then the two disagree, and a person should look).
    """
    if by_headers is not None:
        return by_headers
    if by_token is not None:
        return by_token
    if has_unknown_token:
        return None
    candidates = set(by_conversation)
    return candidates.pop() if len(candidates) == 1 else None


_AUTH_COMMENT = re.compile(r"\([^()]*\)")
_AUTH_VERDICT = re.compile(r"\b(dmarc|spf|dkim)\s*=\s*([a-z]+)", re.I)


def sender_authenticated(headers: Mapping[str, str]) -> bool | None:
    """Whether the receiving server vouched for the From address (Authentication-Results, RFC 8601).

    True when DMARC passed, or, with no DMARC verdict, both SPF and DKIM passed; False when DMARC
    failed, or SPF or DKIM failed with no DMARC pass; None when there is no verdict to go on (mail
    from inside the tenant often carries no such header). A repeated header arrives joined into one
    value, so a fail anywhere outweighs a pass: a forged extra header must not turn a fail into a pass.
    """
    value = _AUTH_COMMENT.sub(" ", header(headers, "Authentication-Results"))
    verdicts: dict[str, set[str]] = {"dmarc": set(), "spf": set(), "dkim": set()}
    for method, result in _AUTH_VERDICT.findall(value):
        verdicts[method.lower()].add(result.lower())
    if "fail" in verdicts["dmarc"]:
        return False
    if "pass" in verdicts["dmarc"]:
        return True
    if "fail" in verdicts["spf"] or "fail" in verdicts["dkim"]:
        return False
    if "pass" in verdicts["spf"] and "pass" in verdicts["dkim"]:
        return True
    return None


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    CORRECTION = "correction"  # neither: the reply restates the update in its own words


@dataclass(frozen=True)
class ConfirmationReply:
    answer: Answer
    rest: str  # what follows "no, ..." or the whole correction; "" for a bare yes/no


_YES = re.compile(
    r"^(?:yes|yep|yeah|yup|correct|confirmed?|that'?s (?:right|correct|fine)|that is (?:right|correct)|right|agreed"
    r"|spot on|all correct|looks (?:right|correct|good))\b(?![-'])",
    re.I,
)
_NO = re.compile(
    r"^(?:no(?!\s+(?:problem|worries)\b)|nope|not quite|not (?:right|correct)|incorrect|wrong"
    r"|that'?s (?:not right|not correct|wrong|incorrect)|that is (?:not right|not correct|wrong|incorrect))\b(?![-'])",
    re.I,
)
_LEADING_NOISE = re.compile(r"^[\s\"'\u201c\u201d\u2018\u2019*_>-]+")
_AFTER_ANSWER = re.compile(r"^[\s\"'\u201c\u201d\u2018\u2019*_,.;:!-]+")


def read_confirmation_reply(text: str) -> ConfirmationReply:
    """What someone said to "Is that right? Reply Yes, or reply with a correction".

    Only the opening counts ("Yes, thanks" is a yes); anything that is not a yes or a no is taken
    as a correction, to be read like any other reply.
    """
    body = _LEADING_NOISE.sub("", text.strip())
    for pattern, answer in ((_YES, Answer.YES), (_NO, Answer.NO)):
        match = pattern.match(body)
        if match:
            rest = _AFTER_ANSWER.sub("", body[match.end() :]).strip()
            return ConfirmationReply(answer, "" if answer is Answer.YES else rest)
    return ConfirmationReply(Answer.CORRECTION, body)
