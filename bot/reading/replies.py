"""Reading a lead's reply (Slack thread or Outlook mail) as a progress update. Pure: `today` is passed in.

    read_reply(text, today=..., known_refs=...)   -> Reading for the actions a chaser covered
    read_replies(text, today=..., known_refs=...) -> {ref: Reading}, split when the reply answers per action

A Reading whose confidence is below CONFIDENT must not change an action by itself: the caller
records it as an unconfirmed ProgressUpdate and asks the sender to confirm ("Did you mean RIV3-2-1
is complete?"). Automatic replies are never answers: they read as no_response and, when they say
when the person is back, `out_of_office_until` tells the chaser to wait until then.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from mailparser_reply import EmailReplyParser

from bot.reading.split import mentioned_refs, split_by_action
from bot.reading.status import find_evidence, plain_text, read_status
from bot.rules.dates import find_date_in_text
from bot.rules.statuses import Precision, ReadStatus

__all__ = [
    "CONFIDENT",
    "HEDGED",
    "Reading",
    "is_automatic_reply",
    "out_of_office_until",
    "read_replies",
    "read_reply",
    "read_status",
    "split_by_action",
    "strip_quoted",
]

#: Readings below this confidence must be confirmed by their sender before they change an action.
CONFIDENT = 0.75
#: The most a hedged reply ("done I think", "probably finished", "complete?") can be trusted unasked.
HEDGED = 0.6


@dataclass(frozen=True)
class Reading:
    status: ReadStatus
    new_due: date | None
    evidence: str | None
    confidence: float
    refs: tuple[str, ...] = ()
    out_of_office_until: date | None = None
    text: str = ""  # the new part of the reply, quotes and signature removed

    @property
    def needs_confirmation(self) -> bool:
        return self.confidence < CONFIDENT


# Where quoted history starts; the earliest match cuts the rest of the message.
_HISTORY_STARTS = (
    re.compile(r"^\s*_{10,}\s*$", re.M),
    re.compile(r"^\s*-{2,}\s*(?:Original Message|Forwarded message)\s*-{2,}", re.M | re.I),
    re.compile(r"^\s*Begin forwarded message:", re.M | re.I),
    re.compile(r"^\s*On\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bwrote:\s*$", re.M),
    re.compile(r"^\s*[*_]{0,2}From:[*_]{0,2}[^\n]*\n(?:[^\n]*\n){0,3}?\s*[*_]{0,2}(?:Sent|Date|To|Subject):", re.M | re.I),
)
_QUOTED_LINE = re.compile(r"^\s*(?:>|&gt;)")
_MOBILE_FOOTER = re.compile(
    r"^\s*(?:sent from my \w+|sent from (?:outlook|mail|yahoo mail)\b|get outlook for \w+|sent via \w+)", re.I
)
_SIGN_OFF = re.compile(
    r"^\s*(?:kind regards|best regards|warm regards|regards|many thanks|thanks(?: again)?|thank you|best wishes"
    r"|all the best|best|cheers|with thanks|yours sincerely|yours faithfully|speak soon)"
    r"\s*[,.!]?\s*(?:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})?\s*$",
    re.I,
)
_DISCLAIMER = re.compile(
    r"\b(?:confidential|privileged)\b[^\n]{0,200}\b(?:intended|recipient|addressee)\b|\bthis (?:e-?mail|message) and any"
    r"\b|\bdisclaimer\b|\bif you (?:are not|have received this)",
    re.I,
)
_MAIL_PARSER = EmailReplyParser(languages=["en"])


def strip_quoted(text: str) -> str:
    """The new part of a mail or chat reply: no quoted history, signature, mobile footer or disclaimer."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cut = min((m.start() for pattern in _HISTORY_STARTS if (m := pattern.search(text))), default=len(text))
    text = text[:cut]
    try:
        replies = _MAIL_PARSER.read(text).replies
        parsed = replies[0].body if replies else ""
    except Exception:
        parsed = ""
    if parsed.strip():
        text = parsed
    lines: list[str] = []
    for line in text.split("\n"):
        if _QUOTED_LINE.match(line):
            continue
        if _MOBILE_FOOTER.match(line) or _DISCLAIMER.search(line):
            break
        if lines and any(kept.strip() for kept in lines) and _SIGN_OFF.match(line):
            break
        lines.append(line.rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_AUTO_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?(?:reply|response)|autoreply|out of (?:the )?office|ooo\b)", re.I
)
_AUTO_TEXT = re.compile(
    r"\b(?:automatic reply|auto-?reply|out of (?:the )?office\b(?! (?:hours|working))"
    r"|(?:i am|i'm|i will be|i shall be|currently)\b[^.\n]{0,40}\b(?:on (?:annual |study |parental |maternity |paternity"
    r" |sick )?leave|away from (?:the |my )?(?:office|desk)|on holiday|not in the office|away until))",
    re.I,
)


