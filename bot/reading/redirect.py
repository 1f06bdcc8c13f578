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


# A unit or role named in lower case, or partly so ("the council's licensing team", "the police DA unit", "the
# safeguarding adults board business manager", "our chair of trustees"): a determiner, up to five words, and the
# noun that makes it an organisation or a post. Without the determiner only one or two words before "team".
_UNIT_NOUN = (
    r"(?:team|teams|service|services|unit|partnership|hub|department|directorate|office|trust|practice|board"
    r"|provider|council|authority|agency|academy|surgery|manager|lead|coordinator|co-ordinator|officer|director"
    r"|nurse|chair|commissioners?|panel)"
)
_NOT_IN_A_UNIT = r"(?!(?:and|or|not|but|to|with|is|are|was|were|has|have|who|which|that|than|rather|instead|now|it|this)\b)"
_TEAM = r"(?:(?i:the)[ \t]+)?[a-z]{1,30}(?:[ \t]+[a-z'’]{1,30})?[ \t]+team"
_UNIT = (
    r"(?:(?i:the|our|their)[ \t]+(?:" + _NOT_IN_A_UNIT + r"[\w'’-]{1,30}[ \t]+){1,5}(?i:" + _UNIT_NOUN + r")\b"
    r"(?:[ \t]+of[ \t]+[a-z]{3,20}(?=[ \t]*[,.;\n]))?|" + _TEAM + ")"
)
# Names keep their particles ("Ana de Souza", "Pieter van der Berg") and hyphens ("Mary-Jane O'Neill").
_PARTICLE = r"(?:de|da|di|du|del|della|dos|das|van|von|der|den|le|la|bin|ibn|al|el|ap|nic|ní|mac)(?=[ \t]+[A-Z])"
# Who: a Slack mention, "the housing team", or capitalised words ("Children's Services", "Jane Okafor", "ICB").
# Names are bounded (words and their length): an unbounded run of capitalised words is tried from every
# capital in it, which is quadratic on a long run ("March April May June ...").
_MENTION = r"<@[A-Z0-9]{1,20}(?:\|[^>]{0,80})?>"
_CAPITALISED = (
    r"(?:(?i:the)[ \t]+)?[A-Z][\w'’-]{0,40}(?:[ \t]+(?:[A-Z][\w'’-]{0,40}|of|and|for(?=[ \t]+[A-Z])|" + _PARTICLE
    + r")){0,6}"
    # "the Castlebridge Community Safety team", "the GP practice", "the MASH manager": a unit's lower-case last
    # word is part of its name
    r"(?:[ \t]+(?:team|service|unit|partnership|hub|department|directorate|practice|trust|office|board|manager"
    r"|lead|coordinator|provider)\b)?"
)
_WHO = "(?P<to>" + _MENTION + "|" + _UNIT + "|" + _CAPITALISED + ")"
# After a verb with no object ("beds transferred to the regional provider"), a unit in lower case is too loose.
_NAMED_WHO = "(?P<to>" + _MENTION + "|" + _TEAM + "|" + _CAPITALISED + ")"
# A person written out: a title or none, then two to four capitalised words (particles between).
_TITLE = r"(?:Dr|Mr|Mrs|Ms|Miss|Prof|DI|DS|DC|DCI|DCS|Sgt|PC|Cllr|Insp)\.?[ \t]+"
_PERSON_NAME = (
    r"(?:" + _TITLE + r"[A-Z][\w'’-]+(?:[ \t]+(?:" + _PARTICLE + r"[ \t]+)*[A-Z][\w'’-]+){0,3}"
    r"|[A-Z][\w'’-]+(?:[ \t]+(?:" + _PARTICLE + r"[ \t]+)*[A-Z][\w'’-]+){1,3})"
)
# "Lindsey Park in the safeguarding team", "Sam from Housing": where the person works, between name and verb.
_NOT_A_PLACE = r"(?!(?i:who|which|that|and|but|has|have|had|is|was|are|were|will)\b)"
_WHERE = (r"(?:[ \t]+(?i:in|at|from|of)[ \t]+(?:(?i:the)[ \t]+)?" + _NOT_A_PLACE + r"[\w'’&-]{1,30}(?:[ \t]+" + _NOT_A_PLACE
          + r"[\w'’&-]{1,30}){0,4}?)?")
