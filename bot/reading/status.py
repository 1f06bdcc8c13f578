"""Reading the status that a piece of progress text states.

The same rules read a lead's reply ("done", "not yet, can we move it to June?") and the progress
column of an imported plan ("<b>COMPLETED</b>", "Update requested", "Ongoing"). They are plain
patterns rather than a model because every reading has to be explainable to a coordinator, and a
false "complete" is the costly mistake: it stops chasing an action that is not done. So a
"complete" word only counts when it is not negated ("not yet complete") and not in the future
("will be completed by March", "to be completed"), and a cell that records lettered parts is
complete only when every part is.

Plan cells are often a history ("No response received ... Letter received ... COMPLETED"), so
the last explicit status word wins over what came before it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.rules.statuses import ReadStatus


def _any(*phrases: str) -> str:
    """One pattern matching any of the phrases (each a regex) as whole words."""
    return "|".join(rf"\b{phrase}\b" for phrase in phrases)


# Explicit status statements. Where several appear, position decides (see _read_plain).
_STRONG_PATTERNS: tuple[tuple[ReadStatus, str], ...] = (
    (ReadStatus.NOT_APPLICABLE, _any(
        r"n/a", "not applicable", "no longer (?:applicable|relevant|required|needed)", "decommissioned",
        "do(?:es)?(?: not|n't) apply", "(?:do not|don't) think (?:it|this"
        "|that) applies", "no longer applies", "not relevant (?:to|for) (?:us|our)",
        "not (?:for|our) (?:us|agency)",
    )),
    (ReadStatus.NO_RESPONSE, _any(
        "no (?:response|reply|update)s?(?: (?:has been |was )?(?:received|provided|given))?(?: to date| yet)?",
        "update (?:requested|outstanding|awaited)", "awaiting (?:a |an |their )?(?:response|reply|update)",
        "not (?:responded|replied)", "reminders? (?:have been |has been |was |were )?sent", "chased",
    )),
    (ReadStatus.BLOCKED, _any(
        "blocked", "on hold", "stalled", "held up", "dependent on", "depends on", "no (?:funding|budget|resource)s?",
        "can(?:no|')?t (?:progress|proceed|move forward|go ahead)",
        # "can't start the parents' group until the works are finished": the thing waited for names the block
        r"can(?:no|')?t \w+(?: (?:this|it|that|anything)| [\w']+(?: [\w']+){0,2}?)? until",
        "(?:unable|not able) to (?:progress|proceed|move forward|complete|incorporate)",
    )),
    (ReadStatus.EXTENSION_REQUESTED, _any(
        "more time", "extension", "extend (?:the |this |our )?(?:deadline|date|target)",
        # "move the target for this to Q1": the action named after the date does not change what is asked
        "(?:move|push|put|change) (?:it|this|that|the (?:date|deadline|target(?: date)?|due date)"
        "(?: for (?:this|it|this action|the action))?) (?:back )?(?:to|until|till)",
        # not "there's no new date yet": nothing is asked
        "push (?:it |this )?back", "(?<!no )(?:revised|new) (?:target |due )?date", "revised (?:go[- ]live|launch|end date)",
        "can we (?:have|say) until",
        "need (?:until|till)", "(?:slipped|slipping|slip) to", "delayed until", "deferred to",
    )),
    (ReadStatus.NOT_STARTED, _any(
        "not (?:yet )?(?:been )?(?:started|begun|commenced)", "(?:have|has)(?:n't| not) (?:yet )?(?:started|begun)",
        "yet to (?:start|begin|commence)", "no progress", "nothing (?:done|started) yet",
        "(?:not|haven't|hasn't) (?:yet )?(?:had (?:a |the )?chance|looked at|got (?:round )?to)",
    )),
    (ReadStatus.IN_PROGRESS, _any(
        "in progress", "on-? ?going", "under ?way", "under review", "progressing", "on track",
        "partially (?:complete|completed|done|implemented)", "part(?:ly)? (?:complete|done)",
        "still (?:working|in progress|underway)", "working on (?:it|this)",
        "(?:nearly|almost) (?:done|there|complete|finished)",
    )),
    # "staff have done the training" describes work; "done" on its own states a status.
    (ReadStatus.COMPLETE, _any(
        "(?<!have )(?<!has )(?<!had )(?:fully )?(?:complete|completed|done|finished|finalised|finalized)",
        "signed off", "closed", "(?:all )?sorted", "achieved",
    )),
)

# Descriptions of work that read as a status only when nothing explicit is said.
_WEAK_PATTERNS: tuple[tuple[ReadStatus, str], ...] = (
    (ReadStatus.IN_PROGRESS, _any(
        # "half the staff", not "a half day" or "half term"
        r"(?:about |around |roughly )?half(?![- ](?:day|term|hour|past|an hour)\b)", r"being \w+ed",
        "being (?:built|developed|written|drawn up|rolled out)",
        "in development", r"to be \w+", "will (?:be|include|continue|initiate|plan)", "draft(?:ed|ing)?", "planned",
        "scheduled", "arranged", "booked", "working (?:together|with|to)", "looking (?:to|at|into)", "explor(?:ing|ed)",
        "remains?", "awaiting", "pending", "developing", "updating", "taking place", "started", "begun", "escalated",
        "to follow", "(?:has|have|had) not (?:yet )?been", "not yet", "outstanding",
        r"(?:[1-8]?\d|9[0-4])(?:\.\d+)?% of",  # a part done; 95% and over reads as done
    )),
    (ReadStatus.NOT_STARTED, r"^(?:to be|will be) \w+"),
    # Waiting is a block only when nothing says the work is moving ("nearly done, just waiting for sign-off").
    (ReadStatus.BLOCKED, r"\bwaiting (?:on|for) (?!a response|a reply)"),
    (ReadStatus.COMPLETE, _any(
        "in place", "implemented", "published", "delivered", "agreed", "produced", "adopted", "ratified", "approved",
        # "the team has been focused on the inspection": where the effort went, not work done
        r"(?:has|have) been (?!(?:focus+ed|tied|occupied|diverted|stretched|pulled|redeployed)\b)\w+ed",
        r"(?:was|were) (?!(?:focus+ed|tied|occupied|diverted|stretched|pulled|redeployed)\b)(?:\w+ed|built|written)",
        r"now (?:\w+s|in|live|has|have|been|instructed|disseminated|included)", "live", "already",
        "has (?:been )?provided", "have provided", "received", "underwent", "includes?", "included", "built into",
        "acknowledged?", "(?:are|is) in the", "signed up", "undertaken", "appointed",
        "ticked off",  # a tick emoji (bot.reading.clauses): a completion to put to the writer, never to apply
        r"(?:has|have) (?!been\b)\w+ed", "(?:has|have|had) done",
        # "the new form's been in use since Easter": working, since a day gone by
        "(?:in use|in operation|up and running) since",
        # irregular past participles as a report ("policy rewritten"), not a plan ("to be rewritten")
        r"(?<!being )(?<!be )(?<!to )(?:re)?written(?! (?:by|before|for) )",
    )),
)

_STRONG = tuple((status, re.compile(pattern)) for status, pattern in _STRONG_PATTERNS)
_WEAK = tuple((status, re.compile(pattern)) for status, pattern in _WEAK_PATTERNS)

# A complete word is not a completion when it is negated, conditional or still to come.
_NEGATED_BEFORE = re.compile(
    r"(?:\bnot|n't|\bnever|\bnor|\bnowhere near|\bnowhere close to|\bfar from|\bnothing|\bno\b|\bnone of (?:it|this))"
    r"\s+(?:\w+\s+){0,2}$"
)
_FUTURE_BEFORE = re.compile(
    r"(?:\bto be|\bwill(?: be)?|\bwould be|\bshould be|\bbeing|\buntil|\btill?|\bonce|\bwhen|\bawaiting|\bpending|\bbefore"
    r"|\bto|\bcan be|\bcould be|\bgoing to be|\bget it|\bget this|'ll(?: be| have)?(?: it| this)?"
    # "sessions w/c 14 June, then done": what follows the next step, still to come
    r"|\b(?:and )?then(?: it'?s| it will be| we'?ll be| we are| we'?re| that'?s)?"
    r"|\bshould have (?:it|this|that)|\bwill have(?: it"
    r"| this)?"
    # "on hold until the restructure is done": the step named is still to come
    r"|\b(?:until|till?|once|when) (?:the |our |their )?[\w-]+(?: [\w-]+)? (?:is|are|has been|have been|gets?))"
    r"\s+(?:(?:fully|formally|finally|properly|all|it|this|that)\s+)?(?:(?:is|(?:it|this|that)?'s|are)\s+)?$"
)
_NOT_YET_AFTER = re.compile(r"^\s*(?:yet|\?)")
# "done next wk", "finished tomorrow", "complete in 2 weeks", "done soon": a time still to come straight after the
# word makes it a promise, however short the reply.
_FUTURE_AFTER = re.compile(
    # "all done after that" (the step just named), "finished afterwards"
    r"^\s*(?:next\b|nxt\b|tomorrow|tmrw|tmr\b|soon|shortly|asap|later (?:today|this|on)|over the (?:next|coming)"
    r"|after (?:that|then|this)\b|afterwards\b"
    r"|(?:with)?in the (?:next|coming)\b|(?:with)?in (?:a|an|one|two|three|four|five|six|a few|a couple of|couple of|\d+)"
    r"\s*(?:more\s+)?(?:days?|wks?|weeks?|months?|mths?)\b|this coming|the coming|come (?:the )?(?:end|spring|summer"
    r"|autumn|winter|monday|tuesday|wednesday|thursday|friday))"
)
# "done by end of March", "finished by Friday": a target, not a completion.
_TARGET_AFTER = re.compile(
    r"^\s*(?:by|before|for)\s+(?:the\s+)?(?:end|start|middle|mid|beginning|next|this|[0-9]|jan|feb|mar|apr|may|jun|jul"
    r"|aug"
    r"|sep|oct|nov|dec|mon|tue|wed|thu|fri|spring|summer|autumn|winter|q[1-4]|christmas|easter)"
)
# "hopefully done", "should be finished", "expect it complete": a hope, not a completion.
_HEDGE_BEFORE = re.compile(
    r"(?:\bhopefully|\bshould|\bexpect(?:ed|ing)?(?: to be| it| this)?|\baim(?:ing)? to(?: be| have)?"
    r"|\bhop(?:e|ed|ing) to(?: be| have)?|\bplan(?:ned|ning)? to(?: be| have)?|\blikely to be|\bprobably"
    r"|\b(?:intend|intended|aimed|meant|supposed|wanted) to(?: be| have)?(?: it| this)?"
    r"|\bshould have been)\s+(?:\w+\s+){0,1}$"
)
# "mostly done", "all but finished": part of the work is still to do.
_PARTIAL_BEFORE = re.compile(
    r"(?:\ball but|\bmostly|\blargely|\bnearly|\balmost|\bpartly|\bpartially|\bmainly|\bsubstantially"
    r"|\bvirtually|\bpractically|\bpretty much|\bmore or less)\s+(?:\w+\s+){0,1}$"
)
# "complete apart from the audit", "done, training still to follow": a completion with work left over.
_EXCEPTION_AFTER = re.compile(
    r"^\W*(?:bar|barring)\s|\b(?:apart from|except|excepting|other than|but for|save for|with the exception of"
    r"|the rest|still (?:to|waiting|awaiting|needs?|pending|outstanding|with)|outstanding|remaining|left to do"
    r"|(?:just |now |but )?(?:waiting (?:for|on)|awaiting)(?! (?:a |your )?(?:response|reply))"
    r"|yet to)\b"
)
_NOTHING_BEFORE = re.compile(r"\b(?:no|nothing|none|not|without|zero)\s+(?:\w+\s+){0,1}$")
_COMPLETION_NOUN = re.compile(r"\b(?:completion date|date of completion|completion)\b")

_LETTERED_PART = re.compile(r"(?:^|(?<=[\s>(]))\(?([a-h])\)\s")
_SEGMENT_SPLIT = re.compile(r"\n+|(?<=[.!?;])\s+|\s{2,}|\s[-–]\s")


@dataclass(frozen=True)
class _Signal:
    status: ReadStatus
    strong: bool
    position: int


_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]+)(?:\|([^>]*))?>")
_SLACK_MENTION = re.compile(r"<([@#!])([A-Za-z0-9^]+)(?:\|([^>]*))?>")


def slack_to_plain(text: str) -> str:
    """Slack's markup as words: `<https://x|label>` is "label (https://x)", `<@U123>` is "@U123",
    `<!here>` is "@here". Slack's `&amp; &lt; &gt;` escapes are undone later, by plain_text."""
    text = _SLACK_LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), text)
    return _SLACK_MENTION.sub(lambda m: ("#" if m.group(1) == "#" else "@") + (m.group(3) or m.group(2)), text)


