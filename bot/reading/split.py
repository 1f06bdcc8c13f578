"""Splitting one reply that answers several actions into one piece of text per action ref.

A reply names its actions by ref ("RIV3-2-1", any case), by the ref without the review code
("2-1") or as "action 2" / "rec 2" when that names exactly one of the chaser's refs; or it answers
in numbered lines ("1) done 2) in progress"), which map to the chaser's refs in order. Text before
the first ref on a line belongs with that ref ("Done for RIV3-2-1"); lines without a ref continue
the last one named.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[\s,&/+]+")
_ACTION_WORD = re.compile(r"\b(?:action|rec(?:ommendation)?)\s*(?:no\.?|number|#)?\s*(\d+[a-z]?(?:-\d+)?)\b", re.I)
_ENUMERATOR = re.compile(r"(?:^|(?<=\s))\(?(\d{1,2})[).:]\s+")
# Chat numbers its answers barely: "1 done, 2 not yet", "1 - done" on a line. Only a number at the start of a line or
# after a comma, and then a dash or a status word, so "2 teams trained, 3 to go" is no list.
_BARE_ENUMERATOR = re.compile(
    r"(?:^|(?<=[,;]\s))[ \t]*(\d)(?:[ \t]+-[ \t]+|[ \t]+(?=(?:done|complete|completed|finished|not|n/a|stuck|pushed|half"
    r"|in progress|started|on hold|delayed|blocked|waiting|underway|ongoing|nearly|almost)\b))",
    re.I | re.M,
)


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    ref: str


def mentioned_refs(text: str, known_refs: Sequence[str]) -> list[str]:
    """The known refs a text names, in the order first named."""
    seen: list[str] = []
    for mention in _mentions(text, known_refs):
        if mention.ref not in seen:
            seen.append(mention.ref)
    return seen


def names_only_other_actions(text: str, known_refs: Sequence[str]) -> bool:
    """Whether `text` names another action of the same review as the chaser's ("PEN9-9-1 was completed in April",
    answering a chaser about PEN9-9-2) and none of the chaser's own: then it is not about them, and whatever it says
    (done, most of all) must not be applied to them unasked."""
    if not known_refs or mentioned_refs(text, known_refs) or _THIS_ACTION.search(text):
        return False
    reviews = {ref.split("-", 1)[0].upper() for ref in known_refs if "-" in ref}
    known = {ref.upper() for ref in known_refs}
    return any(match.group("review").upper() in reviews and match.group(0).upper() not in known
               for match in _ANY_REF.finditer(text))


#: The chaser's own action pointed at without its ref ("this action was merged into ASH7-3-2").
_THIS_ACTION = re.compile(r"\b(?:this|that) (?:action|one|rec(?:ommendation)?)\b", re.IGNORECASE)
#: A ref as the plans number actions: the review's code, then its recommendation and action ("NUN1-9c-1").
_ANY_REF = re.compile(r"\b(?P<review>[A-Za-z]{2,8}\d{0,4})-\d{1,4}[a-z]?-\d{1,3}\b")


def split_by_action(text: str, known_refs: Sequence[str]) -> dict[str, str]:
    """{ref: the part of `text` about it}; {} when the text does not answer action by action."""
    if not known_refs:
        return {}
    mentions = _mentions(text, known_refs)
    if mentions:
        return _split_at_mentions(text, mentions)
    return _split_numbered(text, known_refs) or _split_by_ordinals(text, known_refs)


_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "fifth": 4}
_COUNTS = {"two": 2, "2": 2, "three": 3, "3": 3}
_ORDINAL = re.compile(
    r"\b(?P<nth>first|second|third|fourth|fifth|last|final)(?:\s+(?P<count>two|three|2|3))?\b"
    r"(?=\s+(?:one|ones|action|actions|item|rec\w*|of (?:them|these)|is|are|has|have|was|were|isn't|hasn't|yet|and"
    r"|or|both)\b"
    r"|\s*[,.;:!?]|\s+-\s|\s*$)",
    re.I,
)
# "the first is done and the second has not started" is two clauses; "the second and third are underway" is one.
_ORDINAL_CLAUSE = re.compile(
    r"(?<=[.!?;])\s+|\n+|,?\s+\b(?:but|whereas|while)\b\s+"
    r"|(?<!first)(?<!second)(?<!third)(?<!fourth)(?<!fifth),?\s+\band\b\s+(?=(?:the\s+)?"
    r"(?:first|second|third|fourth|fifth|last|final)\b)",
    re.I,
)


def _split_by_ordinals(text: str, known_refs: Sequence[str]) -> dict[str, str]:
    """ "The first one's finished but we haven't started the second": the chaser's actions in order, clause by clause."""
    if len(known_refs) < 2:
        return {}
    parts: dict[str, list[str]] = {}
    current: list[str] = []
    for clause in _ORDINAL_CLAUSE.split(text):
        refs: list[str] = []
        for match in _ORDINAL.finditer(clause):  # "second and third are underway": both
            nth = match.group("nth").lower()
            first = len(known_refs) - 1 if nth in ("last", "final") else _ORDINALS[nth]
            count = _COUNTS.get((match.group("count") or "").lower(), 1)
            refs += [ref for ref in known_refs[first : first + count] if ref not in refs]
        current = refs or current
        for ref in current:
            parts.setdefault(ref, []).append(clause.strip())
    return {ref: "\n".join(chunks) for ref, chunks in parts.items()} if len(parts) >= 2 else {}


