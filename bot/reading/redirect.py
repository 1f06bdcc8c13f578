""""Not ours, that's the CCG" / "copying in Jane who now leads on this": a reply that says someone else
owns the action now. Such a reply never completes or closes anything; it becomes a task for the
coordinator (re-route the action to the named agency, or make the named person its lead contact).
Pure text in, a Redirect out.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

__all__ = ["Redirect", "find_redirect", "find_successor"]


@dataclass(frozen=True)
class Redirect:
    to: str | None  # the agency, team or person named as the new owner ("the CCG", "Jane Okafor", "<@U123>")
    cue: str  # the words that say so, for the coordinator's task


# Who: a Slack mention, "the housing team", or capitalised words ("Children's Services", "Jane Okafor", "ICB").
# Names are bounded (words and their length): an unbounded run of capitalised words is tried from every
# capital in it, which is quadratic on a long run ("March April May June ...").
_WHO = (
    r"(?P<to><@[A-Z0-9]{1,20}(?:\|[^>]{0,80})?>|(?:(?i:the)[ \t]+)?[a-z]{1,30}(?:[ \t]+[a-z]{1,30})?[ \t]+team"
    r"|(?:(?i:the)[ \t]+)?[A-Z][\w'’-]{0,40}(?:[ \t]+(?:[A-Z][\w'’-]{0,40}|of|and|for(?=[ \t]+[A-Z]))){0,6}"
    # "the Castlebridge Community Safety team": a unit's lower-case last word is part of its name
    r"(?:[ \t]+(?:team|service|unit|partnership|hub|department|directorate)\b)?)"
)
_I = "(?i:{})".format
# Each names the new owner in `to`; the cue alone is enough to read a redirect.
# A team or agency written in lower case ("probation", "children's services"), only where a cue says it owns the action.
# Words that describe the action rather than own it ("that's the last one now", "a big one for us").
_NOT_AN_OWNER = (
    r"the|a|an|really|probably|actually|definitely|more|now|just|not|still|very|also|first|second|third|fourth|fifth|last"
    r"|final|next|other|same|different|separate|new|old|big|bigger|small|tricky|hard|difficult|easy|good|long|quick"
    r"|important|key|priority|major|minor|high|low|ongoing|live|open|closed|complete|finished|done|only|main|real"
)
_OWNER_WORDS = (rf"(?!(?:{_NOT_AN_OWNER})\b)"
                r"(?P<to>[A-Za-z][\w'’&-]{0,30}(?:[ \t][A-Za-z][\w'’&-]{0,30}){0,3}?)")
_NAMED = tuple(re.compile(pattern) for pattern in (
    # A person first: "Marcus Lee in the PPU has it", "Sam Whitfield has taken this over", "Helen took over".
    _WHO + _I(r"(?:\s+(?:in|at|from|of)\s+(?:the\s+)?[\w'’ &-]{1,40}?)?\s+(?:has|has got|'s got) (?:it|this(?: one)?)\b"),
    _WHO + _I(r"(?:'s| has| have)\s+(?:now\s+)?(?:taken (?:this|it) over|taken over|picked (?:this|it) up"
              r"|taken (?:this|it) on)"),
    _WHO + _I(r"\s+(?:took (?:this |it )?over|picked (?:this|it) up|took (?:this|it) on)\b"),
    _WHO + _I(r",?\s+(?:is|'s|are|would be|will be) (?:now\s+)?the (?:right|correct|best|new) (?:person|contact|lead|team"
              r"|agency)\b"),
    # "Jo Breen confirmed she's taken this one"
    _WHO + _I(r"\s+(?:has\s+)?confirmed\s+(?:that\s+)?(?:she|he|they)(?:'s|s| has| have)\s+(?:now\s+)?(?:taken|picked up)"
              r" (?:this|it)\b"),
    # "The new lead, Femi Dare, starts on 1 June and will own this action from then"
    r"(?<=,[ \t])" + _WHO + _I(r",[ \t]+(?:who[ \t]+)?(?:starts|joins|started|joined)\b[^.\n]{0,40}?\b(?:will|is going to"
                              r"|to) (?:own|lead on|take (?:on|over)|pick up) (?:this|it|the)\b"),
    # "Dr Joseph Amadi, who has taken over", "Rachel Dunn, the new Safeguarding Manager, who is now leading on it"
    _WHO + _I(r",?\s+(?:\([^)]{0,80}\)\s*,?\s+)?(?:the [\w' ]{1,40}?,\s+)?who (?:has|have|'s|is|are) (?:now\s+)?"
              r"(?:taken over|taken (?:this|it) (?:over|on)|picked (?:this|it) up|leading|the (?:new )?lead|covering"
              r"|responsible for)\b"),
    _I(r"\b(?:one|a job|an action|a matter) for (?!(?:us|me|you)\b)(?:the )?") + _OWNER_WORDS
    + _I(r"(?=[ \t,]+(?:rather than|not (?:us|me)|now|instead)\b)"),
    _I(r"\b(?:this|it|that)(?:'s| is)(?: now)? (?:an? |the )?") + _OWNER_WORDS
    + _I(r"(?:'s|’s)? (?:action|one|responsibility)\b(?=[^.]{0,30}\b(?:not (?:ours|us|mine|me)|now|rather than)\b)"),
    _I(r"\b(?:this|it|that)(?:'s| is) now (?:an? |the )?") + _OWNER_WORDS + _I(r"(?:'s|’s)? (?:action|one)\b"),
    _I(r"\b(?:not ours|not (?:our|one for us)[^,.;]{0,80}?|isn't ours|isn't one for us|isn't ours)[,.;:\s-]+(?:that'?s"
       r"|that is|it'?s"
       r"|it is|this is|this sits with|it sits with|it'?s with|try|ask)\s+") + _WHO,
    _I(r"\b(?:sits|lies|rests|belongs) (?:now )?(?:with|to)\s+") + _WHO,
    # "it sits with the police not probation", "belongs to children's social care rather than the practice"
    _I(r"\b(?:sits|lies|rests|belongs) (?:now )?(?:with|to)\s+(?:the\s+)?") + _OWNER_WORDS
    + _I(r"(?=[ \t,]+(?:rather than|not|now|instead)\b)"),
    # the action with someone ("this is with Housing now"), not a document at a step ("the job description is with HR now")
    _I(r"(?:(?<=\bthis )|(?<=\bit )|(?<=\bthat )|(?<=\baction )|(?<=\bone )|(?<=\bthese )|(?<=\bthey )|(?<=\bboth )"
       r"|(?<=\ball ))(?:is|are) (?:now )?with\s+") + _WHO + _I(r"(?=\s+now\b|,? not (?:me|us)\b|\s+rather than\b)"),
    _I(r"\b(?:hand(?:ed|ing)? (?:it |this )?over|hand(?:ed|ing)? (?:it|this)(?: on)?|transferred|allocated"
       r"|passed (?:it |this )?(?:on |over )?"
       r"|moved (?:it |this )?(?:over )?|redirect (?:it|this)|re-?route (?:it|this)|forward(?:ed)? (?:it|this)"
       r"|reassign(?:ed)? (?:it|this)) to\s+") + _WHO,
    _I(r"\b(?:copying|cc'?ing|i'?ve cc'?d|copied|looping) in\s+") + _WHO,
    _WHO + _I(r"(?:'s| has| have)\s+(?:now\s+)?(?:taken over|picked (?:this|it) up|taken (?:this|it) on)"),
    _WHO + _I(r"\s+(?:\([^)]{0,80}\)\s+)?(?:who\s+)?(?:now\s+)?(?:(?:leads|is leading|are leading) (?:on|for)|is covering"
              r"|are covering)\b"),
    _WHO + _I(r"\s+(?:is|are)\s+(?:now\s+)?(?:the (?:new )?(?:lead|owner)|responsible for (?:this|it))"),
    _WHO + _I(r"(?:\s+(?:in|at|from|of)\s+(?:the\s+)?[\w'’ &-]{1,40}?)?\s+owns?\s+(?:it|this|these|them"
              r"|the [\w ]{1,30}?actions?)\b"),
    # "Dr Ben Walsh ... has agreed to take on the outstanding DHR actions"
    # (the whole name: "Dr Ama Owusu, who joined in June, has agreed", never "Dr Ama")
    _WHO + r"(?![\w'’-]|[ \t]+[A-Z])" + _I(r"[^.\n]{0,60}?\s+(?:has|have) agreed to (?:take (?:on|over)|pick up"
                                           r"|lead on)\b"),
    _WHO + _I(r"\s+(?:is|are|'s)\s+(?:now\s+)?(?:picking (?:this|it|these) up|taking (?:this|it|these) (?:over|on))\b"),
    # "all three are Eastmoor ICB's now, not ours"
    _I(r"\b(?:is|are|'s)\s+(?:now\s+)?") + _WHO
    + _I(r"(?:'s|’s)(?:\s+(?:action|actions|one|ones|responsibility))?(?=\s+now\b|,?\s+not (?:ours|us|mine|me)\b)"),
    _I(r"\b(?:this|it) is an?\s+") + _WHO + _I(r"\s+action\b"),
    # "should be with GP practices by 9 April" is a delivery, not a new owner
    _I(r"\bshould (?:be|sit) with\s+") + _WHO + r"(?![^.,;\n]{0,40}\b(?i:by|before|from|in|on)\b)",
    _I(r"\b(?:ask|contact|try|chase|e-?mail|speak to|talk to)\s+") + _WHO + _I(r"\s+(?:instead|rather)"),
    # "please send future chasers to Sam Lowe": where the chasing goes from now on
    _I(r"\b(?:send|direct|address|forward)\s+(?:all\s+|any\s+)?(?:future|further)\s+(?:[\w-]+\s+){0,3}?to\s+") + _WHO,
    # "this is <@U05RT9Q> now (Priya Shah)"
    _I(r"\b(?:this|it|that)(?: one)?(?:'s| is) (?:now\s+)?") + _WHO + _I(r"(?:'s|’s)?(?=\s+now\b)"),
))
# Cues with no name in them: "wrong person", "no longer with me".
_UNNAMED = re.compile(
    r"\b(?:not ours|isn't ours|not our (?:action|responsibility|lead|remit|area)|not one for us|isn't one for us"
    r"|(?:not|no longer) the (?:right|correct|best) (?:person|agency|team|contact)|wrong (?:person|agency|team|contact"
    r"|organisation)"
    r"|got the wrong|\b(?:this|it|that)(?: one)?(?:'s| is) (?:now )?yours\b"
    r"|(?:no longer|not) with (?:me|us)\b|i (?:don't|do not|no longer) (?:deal with|lead on|cover"
    r"|look after)"
    r"|never the lead|now leads on|who (?:now )?leads on|rather than (?:us|me)\b|not (?:for )?us to (?:do|lead)"
    # "Not mine.", "Not us - ...": the reply opens by disowning the action; "you lead on screening now"
    r"|^\W*not (?:mine|us|ours|me)\b|\bno longer (?:me|mine|ours|us)\b|\byou (?:now )?lead (?:on|for)\b"
    r"|\b(?:she|he|they)(?:'s| is| are) (?:now )?the [\w ]{0,30}?lead (?:for|on) (?:this|it)\b"
    r"|\bonly (?:on|copied (?:in|into)) (?:the|a) (?:distribution|mailing|circulation) list\b"
    r"|(?:no longer|not|don't|do not) (?:responsible for|own|the (?:lead|contact|owner) for|hold(?:s|ing)?) (?:this|it"
    r"|these|that|the)"
    r"|(?:not|isn't|is not) (?:an action )?for the (?:trust|charity|council|service|practice|team"
    r"|agency|organisation|board|school|hospital)\b|not (?:me|mine) any ?more\b|please (?:re-?direct|re-?route)\b"
    # "that's a community safety one not housing"
    r"|\b(?:that's|that is|this is|it's|it is) (?:a|an) [\w' ]{1,30}? (?:one|action|matter),? not (?!yet|finished|done"
    r"|complete|started|easy|quick|sure|urgent|simple)\w+)",
    re.I | re.M,
)
_UNSURE_WHO = re.compile(r"\b(?:not sure|unsure|don't know|do not know|no idea|wondering|unclear)\b[^.?!]{0,30}\bwho\b", re.I)
_TRAILING = re.compile(r"(?:'s|’s|\s+(?:of|and|for|now))+$")
# Capitalised words that start a sentence without naming anyone.
_NOT_A_NAME = frozenset({"i", "we", "it", "this", "that", "they", "she", "he", "please", "sorry", "hi", "the", "you"}
                       | {month.lower() for month in calendar.month_name[1:]})


# Where to go instead ("please contact Rachel Dunn", "delivered by Northgate Probation Service"): a new owner
# only beside a cue that the action is not the writer's ("I'm no longer responsible for this action").
_POINTERS = tuple(re.compile(pattern) for pattern in (
    _I(r"\b(?:contact|chase|try|e-?mail|speak to|talk to|get in touch with|ask)\s+") + _WHO,
    _I(r"\b(?:send|forward|direct|re-?direct|pass|refer)\s+(?:[\w'’-]+\s+){0,6}?to\s+") + _WHO,
    _I(r"\b(?:commissioned|delivered|run|provided|led|managed|handled|overseen|owned|held|transferred(?: back)?"
       r"|moved(?: back)?) (?:by|to)\s+") + _WHO,
    r"(?P<to><@[A-Z0-9]{1,20}(?:\|[^>]{0,80})?>)",
    # "run by the practice manager, Dee Hart": a lower-case role, then the person
    _I(r"\b(?:commissioned|delivered|run|provided|led|managed|handled|overseen|owned|held) by (?:the|our|their)"
       r" [\w' ]{1,40}?,[ \t]+") + r"(?P<to>(?:Dr\.? |Mr\.? |Mrs\.? |Ms\.? )?[A-Z][a-z'’-]+(?:[ \t]+[A-Z][a-z'’-]+){1,2})",
    # "DI Farrow owns MARAC thresholds", "Mr Okafor is DSL from September"
    _WHO + _I(r"\s+(?:now\s+)?owns?\b"),
    _WHO + r"\s+(?:is|'s)\s+(?:now\s+)?(?:the\s+)?(?:new\s+)?[A-Z]{2,6}\b",
))


def find_redirect(text: str) -> Redirect | None:
    """Who now owns the action, when the reply says it is not the writer's (or their agency's) any more."""
    plain = re.sub(r"[ \t]+", " ", text)
    named = _named_owners(plain)
    if named:
        chosen = _with_name_for_mention(named, plain)
        if chosen.to is not None and chosen.to.islower():
            # "a licensing one not ours - try the Harbourside Licensing team": the name pointed to says more
            return Redirect(_first_named(_POINTERS, plain) or chosen.to, chosen.cue)
        return chosen
    cue = _UNNAMED.search(plain)
    if cue is None or _UNSURE_WHO.search(plain[max(0, cue.start() - 40) : cue.end()]):
        return None  # "not sure who leads on this now": a question for the coordinator, not a new owner
    return Redirect(_with_person_after_role(_first_named(_POINTERS, plain), plain), cue.group(0))


_PERSON = r"[ \t]*,[ \t]+(?P<person>(?:Dr\.? |Mr\.? |Mrs\.? |Ms\.? )?[A-Z][a-z'’-]+(?:[ \t]+[A-Z][a-z'’-]+){1,2})\b"


def _with_person_after_role(to: str | None, plain: str) -> str | None:
    """ "try the Head of Housing Options, Mark Ellis": the person named after the role, with the role beside them."""
    if to is None or not to.lower().startswith("the "):
        return to
    # "the MAPPA coordinator, Jo Breen": the role may end in lower-case words
    person = re.compile(re.escape(to) + r"(?:[ \t]+[a-z]+){0,3}" + _PERSON).search(plain)
    return f"{person.group('person')} ({to})" if person else to


def _first_named(patterns: tuple[re.Pattern[str], ...], plain: str) -> str | None:
    """The first name any of `patterns` finds, sentence by sentence, in the order of the text."""
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", plain):
        found = [(match.start(), who) for pattern in patterns for match in pattern.finditer(sentence)
                 if (who := _TRAILING.sub("", match.group("to").strip())).lower() not in _NOT_A_NAME]
        if found:
            return min(found)[1]
    return None


def _named_owners(plain: str) -> list[Redirect]:
    """Every owner the text names, in the order of the patterns (a person before an agency)."""
    found: list[Redirect] = []
    for pattern in _NAMED:
        for match in pattern.finditer(plain):
            who = _TRAILING.sub("", match.group("to").strip())
            if who.lower() in _NOT_A_NAME or any(r.to == who for r in found):
                continue
            found.append(Redirect(who, match.group(0).strip()))
            break
    return found


def _with_name_for_mention(named: list[Redirect], plain: str) -> Redirect:
    """A Slack mention is kept, with the person's name beside it when the reply also names them
    ("<@U03HELEN> is the right person now - Helen Marchbank took over", "<@U07KQ2L> (Kemi Adeyemi, our new DA
    lead) has it"), so both can be resolved."""
    mention = next((r for r in named if r.to and r.to.startswith("<@")), None)
    person = next((r for r in named if r.to and not r.to.startswith("<@")), None)
    if mention is not None and person is None and mention.to is not None:
        bracketed = re.search(re.escape(mention.to) + r"[^(\n.]{0,60}\(\s*" + _WHO + r"\s*[,)]", plain)
        if bracketed is not None and bracketed.group("to").lower() not in _NOT_A_NAME:
            return Redirect(f"{bracketed.group('to')} ({mention.to})", mention.cue)
    if mention is not None and person is not None:
        return Redirect(f"{person.to} ({mention.to})", mention.cue)
    return named[0]