#: Slack's and markdown's *bold*, _italic_ and ~strike~ around words: "I *think* it's done" is hedged.
_EMPHASIS = re.compile(r"(?<![\w*_~])([*_~])(?=[^\s*_~])([^*_~\n]{1,200}?)(?<=[^\s*_~])\1(?![\w*_~])")


def plain_text(text: str) -> str:
    """Text without HTML markup, entities, emphasis marks or typographic dashes and quotes."""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</li>|<hr\s*/?>|</div>|</tr>", "\n", text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    text = _EMPHASIS.sub(r"\2", text)
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u2022", " ").replace("\xa0", " ")
    return "\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()).strip()


def read_status(text: str) -> tuple[ReadStatus, float]:
    """The status `text` states, with a confidence between 0 and 1."""
    plain = plain_text(text)
    if not plain:
        return ReadStatus.UNCLEAR, 0.1
    parts = _lettered_parts(plain)
    if parts:
        return _combine_parts([_read_plain(part) for part in parts])
    return _read_plain(plain)


def _lettered_parts(plain: str) -> list[str]:
    """The a), b), c) parts of a progress cell, merged by letter; [] when it has no such parts."""
    matches = list(_LETTERED_PART.finditer(plain))
    letters = [m.group(1) for m in matches]
    if len(set(letters)) < 2 or letters[0] != "a" or letters != sorted(letters):
        return []
    by_letter: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(plain)
        by_letter[match.group(1)] = (by_letter.get(match.group(1), "") + " " + plain[match.end() : end]).strip()
    # A status written after the last part (right-aligned in the plan) belongs to that part already.
    return list(by_letter.values())