def is_automatic_reply(text: str, subject: str | None = None, headers: Mapping[str, str] | None = None) -> bool:
    """True for out-of-office and other machine replies, which never count as an answer."""
    lowered_headers = {name.lower(): value.strip().lower() for name, value in (headers or {}).items()}
    if lowered_headers.get("auto-submitted", "no") != "no":
        return True
    # Not X-Auto-Response-Suppress: Outlook sets it on mail people write, asking the recipient's
    # systems not to auto-answer ([MS-OXCMAIL] 2.1.3.2.20); it says nothing about the sender.
    if "x-autoreply" in lowered_headers:
        return True
    if lowered_headers.get("precedence") == "auto_reply":
        return True
    if subject and _AUTO_SUBJECT.match(subject):
        return True
    # Only the opening counts: "I was on annual leave, sorry - it's done now" is a real answer.
    return bool(_AUTO_TEXT.search(plain_text(text)[:300]))


# Strongest cue first: "on leave from 1 March, back on 9 March" must give 9 March.
_RETURN_CUES = (
    re.compile(r"\b(?:back|return(?:ing)?|returns|in the office)\b(?:\s+(?:to (?:the |my )?(?:office|work|desk)))?", re.I),
    re.compile(r"\b(?:until|till)\b", re.I),
)
_WEEKDAY_AND_DAY = re.compile(
    r"\b(?:(mon|tues|wednes|thurs|fri|satur|sun)day\s+)?(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))",
    re.I,
)
_WEEKDAYS = ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")


def out_of_office_until(text: str, *, today: date) -> date | None:
    """The day an automatic reply says its sender is back ("back on 3 March", "returning Monday 5th").

    "On leave until 12 March" means back the day after; a month alone ("back in April") means its first day.
    """
    plain = plain_text(text)
    for cues in _RETURN_CUES:
        for cue in cues.finditer(plain):
            window = plain[cue.end() : cue.end() + 60]
            day = _day_of_month_only(window, today) or _date_in(window, today)
            if day is not None:
                return day + timedelta(days=1) if cue.group(0).lower() in {"until", "till"} else day
    return None


def _date_in(window: str, today: date) -> date | None:
    parsed = find_date_in_text(window, today=today)
    if parsed is None or parsed.due is None or parsed.due < today:
        return None
    if parsed.precision is Precision.DAY:
        return parsed.due
    return parsed.due.replace(day=1) if parsed.precision is Precision.MONTH else None


def _day_of_month_only(window: str, today: date) -> date | None:
    """ "Monday 5th" with no month: the next such day on or after today, on that weekday if named."""
    match = _WEEKDAY_AND_DAY.search(window[:30])
    if match is None:
        return None
    day_number = int(match.group(2))
    weekday = _WEEKDAYS.index(match.group(1).lower()) if match.group(1) else None
    year, month = today.year, today.month
    for _ in range(14):
        try:
            candidate = date(year, month, day_number)
        except ValueError:
            candidate = None
        if candidate and candidate >= today and (weekday is None or candidate.weekday() == weekday):
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


# A reply can state a new date only for work that is not finished.
_DATED_STATUSES = frozenset(
    {ReadStatus.EXTENSION_REQUESTED, ReadStatus.IN_PROGRESS, ReadStatus.NOT_STARTED, ReadStatus.BLOCKED}
)


def read_reply(text: str, *, today: date, known_refs: Sequence[str] = ()) -> Reading:
    """What a reply says: status, new due date, evidence and how sure we are."""
    body = strip_quoted(text)
    refs = tuple(mentioned_refs(body, known_refs))
    if is_automatic_reply(body):
        return Reading(ReadStatus.NO_RESPONSE, None, None, 0.95, refs, out_of_office_until(body, today=today), body)
    if not body:
        return Reading(ReadStatus.UNCLEAR, None, None, 0.1, refs, None, body)
    stated = _promise_or_report(body, today)
    status, confidence = read_status(stated)
    new_due = _new_due(stated, status, today) if status in _DATED_STATUSES else None
    if status is ReadStatus.EXTENSION_REQUESTED and new_due is None:
        confidence = min(confidence, 0.6)  # more time, but until when? ask
    if _is_hedged(stated, status):
        confidence = min(confidence, HEDGED)
    return Reading(status, new_due, find_evidence(body), confidence, refs, None, body)