_QUOTED = re.compile(r"^\s*>")


def inline_answers(text: str, known_refs: Sequence[str]) -> str | None:
    """Answers written between quoted action lines ("> RIV3-2-1 Train staff" then the answer), each labelled
    with the ref quoted above it, so that a date or status in one answer stays with its action. None when
    the reply does not answer that way."""
    if not known_refs or ">" not in text:
        return None
    mentions = _mentions(text, known_refs)  # once, in text order: each quoted line takes the ones inside it
    labelled: list[str] = []
    current: str | None = None
    offset = next_mention = 0
    for line in text.splitlines(keepends=True):
        start, offset = offset, offset + len(line)
        while next_mention < len(mentions) and mentions[next_mention].start < start:
            next_mention += 1
        if _QUOTED.match(line):
            if next_mention < len(mentions) and mentions[next_mention].start < offset:
                current = mentions[next_mention].ref
            continue
        if current is not None and line.strip():
            labelled.append(f"{current}: {line.strip()}")
    refs = {line.split(":", 1)[0] for line in labelled}
    return "\n".join(labelled) if len(refs) >= 2 else None


def lead_in(text: str, known_refs: Sequence[str]) -> str:
    """The reply before it first names one of the actions ("I can confirm both actions are now complete:")."""
    mentions = _mentions(text, known_refs)
    if mentions:
        return text[: mentions[0].start]
    # "Both of these are now complete:\n1. Training delivered\n2. Guide printed": before the numbered answers
    numbered = _numbered_answers(text, known_refs)
    return text[: numbered[0].start()] if numbered else ""


def _suffix(ref: str) -> str | None:
    """ "2-1" for "RIV3-2-1": the ref without its review code, when it has one."""
    head, _, rest = ref.partition("-")
    return rest if rest and re.search(r"[A-Za-z]", head) else None