def _combine_parts(readings: list[tuple[ReadStatus, float]]) -> tuple[ReadStatus, float]:
    statuses = [status for status, _ in readings]
    confidence = min(conf for _, conf in readings)
    done = {ReadStatus.COMPLETE, ReadStatus.NOT_APPLICABLE}
    if all(status in done for status in statuses):
        status = ReadStatus.COMPLETE if ReadStatus.COMPLETE in statuses else ReadStatus.NOT_APPLICABLE
        return status, confidence
    for status in (ReadStatus.EXTENSION_REQUESTED, ReadStatus.BLOCKED):
        if status in statuses:
            return status, min(confidence, 0.8)
    if ReadStatus.COMPLETE in statuses or ReadStatus.IN_PROGRESS in statuses:
        # Some parts done, others not: the action as a whole is still in progress.
        return ReadStatus.IN_PROGRESS, max(min(confidence, 0.8), 0.6)
    return max(set(statuses), key=statuses.count), min(confidence, 0.6)


def _read_plain(plain: str) -> tuple[ReadStatus, float]:
    lowered = plain.lower()
    signals = _signals(lowered)
    strong = [signal for signal in signals if signal.strong]
    weak = [signal for signal in signals if not signal.strong]
    strong_statuses = {signal.status for signal in strong}
    if ReadStatus.NOT_APPLICABLE in strong_statuses and len(strong_statuses) == 1:
        return ReadStatus.NOT_APPLICABLE, 0.85
    if strong:
        last = max(strong, key=lambda signal: signal.position)
        if ReadStatus.EXTENSION_REQUESTED in strong_statuses and last.status is not ReadStatus.NOT_APPLICABLE:
            return ReadStatus.EXTENSION_REQUESTED, 0.8
        if ReadStatus.BLOCKED in strong_statuses and last.status is not ReadStatus.COMPLETE:
            return ReadStatus.BLOCKED, 0.8
        conflicting = len(strong_statuses - {last.status}) > 0
        confidence = 0.9 if not conflicting else 0.8
        later = [s for s in weak if s.position > last.position]
        if last.status is ReadStatus.COMPLETE and any(s.status is not ReadStatus.COMPLETE for s in later):
            confidence = min(confidence, 0.8)
        return last.status, confidence
    return _read_weak([signal.status for signal in weak])


