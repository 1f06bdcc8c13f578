""""Not ours, that's the CCG" / "copying in Jane who now leads on this": a reply that says someone else
owns the action now. Such a reply never completes or closes anything; it becomes a task for the
coordinator (re-route the action to the named agency, or make the named person its lead contact).
Pure text in, a Redirect out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Redirect", "find_redirect"]


@dataclass(frozen=True)
class Redirect:
    to: str | None  # the agency, team or person named as the new owner ("the CCG", "Jane Okafor", "<@U123>")
    cue: str  # the words that say so, for the coordinator's task


# Who: a Slack mention, "the housing team", or capitalised words ("Children's Services", "Jane Okafor", "ICB").
# Names are bounded (words and their length): an unbounded run of capitalised words is tried from every
# capital in it, which is quadratic on a long run ("March April May June ...").
_WHO = (
    r"(?P<to><@[A-Z0-9]{1,20}(?:\|[^>]{0,80})?>|(?:(?i:the)[ \t]+)?[a-z]{1,30}(?:[ \t]+[a-z]{1,30})?[ \t]+team"
    r"|(?:(?i:the)[ \t]+)?[A-Z][\w'’-]{0,40}(?:[ \t]+(?:[A-Z][\w'’-]{0,40}|of|and|for(?=[ \t]+[A-Z]))){0,6})"
)
_I = "(?i:{})".format
# Each names the new owner in `to`; the cue alone is enough to read a redirect.
_NAMED = tuple(re.compile(pattern) for pattern in (
    _I(r"\b(?:not ours|not (?:our|one for us)[^,.;]{0,80}?|isn't ours|isn't one for us|isn't ours)[,.;:\s-]+(?:that'?s"
       r"|that is|it'?s"
       r"|it is|this is|this sits with|it sits with|it'?s with|try|ask)\s+") + _WHO,
    _I(r"\b(?:sits|lies|rests|belongs) (?:now )?(?:with|to)\s+") + _WHO,
    _I(r"\b(?:is|are) (?:now )?with\s+") + _WHO + _I(r"(?=\s+now\b|,? not (?:me|us)\b|\s+rather than\b)"),
    _I(r"\b(?:handed (?:it |this )?over|handed (?:it|this) on|transferred|allocated|passed (?:it |this )?(?:on |over )?"
       r"|moved (?:it |this )?(?:over )?|redirect (?:it|this)|re-?route (?:it|this)|forward(?:ed)? (?:it|this)"
       r"|reassign(?:ed)? (?:it|this)) to\s+") + _WHO,
    _I(r"\b(?:copying|cc'?ing|i'?ve cc'?d|copied|looping) in\s+") + _WHO,
    _WHO + _I(r"(?:'s| has| have)\s+(?:now\s+)?(?:taken over|picked (?:this|it) up|taken (?:this|it) on)"),
    _WHO + _I(r"\s+(?:\([^)]{0,80}\)\s+)?(?:who\s+)?(?:now\s+)?(?:(?:leads|is leading|are leading) (?:on|for)|is covering"
              r"|are covering)\b"),
    _WHO + _I(r"\s+(?:is|are)\s+(?:now\s+)?(?:the (?:new )?(?:lead|owner)|responsible for (?:this|it))"),
    _WHO + _I(r"\s+owns?\s+(?:it|this)\b"),
    _I(r"\b(?:this|it) is an?\s+") + _WHO + _I(r"\s+action\b"),
    _I(r"\bshould (?:be|sit) with\s+") + _WHO,
    _I(r"\bask\s+") + _WHO + _I(r"\s+(?:instead|rather)"),
))
# Cues with no name in them: "wrong person", "no longer with me".
_UNNAMED = re.compile(
    r"\b(?:not ours|isn't ours|not our (?:action|responsibility|lead|remit|area)|not one for us|isn't one for us"
    r"|(?:not|no longer) the (?:right|correct|best) (?:person|agency|team|contact)|wrong (?:person|agency|team|contact"
    r"|organisation)"
    r"|got the wrong|(?:no longer|not) with (?:me|us)\b|i (?:don't|do not|no longer) (?:deal with|lead on|cover"
    r"|look after)"
    r"|never the lead|now leads on|who (?:now )?leads on|rather than (?:us|me)\b|not (?:for )?us to (?:do|lead))",
    re.I,
)
_UNSURE_WHO = re.compile(r"\b(?:not sure|unsure|don't know|do not know|no idea|wondering|unclear)\b[^.?!]{0,30}\bwho\b", re.I)
_TRAILING = re.compile(r"(?:'s|’s|\s+(?:of|and|for|now))+$")
# Capitalised words that start a sentence without naming anyone.
_NOT_A_NAME = frozenset({"i", "we", "it", "this", "that", "they", "she", "he", "please", "sorry", "hi", "the", "you"})


def find_redirect(text: str) -> Redirect | None:
    """Who now owns the action, when the reply says it is not the writer's (or their agency's) any more."""
    plain = re.sub(r"[ \t]+", " ", text)
    for pattern in _NAMED:
        for match in pattern.finditer(plain):
            who = _TRAILING.sub("", match.group("to").strip())
            if who.lower() in _NOT_A_NAME:
                continue
            return Redirect(who, match.group(0).strip())
    cue = _UNNAMED.search(plain)
    if cue is None or _UNSURE_WHO.search(plain[max(0, cue.start() - 40) : cue.end()]):
        return None  # "not sure who leads on this now": a question for the coordinator, not a new owner
    return Redirect(None, cue.group(0))