def _mentions(text: str, known_refs: Sequence[str]) -> list[_Mention]:
    found: list[_Mention] = []
    suffixes = [_suffix(ref) for ref in known_refs]
    for ref, suffix in zip(known_refs, suffixes, strict=True):
        for match in re.finditer(rf"(?<![\w-]){re.escape(ref)}(?![\w-])", text, re.I):
            found.append(_Mention(match.start(), match.end(), ref))
        if suffix and suffixes.count(suffix) == 1 and "-" in suffix:
            # "3.1 - complete" for WEX3-3-1: the short ref is written with a dot as often as with a dash
            dotted_or_dashed = re.escape(suffix).replace(r"\-", "[-.]")
            for match in re.finditer(rf"(?<![\w/.-]){dotted_or_dashed}(?![\w/.-])", text, re.I):
                found.append(_Mention(match.start(), match.end(), ref))
    last_parts = [ref.rsplit("-", 1)[1] if "-" in ref else None for ref in known_refs]
    for ref, last in zip(known_refs, last_parts, strict=True):
        if last and len(known_refs) > 1 and last_parts.count(last) == 1:
            # "-2 done" opening a line, "4-1 & -2 both on hold" after a joiner: the last part of the ref alone, dash
            # first (not "-2 degrees" in a sentence)
            pattern = rf"(?:^[ \t]*|(?:&amp;|[&,+/]|\band)[ \t]*)(-{re.escape(last)})(?![\w.-])"
            for match in re.finditer(pattern, text, re.I | re.M):
                found.append(_Mention(match.start(1), match.end(1), ref))
    for match in _ACTION_WORD.finditer(text):
        numbered = _ref_for_number(match.group(1), known_refs, suffixes)
        if numbered:
            found.append(_Mention(match.start(), match.end(), numbered))
    # Keep the longest of overlapping mentions ("RIV3-2-1" also contains "2-1").
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[_Mention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def _ref_for_number(number: str, known_refs: Sequence[str], suffixes: Sequence[str | None]) -> str | None:
    number = number.lower()
    exact = [ref for ref, suffix in zip(known_refs, suffixes, strict=True) if (suffix or ref).lower() == number]
    if len(exact) == 1:
        return exact[0]
    within = [
        ref for ref, suffix in zip(known_refs, suffixes, strict=True) if (suffix or "").lower().startswith(number + "-")
    ]
    return within[0] if len(within) == 1 else None


def _split_at_mentions(text: str, mentions: list[_Mention]) -> dict[str, str]:
    parts: dict[str, list[str]] = {}
    current: list[str] = []  # refs the running text belongs to
    offset = 0
    next_mention = 0  # mentions are in text order: each line takes the ones that start in it, in one pass
    for line in text.splitlines(keepends=True):
        line_start, line_end = offset, offset + len(line)
        offset = line_end
        first = next_mention
        while next_mention < len(mentions) and mentions[next_mention].start < line_end:
            next_mention += 1
        in_line = mentions[first:next_mention]
        if not in_line:
            for ref in current:
                parts[ref].append(line.strip())
            continue
        groups = _group_adjacent(text, in_line)
        # A ref named again ("3.3 not started, it depends on 3.2 being finished") is a back-reference: the words
        # before it are about the ref the line is on, so only a ref named for the first time takes them.
        starts = [line_start] + [
            group[0].start if any(m.ref in parts for m in group) else _clause_start(text, before[-1].end, group[0].start)
            for before, group in itertools.pairwise(groups)
        ]
        for index, group in enumerate(groups):
            start = starts[index]
            end = starts[index + 1] if index + 1 < len(groups) else line_end
            chunk = text[start:end].strip()
            # Each ref once: "2-1 and 2-1" (or a ref named 1,000 times in one run) gets the chunk once, not per mention.
            current = list(dict.fromkeys(m.ref for m in group))
            for ref in current:
                parts.setdefault(ref, []).append(chunk)
    return {ref: "\n".join(chunk for chunk in chunks if chunk) for ref, chunks in parts.items()}


_CLAUSE_BREAK = re.compile(r"[,;.!?](?=\s)")


def _clause_start(text: str, previous_end: int, mention_start: int) -> int:
    """Where the words about a ref named mid-line begin: after the last comma or full stop since the ref before it
    ("1-1 done, 1-2 about halfway, haven't looked at 1-3 yet": "haven't looked at" is about 1-3), else at the ref."""
    breaks = list(_CLAUSE_BREAK.finditer(text, previous_end, mention_start))
    return breaks[-1].end() if breaks else mention_start


def _group_adjacent(text: str, mentions: list[_Mention]) -> list[list[_Mention]]:
    """Mentions joined only by "and" or commas share their text ("2-1 and 2-2 are both done")."""
    groups: list[list[_Mention]] = [[mentions[0]]]
    for previous, mention in itertools.pairwise(mentions):
        if _is_connector(text[previous.end : mention.start]):
            groups[-1].append(mention)
        else:
            groups.append([mention])
    return groups


def _is_connector(gap: str) -> bool:
    """Only separators and at most one "and" / "plus": read in one pass (a regex with two starred runs of
    separators backtracks quadratically on a long run of spaces)."""
    # Slack escapes "&" as "&amp;"
    return _SEPARATORS.sub(" ", gap.replace("&amp;", "&")).strip().lower() in ("", "and", "plus")


def _split_numbered(text: str, known_refs: Sequence[str]) -> dict[str, str]:
    """ "1) done 2) in progress": numbered answers, in the chaser's order, when numbered 1, 2, ... in turn."""
    enumerators = _numbered_answers(text, known_refs)
    parts: dict[str, str] = {}
    for index, match in enumerate(enumerators):
        end = enumerators[index + 1].start() if index + 1 < len(enumerators) else len(text)
        parts[known_refs[index]] = text[match.end() : end].strip()
    return parts


def _numbered_answers(text: str, known_refs: Sequence[str]) -> list[re.Match[str]]:
    """The enumerators "1)", "2." ... numbered in turn, one per chaser action at most; [] when fewer than two."""
    for pattern in (_ENUMERATOR, _BARE_ENUMERATOR):
        enumerators: list[re.Match[str]] = []
        for match in pattern.finditer(text):
            if int(match.group(1)) == len(enumerators) + 1:
                enumerators.append(match)
        if 2 <= len(enumerators) <= len(known_refs):
            return enumerators
    return []