def _read_weak(statuses: list[ReadStatus]) -> tuple[ReadStatus, float]:
    """Descriptions only: the more frequent kind wins, and a tie is read as not finished."""
    if ReadStatus.BLOCKED in statuses:
        return ReadStatus.BLOCKED, 0.6
    done = statuses.count(ReadStatus.COMPLETE)
    doing = statuses.count(ReadStatus.IN_PROGRESS)
    if ReadStatus.NOT_STARTED in statuses and not done:
        return ReadStatus.NOT_STARTED, 0.55
    if done > doing:
        return ReadStatus.COMPLETE, 0.6 if doing == 0 else 0.5
    if doing:
        return ReadStatus.IN_PROGRESS, 0.6
    return ReadStatus.UNCLEAR, 0.2


def _signals(lowered: str) -> list[_Signal]:
    signals: list[_Signal] = []
    claimed: set[int] = set()  # every position inside a strong match: one lookup per match, not one per claim
    for status, pattern in _STRONG:
        for match in pattern.finditer(lowered):
            if match.start() in claimed:
                continue
            if status is ReadStatus.COMPLETE:
                status_here = _completion_or_not(lowered, match)
                if status_here is None:
                    continue
                if isinstance(status_here, ReadStatus):
                    signals.append(_Signal(status_here, True, match.start()))
                else:  # unsure: "done by 3 March" could be a report or a promise
                    signals.append(_Signal(ReadStatus.COMPLETE, False, match.start()))
            else:
                signals.append(_Signal(status, True, match.start()))
            claimed.update(range(match.start(), match.end()))
    for status, pattern in _WEAK:
        for match in pattern.finditer(lowered):
            if match.start() not in claimed:
                signals.append(_Signal(status, False, match.start()))
    return signals


