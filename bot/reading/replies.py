"""Reading a lead's reply (Slack thread or Outlook mail) as a progress update. Pure: `today` is passed in.

    read_reply(text, today=..., known_refs=..., headers=..., question=...)   -> Reading for the chaser's actions
    read_replies(text, today=..., known_refs=..., headers=...)                -> {ref: Reading}, split per action

A Reading is applied at once only when it is an unambiguous statement that the work is finished
(bot.reading.confirm.needs_confirmation); anything else is recorded unconfirmed and put to its sender
("Did you mean RIV3-2-1 is complete?") or, for "not ours / new lead", to a coordinator. Automatic
replies (bot.reading.automatic) are never answers: they read as no_response and, when they say
when the person is back, `out_of_office_until` tells the chaser to wait until then.

Only the first READ_LIMIT characters of a reply are read (quotes, refs, status, dates): a real answer is
far shorter, and every step is linear, so one long or crafted reply costs at most what READ_LIMIT costs.
The rest is not parsed but not lost either: it is kept verbatim as `Reading.unread` and at the end of
`Reading.text`, so what is stored is the whole reply (callers also keep the raw text).

Beside the rules, a small statistical model (bot.reading.status_model) gives a second opinion on the status
of what the rules read as a statement (not on automatic replies, redirects or a bare "Yes"); how the two
are combined is decided in bot.reading.second_opinion, and the reading keeps both (`Reading.opinion`).
`model=None` reads with the rules alone (for measuring them apart).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from bot.reading.automatic import automatic_reply_kind
from bot.reading.away import out_of_office_until
from bot.reading.clauses import PROOF_STILL_TO_SEND, PROOF_TO_FOLLOW, fix_typos, read_reply_status
from bot.reading.confirm import CONFIDENT, needs_confirmation
from bot.reading.quoting import quoted_question, split_reply, strip_quoted
from bot.reading.redirect import find_redirect, find_successor
from bot.reading.second_opinion import THRESHOLDS, Opinion, Thresholds, combine
from bot.reading.split import inline_answers, lead_in, mentioned_refs, names_only_other_actions, split_by_action
from bot.reading.status import find_evidence, plain_text, read_status, slack_to_plain
from bot.reading.status_model import StatusModel, shipped_status_model
from bot.rules.dates import duration_answer, find_date_in_text, spell_out_reply_dates, unreadable_date
from bot.rules.statuses import Precision, ReadStatus

__all__ = [
    "CONFIDENT",
    "HEDGED",
    "READ_LIMIT",
    "SHIPPED",
    "ModelChoice",
    "Reading",
    "is_automatic_reply",
    "out_of_office_until",
    "read_replies",
    "read_reply",
    "read_status",
    "readings_per_action",
    "split_by_action",
    "strip_quoted",
    "with_second_opinion",
]

#: The most a hedged reply ("done I think", "probably finished", "complete?") can be trusted unasked.
HEDGED = 0.6
#: A bare "Yes" read against the question it answers: right often enough to propose, never to apply.
ANSWERED_QUESTION = 0.7
#: The most of one reply that is parsed (characters); the rest is kept unread. A long answer is a few KB.
READ_LIMIT = 20 * 1024

#: The status model to read with: the one shipped with the bot, another (cross-validation), or None (rules alone).
ModelChoice = StatusModel | None | Literal["shipped"]
SHIPPED: ModelChoice = "shipped"


def _resolve(model: ModelChoice) -> StatusModel | None:
    return shipped_status_model() if isinstance(model, str) else model


@dataclass(frozen=True)
class Reading:
    status: ReadStatus
    new_due: date | None
    evidence: str | None
    confidence: float
    refs: tuple[str, ...] = ()
    out_of_office_until: date | None = None
    text: str = ""  # the new part of the reply, quotes and signature removed
    automatic: bool = False  # written by a machine (out of office, bounce): never an answer
    redirect_to: str | None = None  # "not ours / new lead": the agency or person named as the new owner
    date_problem: str | None = None  # why a date the reply gives was not read ("30 Feb 2027: ...")
    unread: str = ""  # the reply beyond READ_LIMIT: kept verbatim at the end of `text`, never parsed
    opinion: Opinion | None = None  # the status model's second opinion, when it was asked (bot.reading.second_opinion)

    @property
    def read_text(self) -> str:
        """The part of `text` that was read: without the unread remainder."""
        return self.text[: len(self.text) - len(self.unread)] if self.unread else self.text

    @property
    def needs_confirmation(self) -> bool:
        """Whether the bot asks before applying this reading (the one policy, bot.reading.confirm)."""
        return needs_confirmation(self)


def is_automatic_reply(text: str, subject: str | None = None, headers: Mapping[str, str] | None = None) -> bool:
    """True for out-of-office and other machine replies, which never count as an answer."""
    return _automatic(text, subject, headers)


def _automatic(text: str, subject: str | None, headers: Mapping[str, str] | None) -> bool:
    body = strip_quoted(text) or text
    return automatic_reply_kind(headers, plain_text(slack_to_plain(body)), subject) is not None


# A reply can state a new date only for work that is not finished.
_DATED_STATUSES = frozenset(
    {ReadStatus.EXTENSION_REQUESTED, ReadStatus.IN_PROGRESS, ReadStatus.NOT_STARTED, ReadStatus.BLOCKED}
)


def read_reply(
    text: str,
    *,
    today: date,
    known_refs: Sequence[str] = (),
    headers: Mapping[str, str] | None = None,
    subject: str | None = None,
    question: str | None = None,
    model: ModelChoice = SHIPPED,
) -> Reading:
    """What a reply says: status, new due date, evidence and how sure we are.

    `headers` and `subject` are the mail's (automatic replies are told by them first); `question` is what
    the reply answers when it is known (the chaser's question), else the question the reply quotes.
    Only the first READ_LIMIT characters are read; the rest is kept unread (see the module docstring).
    """
    text, unread = text[:READ_LIMIT], text[READ_LIMIT:]
    reading = _read_head(text, today=today, known_refs=known_refs, headers=headers, subject=subject,
                         question=question, model=_resolve(model))
    return replace(reading, text=reading.text + unread, unread=unread) if unread else reading


def _read_head(
    text: str,
    *,
    today: date,
    known_refs: Sequence[str],
    headers: Mapping[str, str] | None,
    subject: str | None,
    question: str | None,
    model: StatusModel | None,
) -> Reading:
    words, _ = split_reply(text)
    refs = tuple(mentioned_refs(words, known_refs))
    inline = inline_answers(text, known_refs) if known_refs and not refs else None
    if inline is not None:
        words, refs = inline, tuple(mentioned_refs(inline, known_refs))
    if _automatic(text, subject, headers):
        away_until = out_of_office_until(words or text, today=today)
        successor = find_successor(plain_text(slack_to_plain(words or text)))
        if successor is not None:
            # "I have left; for DHR matters contact X": still a machine's reply, but it names the new owner.
            return Reading(ReadStatus.REDIRECT, None, None, 0.7, refs, away_until, words, automatic=True,
                           redirect_to=successor)
        return Reading(ReadStatus.NO_RESPONSE, None, None, 0.95, refs, away_until, words, automatic=True)
    if not words:
        return Reading(ReadStatus.UNCLEAR, None, None, 0.1, refs, None, words)
    if names_only_other_actions(words, known_refs):
        return Reading(ReadStatus.UNCLEAR, None, None, 0.2, refs, None, words)
    reading = _read_words(words, today=today, refs=refs, question=question or quoted_question(text))
    return with_second_opinion(reading, model, today)


def _read_words(words: str, *, today: date, refs: tuple[str, ...], question: str | None) -> Reading:
    body = slack_to_plain(words)
    evidence = find_evidence(body)
    answered = _bare_answer(body, question)
    if answered is not None:
        return Reading(answered, None, evidence if answered is not ReadStatus.UNCLEAR else None,
                       ANSWERED_QUESTION if answered is not ReadStatus.UNCLEAR else 0.3, refs, None, words)
    redirect = find_redirect(words)
    if redirect is not None:
        return Reading(ReadStatus.REDIRECT, None, evidence, 0.7, refs, None, words, redirect_to=redirect.to)
    stated = _stated(words, today)
    status, confidence = read_reply_status(stated)
    if _late_with_a_new_date(stated, status, today):
        status, confidence = ReadStatus.EXTENSION_REQUESTED, 0.8
    new_due = _new_due(stated, status, today) if status in _DATED_STATUSES else None
    problem = unreadable_date(body) if new_due is None else None
    if status is ReadStatus.EXTENSION_REQUESTED and new_due is None:
        confidence = min(confidence, 0.6)  # more time, but until when? ask
    if _is_hedged(stated, status) or (status is ReadStatus.COMPLETE and _more_than_done(stated)):
        confidence = min(confidence, HEDGED)
    return Reading(status, new_due, evidence, confidence, refs, None, words, date_problem=problem)


# Work said to be late: "has been delayed", "we had hoped to ... but", "our original plan was", "we are now
# aiming for", "sorry for the delay". Progress to plan says none of these.
_RUNNING_LATE = re.compile(
    r"\b(?:is|are|has been|have been|was|were|been|got|being|now) (?:\w+ )?(?:delayed|postponed)\b|^\W*(?:delayed|postponed)\b"
    # (not the reply's own lateness: "sorry for the delay - I've been on leave and am working through my inbox")
    r"|\bsorry (?:for|about) the delay\b(?! in (?:replying|responding|getting back|coming back))(?![^.]{0,60}\b(?:inbox"
    r"|e-?mails?|secondment|leave|off sick|away|replying|responding)\b)"
    r"|\b(?:had|'d) (?:hoped|aimed|planned|intended|wanted|expected) to\b"
    r"|\boriginal(?:ly)? (?:plan|date|target|deadline|aim|timescale)|\b(?:was|were) (?:originally )?(?:supposed|meant"
    r"|scheduled) to\b|\bnow (?:aiming|expect|expecting|planning|plan|aim|intend|intending)\b",
    re.I | re.M,
)
_TO_PLAN = re.compile(r"\b(?:as (?:planned|expected|agreed|originally planned)|on (?:track|schedule|course|target))\b", re.I)


def _late_with_a_new_date(stated: str, status: ReadStatus, today: date) -> bool:
    """Work in progress (or a reply read no other way) said to be late, with a date still to come: the writer is
    moving the target, so it is a request for more time ("delayed by the stock transfer; the target moves to Q3"),
    not progress to plan ("we now expect April, as planned")."""
    plain = plain_text(stated)
    if status not in (ReadStatus.IN_PROGRESS, ReadStatus.UNCLEAR) or _TO_PLAN.search(plain):
        return False
    return bool(_RUNNING_LATE.search(plain)) and _new_due(stated, ReadStatus.EXTENSION_REQUESTED, today) is not None


def _stated(words: str, today: date) -> str:
    return _promise_or_report(spell_out_reply_dates(fix_typos(slack_to_plain(words)), today=today), today)


def with_second_opinion(
    reading: Reading, model: StatusModel | None, today: date, thresholds: Thresholds = THRESHOLDS
) -> Reading:
    """`reading` (the rules') with the status model's opinion combined in (bot.reading.second_opinion).
    Only a statement is put to the model: not an automatic reply, a redirect, or a bare "Yes" / "No"
    (which the rules read against the question it answers). A status the model decides gets its date
    from the rules, read as for that status."""
    words = reading.read_text
    if model is None or reading.automatic or reading.status is ReadStatus.REDIRECT or not words.strip():
        return reading
    plain = plain_text(slack_to_plain(words))
    if _BARE_YES.match(plain) or _BARE_NO.match(plain):
        return reading
    probabilities = model.probabilities(words)
    opinion = Opinion(reading.status, reading.confidence, tuple(probabilities.items()))
    status, confidence = combine(reading.status, reading.confidence, probabilities, thresholds)
    if status is reading.status:
        return replace(reading, confidence=confidence, opinion=opinion)
    new_due = _new_due(_stated(words, today), status, today) if status in _DATED_STATUSES else None
    return replace(reading, status=status, confidence=confidence, new_due=new_due, opinion=opinion,
                   date_problem=reading.date_problem if new_due is None else None)


# Words that, beside a completion, say something is not finished, or that what is finished may be
# something else ("I've done the chasing, still no data"; "the consultation closed, now we have to
# write it up"): the bot then asks before closing, since a false close stops all chasing.
_NOT_ONLY_DONE = re.compile(
    r"\b(?:but|however|although|though|except|apart from|other than|bar the|besides|whereas|still|yet|remain\w*"
    r"|outstanding|the rest|left to|to do\b|to go\b|next (?:step|stage|phase)|now (?:we|i|they) (?:have|need|must"
    r"|will)|(?:we|i|they)(?:'re| are) now|needs?\b|needed|waiting|await\w*|until|pending|once\b"
    r"|not (?:yet |all |fully )|partly|partially"
    # work still ahead: "10 and 11 after the easter hols", "we'll review the responses", "she'll have it done"
    r"|\bafter (?:the|that|this|easter|christmas|summer|half)|\b(?:we|i|she|he|they|it)(?:'ll| will| shall)\b|\b(?:they|it)ll\b"
    # without the apostrophe, "well" and "ill" are words too ("hope you're well"): we'll only before a verb
    r"|\b(?:well|ill) (?:be|have|need|get|do|send|look|review|start|finish|complete|update|let|pick|chase|make|go"
    r"|run|check|try|aim|come|add)\b"
    # only the writer's share of it: "(well, the bit that was ours anyway)", "done on our side", "my part's done"
    r"|\b(?:our|my) (?:bit|part|side|end|element|share|piece|section)s?\b|\bon (?:our|my) (?:side|end|part)\b"
    r"|\bthe (?:bit|part|element|section|piece)s? (?:that (?:was|were|is|are) (?:ours|mine)|we (?:own|owned|lead|led"
    r"|hold|held)|for (?:us|me))\b"
    r"|going to|n(?:e)?xt (?:week|month|term|year|quarter)|later (?:this|in)"
    # a completion heard from someone else: "I was told it was signed off", "apparently it's done"
    r"|\b(?:i|we)(?:'ve| have| was| were|'m| am)?(?: been)? told\b|\b(?:she|he|they|[a-z]+) (?:said|says)\b"
    r"|\bapparently\b|\b(?:i|we) (?:understand|believe|heard)\b|\b(?:i|we)(?:'ve| have) heard\b|according to"
    # done on a condition: "assuming exec approve it on Tuesday, it's done", "done if the board agrees"
    r"|\bassuming\b|\bprovided\b|\bas long as\b|\bsubject to\b|\bif\b)",
    re.I,
)
#: "the consultation closed", "the survey has closed": a step of the work ended, not the action.
_SOMETHING_ELSE_CLOSED = re.compile(
    r"\b(?!(?:action|this|it|that|which|one|now|be|been|being|and|is|was|has|have)\b)[a-z]+\s+"
    r"(?:(?:has|have|had|was|were|is|now)\s+)?closed\b",
    re.I,
)


# "nothing outstanding", "no further action needed": a remainder denied is part of saying it is finished.
_NOTHING_LEFT = re.compile(
    r"\b(?:nothing|no(?:\s+(?:further|more|other|outstanding))?\s+(?:actions?|work|tasks?|steps?)|none)"
    r"(?:\s+(?:further|else|more|left|outstanding|remaining|pending))*"
    r"(?:\s+(?:is|are))?(?:\s+(?:left|outstanding|remaining|needed|required|pending|to do|to be done))?\b",
    re.I,
)


def _more_than_done(text: str) -> bool:
    """Whether a reply read as complete says more than that the work is finished (see _NOT_ONLY_DONE).
    A question beside it ("Done. Do you need the evidence?") asks about the answer, not the work."""
    statements = _NOTHING_LEFT.sub(" ", " ".join(s for s in _SENTENCE_END.split(plain_text(text))
                                                 if not _ASKING.match(s)))
    return bool(_NOT_ONLY_DONE.search(statements) or _SOMETHING_ELSE_CLOSED.search(statements)
                or PROOF_STILL_TO_SEND.search(statements) or PROOF_TO_FOLLOW.search(statements))


_ASKING = re.compile(
    r"^\W*(?:do|does|did|can|could|would|will|shall|should|is|are|was|may|what|which|who|when|where|how|want|need)"
    r"\b[^.!]*\?\W*$", re.I)


_BARE_YES = re.compile(r"^\W*(?:yes|yep|yeah|yup|correct|it is|it has|that's right|affirmative)\W*$", re.I)
_BARE_NO = re.compile(r"^\W*(?:no|nope|not yet|it isn't|it hasn't|negative)\W*$", re.I)


def _bare_answer(body: str, question: str | None) -> ReadStatus | None:
    """ "Yes" / "No" on its own: the status the question asked about, or its opposite; unclear with no question."""
    plain = plain_text(body)
    yes, no = bool(_BARE_YES.match(plain)), bool(_BARE_NO.match(plain))
    if not yes and not no:
        return None
    asked = read_status(question.replace("?", " "))[0] if question else ReadStatus.UNCLEAR
    if yes:
        return asked if asked in _ASKABLE else ReadStatus.UNCLEAR
    if asked is ReadStatus.COMPLETE:
        return ReadStatus.IN_PROGRESS
    return ReadStatus.UNCLEAR if plain.lower().strip(" .!") != "not yet" else ReadStatus.IN_PROGRESS


_ASKABLE = frozenset({ReadStatus.COMPLETE, ReadStatus.IN_PROGRESS, ReadStatus.NOT_STARTED, ReadStatus.BLOCKED})

_COMPLETED_BY = re.compile(
    r"\b(?<!have )(?<!has )(?<!had )(complete|completed|done|finished|finalised|finalized)\s+(?:by|before)\s+", re.I
)
_HAS_YEAR = re.compile(r"\b\d{4}\b|\d/\d{1,2}/\d{2}\b|\b(?:q[1-4]|h[12]|fy|financial year)\s*\d{2}[/-]\d{2}\b", re.I)
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


_PROMISE_WINDOW = 200


def _promise_or_report(body: str, today: date) -> str:
    """The reply with "done by <date>" made explicit for the status rules: "will be done by <date>" when the
    date is still to come (a promise), "done on <date>" when it has passed (a report). Left as it is when
    the date is missing or could be either ("done by 3 March" read in August)."""
    plain = plain_text(body)
    pieces: list[str] = []
    kept = 0
    for match in _COMPLETED_BY.finditer(plain):
        # The date must come within 50 characters, so a bounded window is read (a whole unpunctuated reply
        # read again after every "done by" would be quadratic).
        window = plain[match.end(1) : match.end(1) + _PROMISE_WINDOW]
        sentence = re.split(r"[.!?;\n]", window, maxsplit=1)[0]
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
    r"|should(?: all)? be|should have|fingers crossed|touch wood|if all goes (?:well|to plan)"
    r"|as far as (?:i|we)(?:'m|'re| am| are)? (?:know|can tell|aware|concerned)"
    r"|pretty sure|fairly sure|i'm sure|(?:i|we) think so|if i remember|afaik|i assume|presumably|supposedly"
    # "That's it done I hope!", but not the courtesies "I hope this helps" or "hope you're well", nor a plan
    # ("we hope to review it next year")
    r"|(?:i|we) hope(?! to\b| (?:you|all|everyone|this|that|it)\b)|hope so"
    # "done-ish", "I wasn't sure if the register is enough", "I'm confused - which one is it?"
    r"|(?:done|complete|completed|finished|sorted)[- ]?ish|(?:i|we)(?: wasn't| was not| weren't| were not"
    r"|'m not| am not|'re not| are not) (?:sure|certain)|(?:i'm|i am|we're|we are) confused|whichever"
    r"|(?:i )?think (?:that'?s|this is|it'?s|so)|i thought|double[- ]check|need to (?:check|confirm)|(?:can"
    r"|could) you (?:check|confirm)|let me know if)\b",
    re.I,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _is_hedged(text: str, status: ReadStatus) -> bool:
    """Whether the writer hedges the status they give: a hedging phrase, or the status only in a question
    ("done?"). A request for more time is naturally a question, so a question mark does not hedge it."""
    if _HEDGE.search(plain_text(text)):  # plain: "I *think* it's done" in Slack is hedged too
        return True
    if status is ReadStatus.EXTENSION_REQUESTED or "?" not in text:
        return False
    statements = " ".join(s for s in _SENTENCE_END.split(plain_text(text)) if not s.rstrip().endswith("?"))
    return read_reply_status(statements)[0] is not status


_TARGET_CUE = re.compile(
    r"\b(?:by|until|till|before|within|through|throughout|end of|new (?:target |due )?date(?: of| is)?|deadline(?: of"
    r"| is)?"
    r"|target(?:ing| date)?"
    r"(?: of| is)?|revised to|moved to|pushed to|(?:complete(?:d)?|done|finish(?:ed)?|ready|wrapped up|in place"
    r"|delivered)"
    r" (?:in|on|by)|due(?: to (?:finish|complete|end))?(?: on| by| in)?|on (?:track|course) (?:for|to \w+ (?:by|in|on))"
    r"|aim(?:ing)? (?:for|to \w+ (?:by|in))|expected?(?: by| in| on)?|finish date(?: is)?|w/c|week (?:commencing"
    r"|beginning)"
    # "sometime between September and November", "between now and July": the later end
    r"|between (?:now|[a-z]+(?: \d{4})?) (?:and|&)"
    # "I expect to finish mid-February", "we hope to be done in June": the writer's own finishing date
    r"|(?:expect|hope|plan|aim|intend)(?:s|ed|ing)? to (?:finish|complete|be (?:done|finished|complete))"
    r"(?: it| this| the \w+)?(?: by| in| on)?"
    # "finishing 20 nov", "I'll finish it over the summer", "completing during the spring": the writer's finish
    r"|(?:finish|complet)(?:ing|es|e)?(?: (?:it|this|them|the rest))?(?: off)? (?:over|during)|finishing|completing)"
    # "by Friday 12 March"
    r"\W+(?:the\s+)?(?:(?:end|mid|middle|start|beginning|early|late)(?: of)?[\s-]+)?"
    r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+(?:the\s+)?)?$",
    re.I,
)
# "next week", "in a fortnight", "tomorrow": a relative day is a target when the reply speaks of finishing.
_RELATIVE_TARGET = re.compile(r"^(?:next|in|within|tomorrow|this|the|another)\b", re.I)
_FINISHING = re.compile(
    r"\b(?:finish\w*|complete\w*|done|ready|wrap(?:ped)? up|in place|delivered|sorted|signed off"
    r"|put (?:them |it |these |those )?up)\b",  # "posters printed, we'll put them up next week"
    re.I,
)


# A correction the writer adds to their own reply ("*edit: end of august, I misread the rota", "correction - 14th
# not 4th"): what it says replaces what came before. Not "update:", which heads a whole reply.
_CORRECTION = re.compile(r"(?:^|\n)[ \t*_]*(?:edit(?:ed)?|correction|sorry,? i meant|i meant)\b[ \t*_]*[:\-]", re.I)


def _corrected_date(plain: str, today: date) -> date | None:
    """The date to come that the writer's last correction of their own reply gives, if it gives one."""
    corrections = list(_CORRECTION.finditer(plain))
    if not corrections:
        return None
    return latest_date_to_come(re.split(r"[.;!?\n]", plain[corrections[-1].end() :].strip(), maxsplit=1)[0], today)


# "two sessions left - 24 March and 21 April", "3 sessions to go: ...", "workshops still to run:": what follows lists
# the dates of the work still to do, so the last of them is when it finishes.
_STILL_TO_RUN = re.compile(
    r"\b(?:sessions?|groups?|dates?|workshops?|courses?|cohorts?|briefings?|visits?|classes)\s+"
    r"(?:left|to go|still to (?:run|go|come|do|deliver)|remaining|outstanding)\b"
)
_STILL_TO_RUN_WINDOW = 300


def _last_of_those_still_to_run(plain: str, today: date) -> date | None:
    """The latest date to come in the list that follows "N sessions left" / "sessions still to run:"."""
    cue = _STILL_TO_RUN.search(plain.lower())
    if cue is None:
        return None
    # the list ends with its sentence: "... 21 April. after the April one ..." speaks of the last date again
    listed = re.split(r"[.!?](?:\s|$)", plain[cue.end() : cue.end() + _STILL_TO_RUN_WINDOW], maxsplit=1)[0]
    days = [parsed.due for piece in re.split(r"\n+|[,;]|\s(?:and|&)\s|\s-\s", listed)
            if (parsed := find_date_in_text(piece, today=today)) is not None and parsed.due is not None
            and today <= parsed.due <= today + _YEARLESS_AHEAD]
    return max(days, default=None)


def _new_due(body: str, status: ReadStatus, today: date) -> date | None:
    """A stated target date. For a request for more time, the latest date to come ("can we push to end of
    April"; "realistically October, the review reports in September"). Otherwise it must read as a target
    ("by June", "new date 30/04/2027", "finished next week"), not an event ("training on 12 April")."""
    plain = _without_old_plans(spell_out_reply_dates(plain_text(body), today=today), today)
    corrected = _corrected_date(plain, today)
    if corrected is not None:
        return corrected
    if status is ReadStatus.EXTENSION_REQUESTED:
        return _revised_target(plain, today) or latest_date_to_come(plain, today) or _duration_asked_for(plain, today)
    target = _last_of_those_still_to_run(plain, today) or _target_date(plain, today)
    if target is not None:
        return target
    # "Thank you for your email of 1 June. ... all trained by the end of December 2027": a date that is
    # history or no target hides the target in a later sentence.
    # Or a later clause: "the first cohort went in April and the rest are booked for 20 June".
    # ("I'll finish it over the summer so it's ready in September": the finish is before the "so")
    for sentence in re.split(r"(?<=[.!?;,])\s+|\n+|\s+(?:and|but|so)\s+", plain):
        target = _target_date(sentence, today) if sentence != plain else None
        if target is not None:
            return target
    return None


# The plan that did not happen: "we were going to finish in March", "we'd hoped to have it out before Easter", "the
# original date was June", "Q4 rather than Q3". The date it names is the old one, never the new target.
_OLD_PLAN = re.compile(
    r"\b(?:(?:we|i|they|she|he)(?:'d| had| were| was)? (?:hoped|planned|intended|meant|wanted|expected|going|supposed"
    r"|due|hoping|planning|aiming) to|(?:was|were) (?:originally )?due|original(?:ly)?(?: (?:date|target|deadline"
    r"|plan))?|(?:the|our) (?:old|previous|first) (?:date|target|deadline|plan)|missed (?:the|our)"
    # "in Q4 rather than Q3": the date turned down
    r"|rather than|instead of|as opposed to)\b",
    re.I,
)


_CLAUSE_END = re.compile(r"[.;:!?\n,]|\s-\s|\s(?:but|and|so|however|now)\s", re.I)


def _without_old_plans(plain: str, today: date) -> str:
    """`plain` with the date each failed plan names put as "then", so only the dates still meant are read."""
    pieces: list[str] = []
    kept = 0
    for cue in _OLD_PLAN.finditer(plain):
        if cue.start() < kept:
            continue
        window = _CLAUSE_END.split(plain[cue.end() : cue.end() + 80], maxsplit=1)[0]
        parsed = find_date_in_text(window, today=today)
        at = window.lower().find(parsed.text.lower()) if parsed is not None else -1
        if parsed is None or at < 0:
            continue
        start = cue.end() + at
        pieces += [plain[kept:start], "then"]
        kept = start + len(parsed.text)
    return "".join(pieces) + plain[kept:] if pieces else plain


# "Revised target completion: Q4 2026/27", "new target date 30 June": the date the reply names as the new target,
# over any other date it gives ("the review began in May").
_REVISED_TARGET = re.compile(
    r"\b(?:revised|new|amended) (?:target|due|completion|deadline|date|go[- ]live|launch|end date)(?: (?:date|completion))?"
    r"\W{0,3}(?:is |of |now |to )?",
    re.I,
)


def _revised_target(plain: str, today: date) -> date | None:
    for cue in _REVISED_TARGET.finditer(plain):
        after = plain[cue.end() : cue.end() + 60]
        parsed = find_date_in_text(after, today=today)
        if parsed is not None and parsed.due is not None and parsed.due >= today \
                and after.lower().find(parsed.text.lower()) <= 15:
            return parsed.due
    return None


def _target_date(plain: str, today: date) -> date | None:
    parsed = find_date_in_text(plain, today=today)
    if parsed is None or parsed.due is None or parsed.due < today:
        return None  # a date in the past is history ("met on 3 May"), not a new target
    # The same words may be named twice ("booked for June ... done by the end of June"): any may be the target.
    for named in re.finditer(re.escape(parsed.text), plain, re.I):
        if _TARGET_CUE.search(plain[max(0, named.start() - 40) : named.start()]):
            return parsed.due
        if _cued_through_brackets(plain, named.start(), today):
            return parsed.due  # "by the end of the summer term (our last day is 21 July)"
        if _FINISHED_AFTER.match(plain, named.end()):
            return parsed.due  # "the last session is on 26 March, after which this will be complete"
        if _LAST_STEP_BEFORE.search(plain[max(0, named.start() - 90) : named.start()]):
            return parsed.due  # "the other 3 are booked in for March", "the final report goes to the board on 3 May"
    if _RELATIVE_TARGET.match(parsed.text) and _FINISHING.search(plain):
        return parsed.due
    return None


_OPEN_BRACKET = re.compile(r"\([^()\n]{0,40}$")


def _cued_through_brackets(plain: str, start: int, today: date) -> bool:
    """Whether the date at `start` is in brackets after a vaguer date that is introduced as a target."""
    bracket = _OPEN_BRACKET.search(plain, max(0, start - 41), start)
    if bracket is None:
        return False
    before = plain[max(0, bracket.start() - 60) : bracket.start()]
    vague = find_date_in_text(before, today=today)
    if vague is None:
        return False
    at = before.lower().rfind(vague.text.lower())
    return at >= 0 and bool(_TARGET_CUE.search(before[max(0, at - 40) : at]))


_FINISHED_AFTER = re.compile(
    r"[^.;!?\n]{0,20}?\b(?:after which|and (?:then|after that)|then|at which point)\b[^.;!?\n]{0,30}?"
    r"\b(?:complete|completed|done|finished|closed|signed off)\b"
    # "we're teaching it before we break up on 22 July, so we'll be done by then"
    r"|[^.;!?\n]{0,30}?\b(?:complete|completed|done|finished|ready)\s+by\s+then\b"
    # "their next session is 12 May so I'll get them then and that'll be it"
    r"|[^.;!?\n]{0,50}?\b(?:that'?ll|that will|that should|which will) (?:be (?:it|everyone|all of them|the lot"
    # "... in July, and that will be the last of them", "goes to the board on 26 May, that'll finish it"
    r"|the last(?: of (?:them|it|the \w+)| one)?)|finish it|complete it|close it)\b"
    # "booked on 12 March, so we'll be finished then", "(the 3rd and the 10th) and we'll be there"
    r"|[^.;!?\n]{0,30}?\b(?:we|it|they|everyone)(?:'ll| will) (?:all )?be (?:done|finished|complete|completed|there)"
    r"(?: then)?(?=\s*(?:[.,;!)\n]|$))"
    # "the INSET day on 23 February, and the whole staff will do it then"
    r"|[^.;!?\n]{0,40}?\bwill (?:all )?(?:do|complete|finish) (?:it|this|them) then\b"
    # "goes to the panel on 9 October for sign-off, which will close the action", "..., and that completes the
    # action from our side": the step named is the one that finishes the action, so its date is the finish
    r"|[^.;!?\n]{0,50}?\b(?:that|which|this)(?:'ll| will| should)? (?:complete|close|finish|conclude)s? (?:off )?"
    r"(?:the|this|our) action\b"
    # "12 March: booked (final session)": the date the list marks as the last
    r"|[^.;!?\n()]{0,20}?\((?:the )?(?:final|last)(?: (?:one|session|date|group|course|briefing|workshop))?\)",
    re.I,
)
# The date the last of the work happens: the rest of it ("the other 3 are booked in for March", "the last
# session is on 23 July") or the step that finishes it ("will be presented on", "signed off at the board on").
_LAST_STEP_BEFORE = re.compile(
    r"(?:\b(?:the )?(?:last|final|remaining|other (?:\w+ )?\w+|rest(?: of (?:the|them|it))?)\b[^.;!?\n]{0,50}?"
    r"|\b(?:will|should|is due to|are due to|to) (?:be |then )?(?:presented|signed off|approved|ratified|agreed"
    r"|launched|go(?:ing)? live|live|published|completed|finished)\b[^.;!?\n]{0,30}?"
    # "it will be complete once the board signs it off on the 14th": the step the completion waits for
    r"|\b(?:complete|completed|done|finished|closed|ready)\s+(?:once|when|after|until)\b[^.;!?\n]{0,60}?"
    # "we finish with the parents' pack during the spring term": the last step's date
    r"|\bfinish(?:es|ing)? (?:off )?with\b[^.;!?\n]{0,50}?)"
    r"\b(?:on|in|for|at|by|during)\s+(?:the\s+)?(?:end of\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+(?:the\s+)?)?"
    # "the last two are booked for 4th and 18th May": the later of the days listed is the last one
    r"(?:\d{1,2}(?:st|nd|rd|th)?(?: \w+){0,2}(?:,| and| &) (?:the )?)?$",
    re.I,
)
def _duration_asked_for(plain: str, today: date) -> date | None:
    """ "Bit behind - two weeks?": a piece of a request for more time that is only a length of time."""
    for piece in _PIECES.split(plain):
        day = duration_answer(piece, today=today)
        if day is not None:
            return day
    return None


_PIECES = re.compile(r"(?<=[.!?;,])\s+|\s+-\s+|\n+")
_YEARLESS_AHEAD = timedelta(days=300)
_LATER_NEWS = re.compile(
    r"\b(?:confirm|let you know|update you|get back|come back|reply|speak|talk|meet|discuss|call you|send)\b", re.I
)


def latest_date_to_come(plain: str, today: date) -> date | None:
    """The latest day on or after `today` that the text names, reading it piece by piece. When a piece asks for
    the time itself ("Can we say July?"), only its date and dates put as a target count: another date beside it
    may be about other things ("the flu clinic dates for the autumn are on our website")."""
    found: list[date] = []
    meant: list[date] = []
    settled: list[date] = []  # "q3 more likely - say end of september?": the date the writer settles on
    asking = False
    for piece in _PIECES.split(plain):
        if _LATER_NEWS.search(piece):
            continue  # "I'll confirm a date next week": when they will say more, not the new target
        parsed = find_date_in_text(piece, today=today)
        if parsed is None or parsed.due is None or parsed.due < today:
            continue
        at = piece.lower().find(parsed.text.lower())
        # "next winter" says which winter, even a year ahead
        named_next = at >= 0 and piece[max(0, at - 5) : at].lower() == "next "
        yearless = not _HAS_YEAR.search(parsed.text) and not _RELATIVE_TARGET.match(parsed.text) and not named_next
        if yearless and parsed.due - today > _YEARLESS_AHEAD:
            continue  # "stood down in February", read in March: last February, not next year's
        found.append(parsed.due)
        if _SETTLES_ON.match(piece):
            settled.append(parsed.due)
        asks = read_reply_status(piece)[0] is ReadStatus.EXTENSION_REQUESTED
        if asks or (at >= 0 and _TARGET_CUE.search(piece[max(0, at - 40) : at])):
            meant.append(parsed.due)
        asking = asking or asks
    if settled:
        return settled[-1]
    return max(meant if asking and meant else found, default=None)


# A piece that settles on one date after vaguer ones: "say end of September?", "call it 30 June", "let's say May".
_SETTLES_ON = re.compile(r"^\W*(?:so\s+)?(?:(?:let'?s|shall we|can we|could we)\s+)?(?:say|call it)\b", re.I)


_EVERY_ACTION = re.compile(r"\b(?:all|both|each|every)\b", re.I)


def _said_of_every_action(lead: str) -> tuple[ReadStatus, float] | None:
    """The status a reply's opening gives all its actions at once ("both actions are now complete"), if any."""
    if not _EVERY_ACTION.search(lead):
        return None
    status, confidence = read_reply_status(plain_text(lead))
    if status is ReadStatus.UNCLEAR or _is_hedged(lead, status):
        return None
    return status, confidence


def read_replies(
    text: str,
    *,
    today: date,
    known_refs: Sequence[str],
    headers: Mapping[str, str] | None = None,
    subject: str | None = None,
    question: str | None = None,
    model: ModelChoice = SHIPPED,
) -> dict[str, Reading]:
    """One Reading per action ref; the whole reply applies to every ref when it is not split by action."""
    whole = read_reply(text, today=today, known_refs=known_refs, headers=headers, subject=subject, question=question,
                       model=model)
    return readings_per_action(whole, today=today, known_refs=known_refs, model=model)


def readings_per_action(
    whole: Reading, *, today: date, known_refs: Sequence[str], model: ModelChoice = SHIPPED
) -> dict[str, Reading]:
    """`whole` (a read_reply of the entire reply) split into one Reading per action ref it speaks of.

    Only the already-cleaned `whole.text` is split and read again: quoted history is stripped once per reply.
    The part beyond READ_LIMIT (`whole.unread`) is not split either: it is kept at the end of every part.
    """
    if whole.automatic:
        return dict.fromkeys(known_refs, whole)
    parts = split_by_action(whole.read_text, known_refs)
    if not parts:
        return dict.fromkeys(known_refs, whole)
    readings: dict[str, Reading] = {}
    said_of_all = _said_of_every_action(lead_in(whole.read_text, known_refs))
    for ref, part in parts.items():
        # A part of the cleaned text has no quotes or signature left to strip.
        if not part.strip():
            readings[ref] = replace(whole, refs=(ref,))
            continue
        reading = _read_words(part, today=today, refs=(ref,), question=None)
        if reading.status is ReadStatus.UNCLEAR and said_of_all is not None:
            # "I can confirm both actions are now complete: - 4-2: all supervisors attended the briefing"
            reading = replace(reading, status=said_of_all[0], confidence=said_of_all[1])
        reading = with_second_opinion(reading, _resolve(model), today)
        readings[ref] = replace(reading, text=reading.text + whole.unread, unread=whole.unread) if whole.unread \
            else reading
    return readings