# The work handed on: "it", "this one", "all my DHR actions", "the outstanding reviews".
_THE_WORK = (
    r"(?:it|this(?: one| action)?|that|(?:all (?:of )?)?(?:my|the|our|his|her|their|these|those) (?:[\w'’-]+ ){0,3}?"
    r"(?:actions?|work|stuff|portfolio|caseload|responsibilities|duties|role|post|job|reviews?|contract))"
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
# Where a step goes next month is no owner's place: "in May", "at the June meeting".
_NOT_A_MONTH = (r"(?!(?:the )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|q[1-4]\b|\d|the new year\b"
                r"|the (?:next|june|july|spring|summer|autumn|winter)\b)")
_OWNER_WORDS = (rf"(?!(?:{_NOT_AN_OWNER})\b)"
                r"(?P<to>[A-Za-z][\w'’&-]{0,30}(?:[ \t][A-Za-z][\w'’&-]{0,30}){0,3}?)")
_NAMED = tuple(re.compile(pattern) for pattern in (
    # "The right person is DS Ann Kerr in their DA unit": the writer names who should have it
    _I(r"\bthe (?:right|correct|best) (?:person|contact)(?: for (?:this|it|that))?(?: now)? (?:is|would be|will be)[ \t]+")
    + "(?P<to>" + _PERSON_NAME + ")",
    # "the office manager, Rita Vane, looks after these and she'd be the right person": the person, then who she is
    "(?P<to>" + _PERSON_NAME + ")" + _I(r"[^.\n]{0,80}?\b(?:she|he|they)(?:'d|'ll| would| will|'s| is| are)? (?:be )?the"
                                       r" (?:right|best|correct) (?:person|contact)\b"),
    # "I've had a word with Omar Said and he's agreed to be the contact for it from now on"
    "(?P<to>" + _PERSON_NAME + ")" + _I(r"(?:[ \t]*\([^)\n]{0,60}\))?[^.\n]{0,60}?\b(?:she|he|they)(?:'s| has| have| had)"
                                       r" agreed to (?:be the (?:new )?(?:contact|lead|owner)|take (?:this|it) (?:on|over)"
                                       r"|pick (?:this|it) up|lead on (?:this|it))\b"),
    # "Petra Lind is now the Head of Quality for the region and leads on it": the post, then the action with it
    "(?P<to>" + _PERSON_NAME + ")" + _I(r"\s+(?:is|'s) (?:now )?the (?:new )?(?:[\w'’-]+ ){0,8}?(?:and (?:now )?)?leads? on"
                                       r" (?:it|this)\b"),
    # "over to Mo Rahman now (<@U0..>)": the action handed over, said in chat without a verb
    _I(r"(?:^|(?<=[.!?]\s))\W*(?:it'?s |this is |that'?s )?over to[ \t]+") + _WHO
    + _I(r"(?=[ \t]+now\b|[ \t]*[,(]|[ \t]*$)"),
    # "This is now with Dev Patel, our new head of service": the action with a person now, not a step of the work
    # waiting on someone ("it's now with the board for approval")
    _I(r"\b(?:this|it|that|the action|this action)(?: one| action)?(?:'s| is| has) now (?:been )?with[ \t]+") + _WHO
    + _I(r"(?![^.\n]{0,40}\b(?:for|to be|to sign|awaiting|pending)\b)"),
    # "please direct this one to Kay Moss at Brook Homes": where the chasing should go, named
    _I(r"\b(?:please )?(?:direct|redirect|re-?direct|re-?route) (?:this|it|that)(?: one| action)? (?:on )?to[ \t]+") + _WHO,
    # "ask my successor, Ola Bright": whoever replaced the writer holds the work now
    _I(r"\b(?:ask|contact|speak to|talk to|try|e-?mail|chase) (?:my|his|her|their) (?:successor|replacement)(?: in post)?,?"
       r"[ \t]+") + "(?P<to>" + _PERSON_NAME + r"|[A-Z][\w'’-]+)",
    # "Tom's your man for that", "Priya is who you want": the writer points to the person who has it
    _WHO + _I(r"(?:'s| is) (?:your (?:wo)?man|your person|who you (?:want|need))\b"),
    # A person first: "Marcus Lee in the PPU has it", "Sam Whitfield has taken this over", "Helen took over".
    # ("Priya Shah's got this now": the "'s" straight after the name)
    _WHO + _I(r"(?:\s+(?:in|at|from|of)\s+(?:the\s+)?[\w'’ &-]{1,40}?)?(?:\s+(?:has|has got|'s got)|['’]s got)"
              r" (?:it|this(?: one)?)\b"),
    _WHO + _WHERE + _I(r"(?:'s| has| have)\s+(?:now\s+)?(?:taken (?:" + _THE_WORK + r" )?over|picked (?:this|it) up"
                       r"|taken (?:this|it) on|picked up " + _THE_WORK + r"|taken (?:on|over) " + _THE_WORK + r")"),
    _WHO + _WHERE + _I(r"\s+(?:took (?:" + _THE_WORK + r" )?over|picked (?:this|it) up|took (?:this|it) on"
                       r"|picked up " + _THE_WORK + r"|took (?:on|over) " + _THE_WORK + r")\b"),
    # "The PCN clinical director, Dr Ade Olatunji, agreed to take it on": a role, then the person, then the handing on
    _I(r"\b(?:the|our|their|his|her|my)[ \t]+(?:[\w'’-]+[ \t]+){0,5}?[\w'’-]+,[ \t]+") + "(?P<to>" + _PERSON_NAME + ")"
    + _I(r",?[ \t]+(?:who[ \t]+)?(?:(?:has|have|had|now)[ \t]+)?(?:agreed(?: [^.,\n]{1,30}?)? to (?:take|pick|lead)"
         r"|(?:is|are) now (?:leading|the (?:new )?(?:lead|owner|contact)|responsible)"
         r"|(?:has|have) taken (?:" + _THE_WORK + r" )?(?:on|over)"
         r"|took (?:" + _THE_WORK + r" )?(?:on|over)|will (?:own|lead on|take (?:it|this) (?:on|over)))\b"),
    # "This action was taken on by Safer Homes Alliance", "picked up by Sam in Housing"
    _I(r"\b(?:was|were|has been|have been|had been|now (?:been )?) (?:taken|picked) (?:on|over|up) by\s+") + _WHO,
    # "falls within the remit of the Community Safety Partnership"
    _I(r"\b(?:within|under|in) the remit of\s+") + _WHO,
    # "you want Ridgeway Academy, not us", "You want the MASH manager for this, Tom Ferris"
    _I(r"\byou(?:'ll| will| would)? (?:want|need)\s+|\byou're after\s+|\byou should (?:ask|speak to|contact|try)\s+") + _WHO
    + _I(r"(?=[^.\n]{0,30}?(?:\bfor (?:this|that|it)\b|,? not (?:us|me)\b|\brather than\b|\binstead\b))"),
    # "ask Karim, he's got this one now"
    _I(r"\b(?:ask|contact|try|speak to|talk to|chase|e-?mail|see)\s+") + _WHO
    + _I(r",?\s+(?:as\s+)?(?:he|she|they)(?:'s|'re| is| are| has| have)\s+(?:now\s+)?(?:got (?:this|it)|taken (?:this|it)"
         r" (?:on|over)|picked (?:this|it) up|the (?:new )?(?:lead|contact|owner)|the one|leading|responsible|covering)"),
    # "please change your records to me, Helen Marsh": the writer takes the action on and names themself
    _I(r"\b(?:change|update|amend) (?:your|the) (?:records?|contact(?: details)?|details|tracker)(?: [\w ]{0,20}?)? to me,"
       r"[ \t]+") + "(?P<to>" + _PERSON_NAME + ")",
    # "<@U01AB2CDE> manages it now"
    _WHO + _I(r"\s+(?:now\s+)?(?:manages|runs|leads|handles|oversees|looks after) (?:it|this|that)(?: one)?\s+now\b"),
    # "this should go to probation tbh": where the action belongs, not where a document goes next
    _I(r"\b(?:this|it|that|the action|these)(?: one| action)? should (?:now )?(?:go|be (?:sent|passed|directed"
       r"|redirected|referred)) to\s+(?:the\s+)?") + _OWNER_WORDS
    + _I(r"(?=[ \t]*(?:$|[,.;:!?]|-|\btbh\b|\binstead\b|\brather\b|\bnot\b|\bnow\b|\bas\b))"),
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
    # (not "no longer sits with the MARAC": that names the old owner)
    _I(r"(?<!\bno longer )(?<!\bnot )\b(?:sits|lies|rests|belongs) (?:now )?(?:with|to)\s+") + _WHO,
    # "it sits with the police not probation", "belongs to children's social care rather than the practice"
    _I(r"\b(?:sits|lies|rests|belongs) (?:now )?(?:with|to)\s+(?:the\s+)?") + _OWNER_WORDS
    + _I(r"(?=[ \t,]+(?:rather than|not|now|instead)\b)"),
    # the action with someone ("this is with Housing now"), not a document at a step ("the job description is with HR now")
    _I(r"(?:(?<=\bthis )|(?<=\bit )|(?<=\bthat )|(?<=\baction )|(?<=\bone )|(?<=\bthese )|(?<=\bthey )|(?<=\bboth )"
       r"|(?<=\ball ))(?:is|are) (?:now )?with\s+") + _WHO + _I(r"(?=\s+now\b|,? not (?:me|us)\b|\s+rather than\b)"),
    # the same, shortened: "that's with the licensing team now"
    _I(r"\b(?:this|that|it)'s (?:now )?with\s+") + _WHO + _I(r"(?=\s+now\b|,? not (?:me|us)\b|\s+rather than\b)"),
    _I(r"\b(?:hand(?:ed|ing)? (?:it |this )?over|hand(?:ed|ing)? (?:it|this)(?: on)?|transferred"
       # "allocated to the Housing Service in error" names the wrong owner, not the new one
       r"|allocated(?![^.\n]{0,60}\bin error\b)"
       r"|passed (?:it |this )?(?:on |over )?"
       r"|moved (?:it |this )?(?:over )?|redirect (?:it|this)|re-?route (?:it|this)|forward(?:ed)? (?:it|this)"
       r"|reassign(?:ed)? (?:it|this)) to\s+") + _NAMED_WHO,
    _I(r"\b(?:hand(?:ed|ing)? (?:it|this)(?: on| over)?|hand(?:ed|ing)? " + _THE_WORK + r" (?:on|over)|(?:passed|moved"
       r"|transferred|allocated|redirect|re-?route|forward(?:ed)?|reassign(?:ed)?) (?:it|this)(?: on| over)?) to\s+") + _WHO,
    _I(r"\b(?:copying|cc'?ing|i'?ve cc'?d|copied|looping) in\s+") + _WHO,
    _WHO + _I(r"(?:'s| has| have)\s+(?:now\s+)?(?:taken over|picked (?:this|it) up|taken (?:this|it) on)"),
    # "Harriet Cole, the board's business manager, now leads on this"
    _WHO + _I(r"(?:,\s+the [\w'’ ]{1,60}?,)?\s+(?:\([^)]{0,80}\)\s+)?(?:who\s+)?(?:now\s+)?"
              # (not "the draft is out to the GP leads for comments": leads there are people asked, not owners)
              r"(?:(?:leads|is leading|are leading) (?:on|for)(?! (?:comments?|feedback|review|approval|sign)\w*)|is covering"
              r"|are covering)\b"),
    _WHO + _I(r"\s+(?:is|are)\s+(?:now\s+)?(?:the (?:new )?(?:lead|owner)|responsible for (?:this|it))"),
    _WHO + _I(r"(?:\s+(?:in|at|from|of)\s+(?:the\s+)?[\w'’ &-]{1,40}?)?\s+owns?\s+(?:it|this|these|them"
              r"|the [\w ]{1,30}?actions?)\b"),
    # "Dr Ben Walsh ... has agreed to take on the outstanding DHR actions"
    # (the whole name: "Dr Ama Owusu, who joined in June, has agreed", never "Dr Ama")
    _WHO + r"(?![\w'’-]|[ \t]+[A-Z])" + _I(r"[^.\n]{0,60}?\s+(?:has|have) agreed to (?:take (?:on|over)|pick up"
                                           r"|lead on)\b"),
    _WHO + _I(r"\s+(?:is|are|'s)\s+(?:now\s+)?(?:picking (?:this|it|these) up|taking (?:this|it|these) (?:over|on)"
              # "Jordan Blake is taking over as domestic abuse lead": the post, and this action with it
              r"|taking over as\b[^.\n]{0,80}?\b(?:will|to) (?:own|lead on|take|pick up) (?:this|it|the)"
              # "Amir Hussain's team are doing this one now"
              r"|doing (?:this|it|that)(?: one)? now)\b"),
    # "all three are Eastmoor ICB's now, not ours"
    _I(r"\b(?:is|are|'s)\s+(?:now\s+)?") + _WHO
    + _I(r"(?:'s|’s)(?:\s+(?:action|actions|one|ones|responsibility))?(?=\s+now\b|,?\s+not (?:ours|us|mine|me)\b)"),
    _I(r"\b(?:this|it) is an?\s+") + _WHO + _I(r"\s+action\b"),
    # "should be with GP practices by 9 April" is a delivery, not a new owner
    _I(r"\bshould (?:really |probably |actually |now )?(?:be|sit) with\s+") + _WHO
    + r"(?![^.,;\n]{0,40}\b(?i:by|before|from|in|on)\b)",
    _I(r"\b(?:ask|contact|try|chase|e-?mail|speak to|talk to)\s+") + _WHO + _I(r"\s+(?:instead|rather)"),
    # "please send future chasers to Sam Lowe": where the chasing goes from now on
    _I(r"\b(?:send|direct|address|forward)\s+(?:all\s+|any\s+)?(?:future|further)\s+(?:[\w-]+\s+){0,3}?to\s+") + _WHO,
    # "3 - not ours, thats the police": the owner named in lower case straight after the disowning
    _I(r"\b(?:not ours|not (?:us|mine)|isn't ours)[,.;:\s-]+(?:that'?s|that is|it'?s|it is|thats|its)\s+(?:the\s+)?")
    + _OWNER_WORDS
    + r"(?=[ \t]*(?:$|[,.;:!?)]|-))",
    # "Nope not us. Probation.": the owner alone, after a reply that opens by disowning the action
    _I(r"^\W*(?:no(?:pe)?\W+)?not (?:us|ours|mine|me)[.!,;:\s-]+") + _OWNER_WORDS + r"(?=[ \t]*[.!]?[ \t]*$)",
    # "pls ask Dawn in tenancy services, it's hers now"
    _I(r"\b(?:ask|contact|try|speak to|talk to|chase)\s+") + _WHO + _WHERE
    + _I(r",?\s+(?:it'?s|it is|this is|that'?s|that is) (?:hers|his|theirs)\b"),
    # "<@U03PQ7RST> has 4-1 now": a new owner holding an action named by its number
    _WHO + _I(r"\s+(?:has|has got|'s got) (?:[A-Z]{2,6}\d*-)?\d+[-.]\d+\s+now\b"),
    # "this moved to the ICB when the CCG went", "PBR5-2-2 - now owned by the Regional Probation Director's office"
    _I(r"\b(?:this|it|the action|this action|one)(?: one)?\s+(?:has\s+|was\s+|has been\s+)?moved (?:over |across )?to\s+")
    # "this has moved to Q3 2027/28" is a new date, not a new owner
    + r"(?!(?i:q[1-4]|h[12]|\d|(?:the )?(?:end|start|beginning|middle)|next|spring|summer|autumn|winter)\b)" + _NAMED_WHO,
    _I(r"\bnow (?:owned|led|held|managed|run) by\s+") + _WHO,
    # "school nursing has been provided by Somerleigh Community Health rather than by the Council"
    _I(r"\b(?:provided|delivered|run|commissioned|managed) by\s+") + _NAMED_WHO
    + _I(r"(?=,?\s+(?:rather than|instead of|not)\b)"),
    # "a matter for Adult Social Care, who I have copied in"
    _WHO + _I(r",?\s+who (?:i|we)(?:'ve| have)? (?:copied|cc'?d|cc'?ed|looped) in\b"),
    # "this is <@U05RT9Q> now (Priya Shah)"
    _I(r"\b(?:this|it|that)(?: one)?(?:'s| is) (?:now\s+)?") + _WHO + _I(r"(?:'s|’s)?(?=\s+now\b)"),
    # "this one is for Adult Social Care, not us", "now for the Probation Service rather than us": whose it is
    _I(r"\b(?:is|'s|are) (?:now |really |actually )?for[ \t]+") + _WHO
    + _I(r"(?=,?[ \t]+(?:not (?:us|me|ours|mine)|rather than (?:us|me))\b)"),
    # "that's probation's, not ours", "that one's kemal's now", "that's jess's (comms) not mine": a possessive in chat
    _I(r"\b(?:this|it|that)(?: one)?(?:'s| is) (?:now )?") + _OWNER_WORDS
    # ("that's housing's, not early help": the other team named as not the owner)
    + _I(r"(?:'s|’s)(?=(?:[ \t]*\([^)\n]{0,40}\))?,?[ \t]+(?:now\b|not\b)|[ \t]*[.!]?[ \t]*$)"),
    # "This should go to the Safeguarding Partnership business unit - they hold it": a name, then what kind of unit
    _I(r"\b(?:this|it|that|the action)(?: one| action)? should (?:now )?(?:go|be (?:sent|passed|directed)) to[ \t]+")
    + r"(?P<to>(?:(?i:the)[ \t]+)?[A-Z][\w'’-]{0,40}(?:[ \t]+(?:[A-Z][\w'’-]{0,40}|of|and)){0,5}"
    + _I(r"(?:[ \t]+[a-z]{2,20})?[ \t]+" + _UNIT_NOUN + r")\b"),
    # "not us, the out-of-hours provider holds this": who holds it, straight after the disowning
    _I(r"\bnot (?:us|ours|mine|me)[,;:.\s-]+") + _WHO + _I(r"\s+(?:holds|owns|runs|has|leads on) (?:this|it|that)\b"),
    # "this action now falls to our deputy head, Ruth Mayer": whose duty it is, the person after the role
    _I(r"\b(?:this|it|that|the action|this action)(?: one)? (?:now )?falls? (?:now )?to (?:the|our|their|my) [\w'’ -]{1,40}?,"
       r"[ \t]+") + "(?P<to>" + _PERSON_NAME + ")",
    _I(r"\b(?:this|it|that|the action|this action)(?: one)? (?:now )?falls? (?:now )?to\s+") + _WHO,
    # "it ought to be led by Youth Justice": who should lead it, not how a step is run ("the session is led by HR")
    _I(r"\b(?:this|it|that|the action|this action)(?: one)? (?:should|ought to|needs to)(?: really| probably| properly"
       r"| actually)? (?:be )?(?:led|owned|held|picked up|taken on) by\s+") + _WHO,
    # "housing took this over", "comms own that one": a team in lower case at the start of what it has taken on
    # (not "no idea who owns this one": the writer does not know)
    _I(r"(?:^|(?<=[.,;:!?-] )|(?<=\bnot mine - )|(?<=\bnot ours - ))(?!(?:[\w'’-]+ ){0,4}?(?:who|someone|somebody"
       r"|anyone|nobody|no one)\b)") + _OWNER_WORDS
    + _I(r"(?= (?:took|have taken|has taken) (?:this|it|that)(?: one)? over\b| owns? (?:this|that|it)(?: one)?\b)"),
    # "this one should go to Sam Reid in Private Sector Housing": a person named as where the action belongs (not
    # "should go to Health Scrutiny in May": where a step goes, and when)
    _I(r"\b(?:this|it|that|the action)(?: one| action)? should (?:really |probably )?(?:go|be (?:sent|passed|directed))"
       r" to[ \t]+") + "(?P<to>" + _PERSON_NAME + ")"
    + _I(r"(?:[ \t]+(?:in|at|from)[ \t]+" + _NOT_A_MONTH + r"[^,.;\n]{1,50})?(?=[ \t]*(?:$|[,.;:!?]|-))"),
    # "this is really one for HMRC, it's about tax credits": whose action it is, said outright
    _I(r"\b(?:this|it|that)(?:'s| is) (?:really |actually |probably |more )?(?:one|a job|a matter) for "
       r"(?!(?:us|me|you|the (?:panel|board|chair|coordinator|co-ordinator|committee|review))\b)(?:the )?")
    + _OWNER_WORDS + r"(?=[ \t]*(?:$|[,.;:!?)]|-))",
    # "please speak to Femi Ade, who manages the coordinators now": the person who holds the work
    _I(r"\b(?:ask|contact|speak to|talk to|try)\s+") + _WHO
    + _I(r",\s+who (?:now\s+)?(?:manages|runs|leads|heads|holds|owns)\b[^.\n]{0,60}?\bnow\b"),
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
    r"|agency|organisation|board|school|hospital)\b|(?:not|isn't|is not) (?:me|mine|ours|for (?:us|me)) any ?more\b"
    r"|please (?:re-?direct|re-?route)\b"
    # "that's a community safety one not housing"
    r"|\b(?:that's|that is|this is|it's|it is) (?:a|an) [\w' ]{1,30}? (?:one|action|matter),? not (?!yet|finished|done"
    r"|complete|started|easy|quick|sure|urgent|simple)\w+"
    # "speak to the YOS, it's theirs", "it's your area now, not mine", "this question is not for me"
    r"|\b(?:it's|it is|that's|that is|they're|is|are) theirs\b|\b(?:your|their) (?:area|remit|patch|responsibility)"
    r"(?: now)?,? not (?:mine|ours|me|us)\b|\b(?:this|that|it|the)(?: (?:question|action|request|e-?mail|chaser|one))?"
    r" (?:is|'s) not for (?:me|us)\b"
    # "assigned to the Trust in error", "they should be asked instead", "suggest the action is reassigned to them"
    r"|\b(?:assigned|allocated) to [\w' ]{1,30}? in error\b|\bshould be (?:asked|chased|contacted) instead\b"
    r"|\bre-?(?:assigned|allocated) to (?:them|him|her)\b"
    # sent to the wrong person: "no idea why this came to me", "please take me off this", "I know nothing about it",
    # "I'm not the owner - can someone pick it up?", "no idea, not mine"
    # (not "not sure why it's come up again": a question about the chaser, not its owner)
    r"|\b(?:no idea|not sure|unsure|don't know) why (?:this|it)(?: has| was|'s)? (?:been )?(?:sent|come|came|addressed"
    r"|forwarded) to (?:me|us)\b|\b(?:no idea|not sure|unsure|don't know) why (?:i|we)(?: have| was| were|'ve)? (?:been )?"
    r"(?:sent this|copied in)\b|\btake me off (?:this|the|your)\b"
    r"|\bi (?:know|knew) nothing about (?:this|it|that)\b|\bi'?m not (?:the|its) (?:owner|lead|right person)\b"
    r"|\bcan (?:someone|somebody|anyone)(?: else)? (?:pick|take) (?:this|it) (?:up|on|over)\b"
    r"|[,;]\s*not (?:mine|ours)\b"
    # disowned in other words: "it's not mine", "don't think this is ours", "either way not us", "definitely not the
    # council's", "no longer sits with me", "belongs elsewhere" (not "assigned to us by mistake": the older sets read
    # that as not applicable to the writer's agency, with no one else named)
    r"|\b(?:it's|it is|this is|that's|that is) not (?:mine|ours)\b(?! to\b)"  # (not "not mine to sign off")
    r"|\b(?:don't|do not) think (?:this|it|that)(?: one)?(?:'s| is) (?:ours|mine|for (?:us|me))\b"
    r"|\b(?:either way|definitely|certainly|really|def) not (?:us|ours|mine|me)\b"
    r"|\bnot (?:the|our) (?:council|trust|school|practice|service|charity|police|hospital|team|agency)'s\b"
    r"|\bno longer (?:sits|lies|rests) with (?:me|us)\b|\b(?:belongs|sits|lies) elsewhere\b"
    # the writer has gone: "please remove me from this action - I left the partnership in March"
    r"|\bremove me from (?:this|the) (?:action|list|tracker|chaser)\b"
    r"|\bi(?:'ve| have)? left (?:the|this) (?:partnership|organisation|organization|trust|council|service|post|role)\b)",
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
    # "DI Khan runs that", "Our chair, Gwen Atherley, holds the agreements", "the new provider, Pathway Recovery, holds"
    _WHO + _I(r"\s+(?:now\s+)?(?:runs|manages|leads|heads(?: up)?|oversees|holds) (?:that|it|this|them|the \w+)\b"),
    _I(r"\b(?:the|our|their|his|her)[ \t]+(?:[\w'’-]+[ \t]+){0,5}?[\w'’-]+,[ \t]+") + "(?P<to>" + _PERSON_NAME + ")"
    + _I(r",?[ \t]+(?:who[ \t]+)?(?:now[ \t]+)?(?:holds?|owns?|runs?|leads?|is leading|manages?|is responsible|is the)\b"),
    # "the manager is Mr Baptiste Leclerc", "The contact there is Gareth Iles"
    _I(r"\b(?:the|their|its)[ \t]+(?:new[ \t]+)?(?:[\w'’-]+[ \t]+){0,3}?(?:manager|lead|contact|head|director|coordinator"
       r"|person|owner|nurse|officer|chair)(?:[ \t]+(?:there|for (?:this|it|that)))?[ \t]+is[ \t]+")
    + "(?P<to>" + _PERSON_NAME + ")",
    # "contact his successor, Dr Yasmin Farouk"
    _I(r"\b(?:contact|try|ask|speak to|talk to)[ \t]+(?:his|her|their|my|our|the)[ \t]+[\w'’ -]{1,40}?,[ \t]+")
    + "(?P<to>" + _PERSON_NAME + ")",
    _WHO + r"\s+(?:is|'s)\s+(?:now\s+)?(?:the\s+)?(?:new\s+)?[A-Z]{2,6}\b",
    # "so Sandra Milne there will need to update you on this one"
    _WHO + _I(r"(?:\s+there)?\s+will (?:need to |have to )?(?:update you|pick (?:this|it) up|take (?:this|it) (?:on|over))\b"),
))


def find_redirect(text: str) -> Redirect | None:
    """Who now owns the action, when the reply says it is not the writer's (or their agency's) any more."""
    plain = re.sub(r"[ \t]+", " ", text)
    named = _named_owners(plain)
    if named:
        chosen = _with_name_for_mention(named, plain)
        if chosen.to is not None and chosen.to.islower():
            # "a licensing one not ours - try the Harbourside Licensing team": the name pointed to says more
            beside = _with_person_after_role(chosen.to, plain)
            chosen = Redirect(beside if beside != chosen.to else _first_named(_POINTERS, plain) or chosen.to, chosen.cue)
        return Redirect(_with_person_after_role(chosen.to, plain), chosen.cue)
    cue = _UNNAMED.search(plain)
    if cue is None or _UNSURE_WHO.search(plain[max(0, cue.start() - 40) : cue.end()]):
        return None  # "not sure who leads on this now": a question for the coordinator, not a new owner
    return Redirect(_with_person_after_role(_first_named(_POINTERS, plain), plain), cue.group(0))


# "the practice manager, Jo Hart", "the safeguarding adults team now - Kit Moss": the person beside the unit
_PERSON = r"[ \t]*(?:,|[ \t]-)[ \t]+(?P<person>" + _PERSON_NAME + r")\b"


# After a unit, the person in it the reply points to: "..., the manager is Mr Baptiste Leclerc", "The contact there
# is Gareth Iles", "DI Khan runs that".
_PERSON_IN_THE_UNIT = (
    re.compile(_I(r"^[^\n]{0,80}?\b(?:the|their|its)[ \t]+(?:[\w'’-]+[ \t]+){0,3}?(?:manager|lead|contact|head|director"
                  r"|coordinator|person|owner|nurse|officer|chair)(?:[ \t]+(?:there|for (?:this|it|that)))?[ \t]+is[ \t]+")
               + "(?P<person>" + _PERSON_NAME + ")"),
    # "our Wellbeing team, which is led by Dr Kay Ash": the person who leads the unit named
    re.compile(_I(r"^[^\n.]{0,40}?\b(?:which|who) (?:is|are) (?:now )?(?:led|run|managed|headed) by[ \t]+")
               + "(?P<person>" + _PERSON_NAME + ")"),
    re.compile(r"^[^\n]{0,80}?[.;,-][ \t]*(?P<person>" + _PERSON_NAME + ")"
               + _I(r"[ \t]+(?:runs|manages|leads|heads(?: up)?|oversees|owns) (?:that|it|this|them)\b")),
)


def _with_person_after_role(to: str | None, plain: str) -> str | None:
    """ "try the Head of Housing Options, Mark Ellis", "belongs to the 111 service ... The contact there is Gareth
    Iles": the person named after the role or unit, with the role or unit beside them."""
    if to is None or not to.lower().startswith(("the ", "our ", "their ")):
        return to
    # "the MAPPA coordinator, Jo Breen": the role may end in lower-case words
    person = re.compile(re.escape(to) + r"(?:[ \t]+[a-z]+){0,3}" + _PERSON).search(plain)
    if person is None and to in plain:
        after = plain[plain.index(to) + len(to) :][:200]
        person = next((found for pattern in _PERSON_IN_THE_UNIT if (found := pattern.search(after))), None)
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
       r"|relating to|for)(?: [\w'’-]+){1,5}?)? )?to"
       # "send anything about safeguarding adults to", "should now go to"
       r"|(?:send|direct|forward|pass) (?:anything|everything)(?: (?:about|regarding|on|relating to|for)(?: [\w'’-]+){1,5}?)?"
       r" to|should (?:now )?(?:go|be sent|be directed|be addressed) to)\s+"
       # "direct any enquiries to our generic inbox or to Nadine Foster": the person, not the inbox
       r"(?:[^.\n]{0,40}?\bor to\s+(?=[A-Z]))?") + _WHO,
    # "please contact his successor, Dr Yasmin Farouk"
    _I(r"\b(?:contact|e-?mail|speak to|get in touch with|write to) (?:his|her|my|their|our|the) [\w'’ -]{1,40}?,\s+")
    + "(?P<to>" + _PERSON_NAME + ")",
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
            # "please email the safeguarding hub": a mailbox to write to, not someone who takes the work on
            if who.lower() not in _NOT_A_NAME and not who.islower():
                return who
    return None