_UNSURE_COMPLETE = object()
# What the work waits for, not the work: "we can't start until the building works are finished", "stuck till the
# new system is completed" (the finishing is someone else's, and still to come).
_WAITED_FOR_BEFORE = re.compile(r"\b(?:until|till|til)\b[^.;:!?\n,]{0,70}\b(?:is|are|has been|have been|gets?)\s+$")
# What will complete it, not that it is complete: "the group finishes at the end of term, and that completes the
# action" (a step still running, in the present tense); not "the last group finished in June, and that completes it".
# Likewise a step still to come said in the present: "it goes to the panel in May, and that completes the action", "the
# board takes the decision on 26 May and that completes it" (past: "it went to the panel").
# And "the third group runs through May, ending on 26 May, and then the action is done": done once that step is over.
_FINISHING_STEP_BEFORE = re.compile(
    r"\b(?:finishes|ends|runs (?:until|through|till|to)|wraps up|closes|goes (?:in|into|to|out|live)|takes"
    r"|signs? (?:it |this )?off|(?:is|are) (?:published|launched|presented|ratified))\b[^.;!?\n]*"
    r"\band (?:that|this|which|then(?: (?:the|this|our) (?:action|work)| it| this)?(?: is|'s| will be)?)\s*$"
)


def _completion_or_not(lowered: str, match: re.Match[str]) -> ReadStatus | object | None:
    """COMPLETE for a real completion, IN_PROGRESS when negated or still to come, None for a noun use,
    _UNSURE_COMPLETE when it could be either."""
    if _COMPLETION_NOUN.match(lowered, match.start()) or _WAITED_FOR_BEFORE.search(
            lowered, max(0, match.start() - 90), match.start()):
        return None
    before = lowered[max(0, match.start() - 40) : match.start()]
    before = re.split(r"[.;:!?\n,]", before)[-1]
    after = lowered[match.end() : match.end() + 30]
    if _NEGATED_BEFORE.search(before) or _FUTURE_BEFORE.search(before) or _HEDGE_BEFORE.search(before):
        return ReadStatus.IN_PROGRESS
    if (_NOT_YET_AFTER.match(after) or _FUTURE_AFTER.match(after) or _PARTIAL_BEFORE.search(before)
            or _leaves_work_over(lowered, match.end())
            or _FINISHING_STEP_BEFORE.search(re.split(r"[.;!?\n]", lowered[max(0, match.start() - 160) : match.start()])[-1])):
        return ReadStatus.IN_PROGRESS
    if _TARGET_AFTER.match(after):
        # "Done by 3 March" is a report or a promise depending on the date: never sure enough to apply unasked.
        return _UNSURE_COMPLETE
    return ReadStatus.COMPLETE