# An automatic reply that hands DHR work on: "for DHR matters please contact X", "X, who is covering my work".
# One that names someone only for urgent matters hands nothing on.
_SUCCESSOR = tuple(re.compile(pattern) for pattern in (
    _I(r"\b(?:please )?(?:contact|email|e-mail|speak to|get in touch with"
       # "redirect any correspondence about Domestic Homicide Reviews to", "send these to", "forward DHR queries to"
       r"|(?:(?:re-?)?direct|send|forward|pass) (?:(?:any|all|your|these|them|this|it|future|further) )?(?:[\w-]+ ){0,2}?"
       r"(?:(?:queries|enquiries|matters|e-?mails|correspondence|questions|requests)(?: (?:about|regarding|on"
       r"|relating to|for)(?: [\w'’-]+){1,5}?)? )?to)\s+") + _WHO,
    _I(r"\b(?:handled|overseen|managed|dealt with|covered|looked after|led) by\s+") + _WHO,
    _I(r"\b(?:re-?assigned|transferred|handed over|passed|allocated) to\s+") + _WHO,
    _WHO + _I(r",?\s+(?:\([^)]{0,80}\)\s*,?\s+)?who (?:is|will be) (?:now )?(?:covering|leading|the lead|dealing)"),
    _WHO + _I(r"\s+(?:has|have) (?:now )?taken over\b"),
    _WHO + _I(r"\s+(?:is|will be) (?:now )?(?:covering|leading on|dealing with|the (?:new )?lead)\b"),
))
_HANDS_ON = re.compile(
    r"\b(?:dhr|domestic homicide|review|action plan|actions?|my (?:work|role|duties|caseload|portfolio)|covering"
    r"|taken over|in my place|successor|replacement|has left|have left|no longer)\b",
    re.I,
)
_URGENT_ONLY = re.compile(r"\b(?:urgent|emergenc|immediate)", re.I)


def find_successor(text: str) -> str | None:
    """The person an automatic reply says now deals with DHR work, or None (including "for urgent
    matters contact X", which covers an absence but hands nothing on)."""
    if not _HANDS_ON.search(text):
        return None
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", re.sub(r"[ \t]+", " ", text)):
        if _URGENT_ONLY.search(sentence):
            continue
        for pattern in _SUCCESSOR:
            match = pattern.search(sentence)
            if match is None:
                continue
            who = _TRAILING.sub("", match.group("to").strip())
            if who.lower() not in _NOT_A_NAME:
                return who
    return None