_COMPLETED_BY = re.compile(
    r"\b(?<!have )(?<!has )(?<!had )(complete|completed|done|finished|finalised|finalized)\s+(?:by|before)\s+", re.I
)
_HAS_YEAR = re.compile(r"\b\d{4}\b|\d/\d{1,2}/\d{2}\b")
# "Done by 3 March" on 10 March resolves to next year's 3 March, but a day that has just gone is the one meant.
# A day further back than that, or a month ("done by October" in December), more than the horizon ahead
# could be either, so the reply is left unsure and its sender is asked.
_YEARLESS_HORIZON = timedelta(days=183)
_JUST_GONE = timedelta(days=92)


def _a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _promise_or_report(body: str, today: date) -> str:
    """The reply with "done by <date>" made explicit for the status rules: "will be done by <date>" when the
    date is still to come (a promise), "done on <date>" when it has passed (a report). Left as it is when
    the date is missing or could be either ("done by 3 March" read in August)."""
    plain = plain_text(body)
    pieces: list[str] = []
    kept = 0
    for match in _COMPLETED_BY.finditer(plain):
        sentence = re.split(r"[.!?;\n]", plain[match.end(1) :], maxsplit=1)[0]
        parsed = find_date_in_text(sentence, today=today)
        if parsed is None or parsed.due is None or parsed.text.lower() not in sentence[:50].lower():
            continue
        word = match.group(1)
        yearless = not _HAS_YEAR.search(parsed.text)
        just_gone = yearless and parsed.precision is Precision.DAY and today - _a_year_before(parsed.due) <= _JUST_GONE
        if parsed.due < today or just_gone:
            replacement = f"{word} on "
        elif not yearless or parsed.due - today <= _YEARLESS_HORIZON:
            replacement = f"will be {word} by "
        else:
            continue
        pieces += [plain[kept : match.start()], replacement]
        kept = match.end()
    return "".join(pieces) + plain[kept:] if pieces else body


_HEDGE = re.compile(
    r"\b(?:i think|i believe|i guess|i reckon|hopefully|probably|not sure|unsure|not certain|maybe|perhaps|possibly"
    r"|should be|fingers crossed|touch wood|if all goes (?:well|to plan))\b",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _is_hedged(text: str, status: ReadStatus) -> bool:
    """Whether the writer hedges the status they give: a hedging phrase, or the status only in a question
    ("done?"). A request for more time is naturally a question, so a question mark does not hedge it."""
    if _HEDGE.search(text):
        return True
    if status is ReadStatus.EXTENSION_REQUESTED or "?" not in text:
        return False
    statements = " ".join(s for s in _SENTENCE_END.split(plain_text(text)) if not s.rstrip().endswith("?"))
    return read_status(statements)[0] is not status


_TARGET_CUE = re.compile(
    r"\b(?:by|until|till|before|end of|new (?:target |due )?date(?: of| is)?|deadline(?: of| is)?|target(?: date)?"
    r"(?: of| is)?|revised to|moved to|pushed to|complete(?:d)? in|done in|finished in|ready in)\W+(?:the\s+)?(?:end of\s+)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+(?:the\s+)?)?$",  # "by Friday 12 March"
    re.I,
)


_EXTENSION_CUE = re.compile(_TARGET_CUE.pattern.replace("|revised to", "|to|of|for|in|revised to"), re.I)


def _new_due(body: str, status: ReadStatus, today: date) -> date | None:
    """A stated target date: it must read as a target ("by June", "new date 30/04/2027", and for an
    extension request "move it to June"), not an event ("training on 12 April", "I'll confirm next week")."""
    plain = plain_text(body)
    parsed = find_date_in_text(plain, today=today)
    if parsed is None or parsed.due is None or parsed.due < today:
        return None  # a date in the past is history ("met on 3 May"), not a new target
    at = plain.lower().find(parsed.text.lower())
    cue = _EXTENSION_CUE if status is ReadStatus.EXTENSION_REQUESTED else _TARGET_CUE
    if at < 0 or not cue.search(plain[max(0, at - 30) : at]):
        return None
    return parsed.due


def read_replies(text: str, *, today: date, known_refs: Sequence[str]) -> dict[str, Reading]:
    """One Reading per action ref; the whole reply applies to every ref when it is not split by action."""
    body = strip_quoted(text)
    if is_automatic_reply(body):
        reading = read_reply(body, today=today, known_refs=known_refs)
        return dict.fromkeys(known_refs, reading)
    parts = split_by_action(body, known_refs)
    if not parts:
        reading = read_reply(body, today=today, known_refs=known_refs)
        return dict.fromkeys(known_refs, reading)
    readings: dict[str, Reading] = {}
    for ref, part in parts.items():
        reading = read_reply(part, today=today, known_refs=known_refs)
        readings[ref] = Reading(
            reading.status, reading.new_due, reading.evidence, reading.confidence, (ref,), None, reading.text
        )
    return readings