def _leaves_work_over(lowered: str, end: int) -> bool:
    """Whether the rest of the line after a complete word names work still to do ("... apart from the audit"),
    but not "nothing outstanding" or "no actions remaining"."""
    rest = lowered[end : end + 120].split("\n", 1)[0]
    for qualifier in _EXCEPTION_AFTER.finditer(rest):
        if not _NOTHING_BEFORE.search(rest[max(0, qualifier.start() - 20) : qualifier.start()]):
            return True
    return False


_URL = re.compile(r"<?(https?://[^\s|>]+)(?:\|[^>]*)?>?")
_DOCUMENT_EXTENSIONS = r"(?:pdf|docx?|xlsx?|pptx?|csv|msg|eml|odt|ods|txt|png|jpe?g)"
_ATTACHED_DOCUMENT = re.compile(
    rf"\b(?:attached|attachment|enclosed|uploaded)\b:?\s+(?:(?:is|are|the|our|a|copy of the|copy of)\s+)*"
    rf"([^\n,;:]{{1,80}}?\.{_DOCUMENT_EXTENSIONS})\b",
    re.I,
)
_DOCUMENT_NAME = re.compile(rf"(?<![\w/])[\w()-][\w.()-]*\.{_DOCUMENT_EXTENSIONS}\b", re.I)
_EVIDENCE_LABEL = re.compile(r"\bevidence\s*[:=-]\s*([^\n]{3,200})", re.I)
_EVIDENCE_PHRASE = re.compile(
    r"\b((?:the |signed |approved |draft )?(?:minutes|notes|report|audit|policy|protocol|procedure|agenda|register"
    r"|certificate|attendance (?:list|figures)|training (?:records|log)|sign-off email)"
    r" (?:of|from|for|dated|on) (?:the )?[^.\n;,]{3,80})",
    re.I,
)
_SEE_ATTACHED = re.compile(r"\b(?:see|please find|i've attached|i have attached"
    r"|attaching)\s+(?:attached\s+)?([^.\n]{3,120})", re.I)
_GREETING = re.compile(r"^(?:hi|hello|dear|morning|afternoon|thanks|thank you|many thanks|cheers)\b", re.I)


def find_evidence(text: str) -> str | None:
    """What a note offers as evidence: a link, a document name, "evidence: ...", "minutes of the 3 May
    meeting", or failing those the most substantive sentence. None when it says nothing beyond a status."""
    plain = plain_text(text)
    for pattern in (_URL, _ATTACHED_DOCUMENT, _DOCUMENT_NAME, _EVIDENCE_LABEL, _EVIDENCE_PHRASE, _SEE_ATTACHED):
        match = pattern.search(plain)
        if match:
            found = (match.group(1) if match.groups() else match.group(0)).strip().rstrip(".,;:)")
            if found:
                return found
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", plain) if s.strip()]
    substantive = [s for s in sentences if len(s.split()) >= 4 and not _GREETING.match(s)]
    if not substantive:
        return None
    return max(substantive, key=len)[:300]
