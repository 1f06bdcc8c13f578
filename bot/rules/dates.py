"""Fuzzy target dates, as people write them in action plans and replies.

A plan cell may say "31 <sup>st</sup> December 2014", "Autumn 2013", "31/10/16", "tbc" or list
several dates for lettered sub-actions; a reply may say "by the end of next month". Everything here
turns such text into a `ParsedDate` whose `due` is the LAST day the writer meant ("March 2015" is
due on 31 March 2015), so "overdue" never fires while the writer could still be on time.

Conventions (UK plans): numeric dates are day first; two-digit years are 20yy; seasons are
meteorological (spring Mar-May, summer Jun-Aug, autumn Sep-Nov, winter Dec-Feb, so "Winter 2014"
ends on the last day of February 2015); "Q3 2015" and "H1 2016" are calendar quarters and halves,
not financial ones; "2015/16", "FY 25/26" and "financial year 2025-26" are the UK public-sector
financial year, ending 31 March 2016; a quarter of a financial year ("Q1 2026/27", "Q2 25-26") counts
from April, so Q1 2026/27 is April-June 2026 and Q4 2026/27 ends on 31 March 2027. "w/c 11 January"
(week commencing) is due at the end of that working week, the Friday. An impossible date ("30 Feb
2026") is not read, and `unreadable_date` says why. Easter is Easter Sunday (dateutil's Western Easter), so
"by Easter" is due that Sunday; "after Easter" is due at the end of the working week after Easter week (Easter
Sunday + 12 days), since the writer means once the Easter break is over.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter
from dateutil.parser import parserinfo
from dateutil.relativedelta import relativedelta

from bot.rules.statuses import Precision

__all__ = [
    "ParsedDate",
    "duration_answer",
    "find_date_in_text",
    "normalise_cell_text",
    "parse_target_date",
    "spell_out_reply_dates",
    "split_lettered_dates",
    "unreadable_date",
]


@dataclass(frozen=True)
class ParsedDate:
    text: str
    due: date | None
    precision: Precision
    problem: str | None = None  # why no date was read from text that names one ("30 Feb 2026 is not a date ...")


_Period = Callable[[int], tuple[date, date]]  # year -> (first day, last day)


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    precision: Precision
    period: _Period
    year: int | None  # None: the writer gave no year
    first: date | None = None  # set for mentions that are already absolute (relative phrases)
    last: date | None = None


# --- vocabulary --------------------------------------------------------------------------------

_INFO = parserinfo()
_MONTH_WORDS = sorted((w for names in _INFO.MONTHS for w in names), key=len, reverse=True)
_WEEKDAY_WORDS = sorted((w for names in _INFO.WEEKDAYS for w in names), key=len, reverse=True)
_MONTH = "(?:" + "|".join(_MONTH_WORDS) + r")\b\.?"
_WEEKDAY = "(?:" + "|".join(_WEEKDAY_WORDS) + r")\b"
_YEAR4 = r"(?:1\d{3}|2\d{3})"

# Only seasons and halves/quarters need tables: dateutil knows month names, not these.
_SEASON_FIRST_MONTH = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_ORDINAL_WORDS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}
_COUNT_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a couple": 2,
}

_DATE_RE = re.compile(
    r"(?P<iso>\b(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})\b)"
    r"|(?P<dmy_num>\b(?P<n_d>\d{1,2})(?P<n_sep>[/.\-])(?P<n_m>\d{1,2})(?P=n_sep)(?P<n_y>\d{4}|\d{2})\b)"
    r"|(?P<my_num>\b(?P<nm_m>\d{1,2})/(?P<nm_y>\d{4})\b)"
    r"|(?P<dm_num>\b(?P<nd_d>\d{1,2})/(?P<nd_m>\d{1,2})\b(?![/.\-]\d))"
    rf"|(?P<dm>\b(?P<dm_d>\d{{1,2}})\s*(?:st|nd|rd|th)?\s*(?:of\s+)?(?P<dm_m>{_MONTH})"
    rf"(?:,?\s*(?P<dm_y>{_YEAR4}|'\d{{2}})\b)?)"
    rf"|(?P<md>\b(?P<md_m>{_MONTH})\s*(?P<md_d>\d{{1,2}})(?P<md_ord>st|nd|rd|th)?\b"
    rf"(?:,?\s*(?P<md_y>{_YEAR4})\b)?)"
    rf"|(?P<my>\b(?P<my_m>{_MONTH})\s*,?\s*(?P<my_y>{_YEAR4}|'\d{{2}})\b)"
    # School and holiday periods leads plan around: the summer term ends with July; "in the new year" and "after
    # Christmas" mean January. Before the season, so "summer term" is not the whole summer.
    r"|(?P<summer_term>\b(?:summer\s+(?:term|holidays?|hols|break)|(?:end\s+of\s+|last\s+day\s+of\s+)?(?:the\s+)?"
    r"school\s+year)\b)"
    r"|(?P<new_year>(?<=\bin\s)(?:the\s+)?new\s+year\b|(?<=\bafter\s)(?:the\s+)?(?:new\s+year|christmas|xmas)\b"
    r"(?:\s+(?:holidays?|hols|break|period))?)"
    rf"|(?P<season>\b(?P<s_name>spring|summer|autumn|fall|winter)\b"
    rf"(?:\s+(?:of\s+)?(?P<s_y>{_YEAR4})(?:\s*/\s*(?:\d{{4}}|\d{{2}}))?\b)?)"
    # "Q2 2027/28", "Quarter 2 2027/28"
    rf"|(?P<fin_quarter>\b(?:Q|quarter\s+)(?P<fq_n>[1-4])\s*(?:of\s+)?(?:the\s+)?(?:FY\s*|financial\s+year\s+)?"
    rf"(?P<fq_y>{_YEAR4}|\d{{2}})\s*[/-]\s*(?P<fq_next>\d{{4}}|\d{{2}})\b)"
    rf"|(?P<fin_year_named>\b(?:FY|financial\s+year|fiscal\s+year)\s*(?P<fn_y>{_YEAR4}|\d{{2}})\s*[/-]\s*"
    rf"(?P<fn_next>\d{{4}}|\d{{2}})\b)"
    rf"|(?P<quarter>\b(?:Q(?P<q_n>[1-4])|(?P<q_w>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)"
    rf"(?:\s*(?:of\s+)?(?:the\s+)?(?:year\s+)?(?P<q_y>{_YEAR4}|'?\d{{2}})\b)?)"
    rf"|(?P<half>\b(?:H(?P<h_n>[12])|(?P<h_w>first|second|1st|2nd)\s+half)"
    rf"(?:\s*(?:of\s+)?(?:the\s+)?(?:year\s+)?(?P<h_y>{_YEAR4}|'?\d{{2}})\b)?)"
    rf"|(?P<fin_year>\b(?P<fy_y>{_YEAR4})\s*/\s*(?P<fy_next>\d{{4}}|\d{{2}})\b)"
    r"|(?P<year>\b(?P<y>19\d{2}|20\d{2})\b)"
    # "by Christmas": Christmas Day ("after Christmas" is the new year, above; "the Christmas period" no day)
    rf"|(?P<christmas>\b(?:christmas|xmas)\b(?!\s+(?:period|week|holidays?|hols|break|season|party|parties|rush|lunch"
    rf"|dinner|market|cards?|closure|shutdown)\b)(?:\s+day\b)?(?:\s+(?P<xmas_y>{_YEAR4})\b)?)"
    rf"|(?P<easter>\beaster\b(?:\s+(?:sunday|day|weekend))?(?:\s+(?P<easter_y>{_YEAR4})\b)?)"
    r"|(?P<bare_month>\b" + _MONTH + ")",
    re.IGNORECASE,
)

_RELATIVE_RE = re.compile(
    r"(?P<today>\b(?:today|tonight|end\s+of\s+(?:the\s+)?day|close\s+of\s+business|eod|cob)\b)"
    r"|(?P<tomorrow>\btomorrow\b)"
    r"|(?P<span>\b(?:(?:in|within)\s+(?:the\s+next\s+)?|over\s+the\s+next\s+)(?P<count>\d{1,3}|a\s+couple\s+of|an?|one|two|three|four|five|six|seven"
    r"|eight|nine|ten|eleven|twelve)\s+(?P<unit>day|week|fortnight|month|year)s?\b(?:'s?\s+time\b)?)"
    # an upper bound is the same: "< 2 weeks", "less than a month", "under a fortnight" (not "under 2 years old")
    r"|(?P<under>(?:\b(?:less\s+than|under|no\s+more\s+than)\s+|<\s*)(?P<u_count>\d{1,3}|a\s+couple\s+of|an?|one|two"
    r"|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?P<u_unit>day|week|fortnight|month)s?\b"
    r"(?!\s+(?:ago|old)\b))"
    r"|(?P<fortnight>\b(?:(?:in|within|another|a\s+further)\s+(?:a\s+|the\s+next\s+)?|over\s+the\s+next\s+)fortnight\b)"
    # "another two weeks", "a couple more weeks"
    r"|(?P<more>\b(?:(?:another|a\s+further)\s+(?P<m_count>\d{1,3}|a\s+couple\s+of|one|two|three|four|five|six"
    r"|seven|eight|nine|ten|eleven|twelve)|(?P<m_count2>\d{1,3}|a\s+couple(?:\s+of)?|one|two|three|four|five|six|seven"
    r"|eight|nine|ten|eleven|twelve)\s+(?:more|further|extra))\s+(?P<m_unit>day|week|month)s?\b)"
    # "push it back six weeks", "slip by a month", "another month", "two months from now": that long after today
    r"|(?P<shift>\b(?:(?:give\s+(?:me|us|it)|(?:push|put|move|set)(?:ed|ing|s)?(?:\s+(?:it|this|that|the\s+date))?\s+back"
    r"|(?:slip|delay|defer|extend)(?:ped|ed|red|ing|s)?(?:\s+(?:it|this|that))?)(?:\s+by)?\s+"
    r"(?P<sh_count>\d{1,3}|a\s+couple\s+of|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"|(?:another|a\s+further)(?P<sh_one>))\s+(?P<sh_unit>day|week|fortnight|month)s?\b)"
    r"|(?P<from_now>\b(?P<fn_count>\d{1,3}|a\s+couple\s+of|an?|one|two|three|four|five|six|seven|eight|nine|ten"
    r"|eleven|twelve)\s+(?P<fn_unit>day|week|month)s?\s+(?:from\s+(?:now|today)|later)\b)"
    r"|(?P<fin_year_now>\b(?:(?P<fyn_which>this|next|the|current)\s+)?(?:financial|fiscal)\s+year(?:[\s-]+end)?\b"
    r"(?!\s*(?:FY\s*)?'?\d))"
    # (and after "extension to", "push it to", "move the date to": a day asked for, never a fraction of something)
    r"|(?P<day_month>(?:(?<=\bby\s)|(?<=\buntil\s)|(?<=\btill\s)|(?<=\btil\s)|(?<=\bbefore\s)|(?<=\bon\s)|(?<=\bfor\s)|(?<=\btarget\s)|(?<=\bdate\s)"
    r"|(?<=\bextension to\s)|(?<=\bextend to\s)|(?<=\bextended to\s)|(?<=\bpush it to\s)|(?<=\bmove it to\s)"
    r"|(?<=\bdate to\s)|(?<=\bpushed to\s)|(?<=\bmoved to\s)"
    r"|(?<=\bpush to\s)|(?<=\bmove to\s))(?P<dmo_d>\d{1,2})/(?P<dmo_m>\d{1,2})\b(?![/.\-]\d)(?!\s*of\b))"
    # "by end of month" in chat: the end of this one
    r"|(?P<period>(?:\b(?P<which>this|next|following|coming|the)\s+|(?<=\bend\sof\s))(?P<what>week|wk|month|quarter|year)\b)"
    # "by half term": the month of the next school half term (February, May, October), to its last day
    r"|(?P<half_term>\bhalf[\s-]?term\b)"
    # "a week on Friday", "Friday week": the Friday after the coming one (UK usage)
    rf"|(?P<week_on>\ba\s+week\s+(?:on|from)\s+(?P<wo_wd>{_WEEKDAY})|\b(?P<wo_wd2>{_WEEKDAY})\s+week\b(?!\s*(?:of|off)\b))"
    rf"|(?P<weekday>\b(?P<wd>{_WEEKDAY}))",
    re.IGNORECASE,
)

_TAG_RE = re.compile(r"<[^>]*>")
_SPACE_RE = re.compile(r"\s+")
_LETTER_LABEL_RE = re.compile(r"(?:(?<=\s)|^)\(?([a-z])\)", re.IGNORECASE)
# A preposition right before a year-less month, season or weekday shows it is meant as a date.
_CUE_BEFORE_RE = re.compile(
    r"\b(?:by|in|until|till|til|before|during|from|to|of|early|mid|late|end|since|after|on|over|next|this|coming"
    r"|for|between\s+\w+\s+(?:and|&))[\s-]+(?:the\s+)?$",
    re.IGNORECASE,
)
# "May I ..." and "March on" are not dates.
_NOT_A_DATE_AFTER_RE = re.compile(r"\s+(?:i(?!')|we|you|he|she|they|it|be|have|has|not|also|on)\b", re.IGNORECASE)
# Words that introduce the date a reply wants as its new target.
_TARGET_CUE_RE = re.compile(
    r"\b(?:by|until|till|til|before|deadline|due|extend(?:ed)?|extension|revised|target|date|back|ready|complete[d]?|w/c"
    r"|commencing|beginning)"
    r"\b[\w\s]{0,12}?[\s:]*(?:the\s+)?(?:end\s+of\s+)?(?:the\s+)?$"
    # a target said again more exactly: "by Christmas at the latest, so end of December"
    r"|\bso,?\s+(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# Between a year-less date and the dated one it shares a year with: "October to December 2013".
_RANGE_JOIN_RE = re.compile(r"^\s*(?:-|–|—|to|until|till|and|&|or|,|/)?\s*$", re.IGNORECASE)


# --- public API --------------------------------------------------------------------------------


def normalise_cell_text(text: str) -> str:
    """Cell text without HTML tags or entities, on one line with single spaces."""
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return _SPACE_RE.sub(" ", text.replace("\xa0", " ")).strip()


def parse_target_date(text: str, *, today: date | None = None) -> ParsedDate:
    """The target date a plan cell names; the latest one when it names several."""
    clean = normalise_cell_text(text)
    lettered = _split_lettered(clean)
    if lettered:
        parsed = [parse_target_date(part, today=today) for part in lettered.values()]
        dated = [p for p in parsed if p.due is not None]
        best = max(dated, key=_latest_then_most_precise, default=None)
        return ParsedDate(text, best.due if best else None, best.precision if best else Precision.NONE)
    spans = _resolve(_scan_dates(clean, free_text=False), clean, today)
    if not spans:
        return ParsedDate(text, None, Precision.NONE, unreadable_date(clean))
    due, precision = max(spans, key=lambda dp: (dp[0], _PRECISION_RANK[dp[1]]))
    return ParsedDate(text, due, precision)


def split_lettered_dates(text: str, *, today: date | None = None) -> dict[str, ParsedDate]:
    """{"a": ..., "b": ...} for a cell written as "a) October 2014 b) December 2014"; {} otherwise."""
    return {
        letter: parse_target_date(part, today=today)
        for letter, part in _split_lettered(normalise_cell_text(text)).items()
    }


def find_date_in_text(text: str, *, today: date) -> ParsedDate | None:
    """The new target date a piece of free text (a reply) gives, resolved forward from `today`.

    A date introduced by "by", "until", "new date", "extended to" ... wins over other dates in the
    text; among equals the latest wins. None when the text names no date.
    """
    clean = normalise_cell_text(text)
    mentions = _scan_dates(clean, free_text=True)
    # Both scans find non-overlapping mentions in text order: whether a relative one overlaps a date is a
    # bisect, not a look at every date (a reply naming hundreds of dates stays linear).
    starts = [m.start for m in mentions]
    ends = [m.end for m in mentions]
    for relative in _scan_relative(clean, today):
        before = bisect_left(starts, relative.end) - 1  # the last date starting before this one ends
        if before < 0 or ends[before] <= relative.start:
            mentions.append(relative)
    mentions.sort(key=lambda m: m.start)
    resolved = _resolve_each(mentions, clean, today)
    cues = [bool(_TARGET_CUE_RE.search(clean, max(0, m.start - 40), m.start)) for m in mentions]
    for index in _said_more_exactly(mentions, resolved, clean):
        # "by the end of the summer term (our last day is 21 July)", "runs through May, ending on 26 May": the day
        # that follows is the one meant
        cues[index + 1] = cues[index + 1] or cues[index]
        resolved[index] = (None, resolved[index][1])
    best: tuple[bool, date, int] | None = None
    best_mention: _Mention | None = None
    best_precision = Precision.NONE
    for mention, (due, precision), cued in zip(mentions, resolved, cues, strict=True):
        if due is None:
            continue
        key = (cued, due, _PRECISION_RANK[precision])
        if best is None or key > best:
            best, best_mention, best_precision = key, mention, precision
    if best is None or best_mention is None:
        return None
    return ParsedDate(clean[best_mention.start : best_mention.end], best[1], best_precision)


# Between a vague date and the more precise one that explains it in brackets: "summer term (last day 21 July)".
_INTO_BRACKETS_RE = re.compile(r"[^()\n]{0,40}\([^()\n]{0,40}")
# Between a period and the day it ends on: "the last group runs through May, ending on 26 May".
_ENDING_ON_RE = re.compile(r",?\s+(?:ending|finishing|closing|concluding)\s+(?:on\s+)?(?:the\s+)?", re.IGNORECASE)


def _said_more_exactly(
    mentions: list[_Mention], resolved: list[tuple[date | None, Precision]], clean: str
) -> list[int]:
    """The mentions followed at once by a more precise date inside them, in brackets or as the day they end on,
    which says what they mean."""
    return [
        index for index in range(len(mentions) - 1)
        if (_INTO_BRACKETS_RE.fullmatch(clean, mentions[index].end, mentions[index + 1].start)
            or _ENDING_ON_RE.fullmatch(clean, mentions[index].end, mentions[index + 1].start))
        and _PRECISION_RANK[resolved[index + 1][1]] > _PRECISION_RANK[resolved[index][1]]
        and _inside(resolved[index + 1][0], resolved[index][0])
    ]


def _inside(precise: date | None, vague_end: date | None) -> bool:
    """Whether a precise day can be what a vaguer period ending on `vague_end` means: within the year before it, or
    up to a month after (a school's autumn term runs into December, past the meteorological autumn)."""
    return precise is not None and vague_end is not None \
        and vague_end - timedelta(days=366) < precise <= vague_end + timedelta(days=31)


# A piece of a reply that is nothing but a length of time: "two weeks?", "another month or so", "< 2 weeks".
_COUNT = r"(?:\d{1,3}|a\s+couple\s+of|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_DURATION_ONLY_RE = re.compile(
    r"^\W*(?:(?:about|around|roughly|approx(?:imately)?|maybe|perhaps|probably|say|less\s+than|under|no\s+more\s+than)"
    rf"\s+|<\s*)?(?:(?:another|a\s+further)\s+(?:(?P<more>{_COUNT})\s+)?|(?P<count>{_COUNT})\s+)"
    r"(?P<unit>day|week|fortnight|month)s?(?:\s+or\s+so|\s+more|\s+max)?\W*$",
    re.IGNORECASE,
)


def duration_answer(text: str, *, today: date) -> date | None:
    """The day a bare length of time given as the answer to "when?" ends ("two weeks?", "another month",
    "less than a month", "under a fortnight": that long after `today`); None when `text` is more than a
    length of time. Only a reply asking for more time gives its date this way: elsewhere "two weeks" is no
    target."""
    match = _DURATION_ONLY_RE.match(normalise_cell_text(text))
    if match is None:
        return None
    return _ahead(today, match.group("count") or match.group("more") or "1", match.group("unit"))


_IMPOSSIBLE_RE = re.compile(
    r"\b(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})\b"
    r"|\b(?P<n_d>\d{1,2})(?P<n_sep>[/.])(?P<n_m>\d{1,2})(?P=n_sep)(?P<n_y>\d{4}|\d{2})\b"
    rf"|\b(?P<dm_d>\d{{1,2}})\s*(?:st|nd|rd|th)?\s*(?:of\s+)?(?P<dm_m>{_MONTH})(?:,?\s*(?P<dm_y>{_YEAR4}))?"
    rf"|\b(?P<md_m>{_MONTH})\s*(?P<md_d>\d{{1,2}})(?:st|nd|rd|th)?,?\s*(?P<md_y>{_YEAR4})",
    re.IGNORECASE,
)


def unreadable_date(text: str) -> str | None:
    """Why a day written in `text` is not a date ("30 Feb 2026 is not a date: February 2026 has 28 days"),
    or None when every day it writes exists."""
    clean = normalise_cell_text(text)
    for match in _IMPOSSIBLE_RE.finditer(clean):
        g = match.group
        year_text = g("iso_y") or g("n_y") or g("dm_y") or g("md_y")
        month_text = g("iso_m") or g("n_m") or g("dm_m") or g("md_m")
        day = int(g("iso_d") or g("n_d") or g("dm_d") or g("md_d"))
        month = int(month_text) if month_text.isdigit() else _month_number(month_text)
        year = _full_year(year_text) if year_text else None
        if not 1 <= month <= 12:
            return f"{match.group(0)} is not a date: there is no month {month}"
        try:
            date(year or 2000, month, day)  # 2000: a leap year, so a year-less 29 February passes
        except ValueError:
            days = (date(year or 2000, month, 1) + relativedelta(months=1, days=-1)).day
            named = date(2000, month, 1).strftime("%B") + (f" {year}" if year else "")
            return f"{match.group(0)} is not a date: {named} has {days} days"
    return None


_PRECISION_RANK = {
    Precision.NONE: 0, Precision.YEAR: 1, Precision.HALF: 2, Precision.SEASON: 3,
    Precision.QUARTER: 4, Precision.MONTH: 5, Precision.DAY: 6,
}


def _latest_then_most_precise(parsed: ParsedDate) -> tuple[date, int]:
    assert parsed.due is not None
    return parsed.due, _PRECISION_RANK[parsed.precision]


# --- lettered cells ----------------------------------------------------------------------------


def _split_lettered(clean: str) -> dict[str, str]:
    """Parts of a cell that starts with "a)" (or "(a)") and goes on b), c), ... in order."""
    labels: list[tuple[str, int, int]] = []
    for match in _LETTER_LABEL_RE.finditer(clean):
        letter = match.group(1).lower()
        expected = chr(ord(labels[-1][0]) + 1) if labels else None
        if not labels and match.start() != 0:
            return {}
        if expected is None or letter == expected:
            labels.append((letter, match.start(), match.end()))
    parts = {}
    for index, (letter, _, body_start) in enumerate(labels):
        body_end = labels[index + 1][1] if index + 1 < len(labels) else len(clean)
        parts[letter] = clean[body_start:body_end].strip()
    return parts


# --- scanning ----------------------------------------------------------------------------------


_WEEK_OF_RE = re.compile(
    r"\b(?:w/c|w\.c\.?|wc|w/b|w\.b\.?|week\s+(?:commencing|beginning|starting)(?:\s+on)?|(?:the\s+)?week\s+of)\s*(?:the\s+)?$",
    re.IGNORECASE,
)


def _scan_dates(clean: str, *, free_text: bool) -> list[_Mention]:
    mentions = []
    for match in _DATE_RE.finditer(clean):
        mention = _mention_from(match, clean, free_text=free_text)
        if mention is None:
            continue
        if mention.precision is Precision.DAY and _WEEK_OF_RE.search(clean, max(0, mention.start - 30), mention.start):
            mention = _end_of_working_week(mention)
        mentions.append(mention)
    return mentions


def _end_of_working_week(mention: _Mention) -> _Mention:
    """ "w/c 11 January": due on the Friday of the week that day starts (the next week's for a weekend day)."""
    day_of = mention.period

    def period(year: int) -> tuple[date, date]:
        first = day_of(year)[0]
        friday = first + timedelta(days=(4 - first.weekday()) % 7)
        return first, friday

    return _Mention(mention.start, mention.end, mention.precision, period, mention.year)


def _mention_from(match: re.Match[str], clean: str, *, free_text: bool) -> _Mention | None:
    try:
        return _day_or_month(match, free_text=free_text) or _part_of_a_year(match, clean, free_text=free_text)
    except ValueError:
        return None  # "31/02/2015", "Q5": not a date


def _day_or_month(match: re.Match[str], *, free_text: bool) -> _Mention | None:
    kind, g = match.lastgroup, match.group
    start, end = match.span()
    if kind == "iso":
        return _day(start, end, int(g("iso_y")), int(g("iso_m")), int(g("iso_d")))
    if kind == "dmy_num":
        return _day(start, end, _full_year(g("n_y")), int(g("n_m")), int(g("n_d")))
    if kind == "my_num":
        return _month(start, end, int(g("nm_y")), int(g("nm_m")))
    if kind == "dm_num":
        # "30/6" in a target cell is 30 June; in a reply "2/3 of the teams" is a fraction.
        return None if free_text else _day(start, end, None, int(g("nd_m")), int(g("nd_d")))
    if kind == "dm":
        return _day(start, end, _year_or_none(g("dm_y")), _month_number(g("dm_m")), int(g("dm_d")))
    if kind == "md":
        month = _month_number(g("md_m"))
        if not free_text and not g("md_ord") and not g("md_y"):
            return _month(start, end, _full_year(g("md_d")), month)  # "December 14" in a plan
        return _day(start, end, _year_or_none(g("md_y")), month, int(g("md_d")))
    if kind == "my":
        return _month(start, end, _full_year(g("my_y")), _month_number(g("my_m")))
    return None


def _part_of_a_year(match: re.Match[str], clean: str, *, free_text: bool) -> _Mention | None:
    kind, g = match.lastgroup, match.group
    start, end = match.span()
    if kind == "season":
        return _season(match, clean, g("s_name").lower(), _year_or_none(g("s_y")))
    if kind in ("quarter", "half"):
        letter = "q" if kind == "quarter" else "h"
        number = int(g(f"{letter}_n") or _ORDINAL_WORDS[g(f"{letter}_w").lower()])
        if not g(f"{letter}_y") and not _looks_like_a_date(match, clean):
            return None
        months, precision = (3, Precision.QUARTER) if kind == "quarter" else (6, Precision.HALF)
        return _part_of_year(start, end, _year_or_none(g(f"{letter}_y")), number, months, precision)
    if kind == "year":
        if free_text and not _CUE_BEFORE_RE.search(clean, max(0, start - 30), start):
            return None  # "the 2014 audit" in a reply is not a target
        year = int(g("y"))
        return _Mention(start, end, Precision.YEAR, lambda _y: (date(year, 1, 1), date(year, 12, 31)), year)
    if kind == "bare_month":
        if not _looks_like_a_date(match, clean):
            return None
        return _month(start, end, None, _month_number(match.group(0)))
    if kind == "summer_term":
        return _Mention(start, end, Precision.MONTH, lambda y: (date(y, 6, 1), date(y, 7, 31)), None)
    if kind == "new_year":
        return _Mention(start, end, Precision.MONTH, lambda y: (date(y, 1, 1), date(y, 1, 31)), None)
    if kind == "christmas":
        return _Mention(start, end, Precision.DAY, lambda y: (date(y, 12, 25),) * 2, _year_or_none(g("xmas_y")))
    if kind == "easter":
        return _easter(start, end, _year_or_none(g("easter_y")),
                       after=bool(_AFTER_RE.search(clean, max(0, start - 12), start)))
    return _financial(match)


_AFTER_RE = re.compile(r"\bafter\s+(?:the\s+)?$", re.IGNORECASE)
#: "after Easter": the Friday of the working week after Easter week, when the Easter break is over.
_AFTER_EASTER = timedelta(days=12)


def _easter(start: int, end: int, year: int | None, *, after: bool) -> _Mention:
    """Easter Sunday; "after Easter" is the end of the working week after Easter week."""
    shift = _AFTER_EASTER if after else timedelta(0)
    return _Mention(start, end, Precision.DAY, lambda y: (easter(y) + shift,) * 2, year)


def _financial(match: re.Match[str]) -> _Mention | None:
    kind, g = match.lastgroup, match.group
    start, end = match.span()
    if kind == "fin_year":
        return _financial_year(start, end, int(g("fy_y")), g("fy_next"))
    if kind == "fin_year_named":
        return _financial_year(start, end, _full_year(g("fn_y")), g("fn_next"))
    if kind == "fin_quarter":
        return _financial_quarter(start, end, _full_year(g("fq_y")), g("fq_next"), int(g("fq_n")))
    return None


def _fixed_period(first: date, last: date) -> _Period:
    return lambda _year: (first, last)


def _scan_relative(clean: str, today: date) -> list[_Mention]:
    mentions = []
    for match in _RELATIVE_RE.finditer(clean):
        found = _relative_period(match, clean, today)
        if found is not None:
            first, last, precision = found
            mentions.append(
                _Mention(match.start(), match.end(), precision, _fixed_period(first, last), last.year, first, last)
            )
    return mentions


def _relative_period(match: re.Match[str], clean: str, today: date) -> tuple[date, date, Precision] | None:
    kind, g = match.lastgroup, match.group
    if kind == "today":
        return today, today, Precision.DAY
    if kind == "tomorrow":
        return today + timedelta(days=1), today + timedelta(days=1), Precision.DAY
    if kind in ("span", "under", "fortnight", "more", "shift", "from_now"):
        if kind == "fortnight":
            count_text, unit = "1", "fortnight"
        elif kind == "span":
            count_text, unit = g("count"), g("unit")
        elif kind == "under":
            count_text, unit = g("u_count"), g("u_unit")
        elif kind == "shift":
            count_text, unit = g("sh_count") or "1", g("sh_unit")
        elif kind == "from_now":
            count_text, unit = g("fn_count"), g("fn_unit")
        else:
            count_text, unit = g("m_count") or g("m_count2"), g("m_unit")
        day = _ahead(today, count_text, unit)
        return day, day, Precision.DAY
    if kind == "fin_year_now":
        ahead = 1 if (g("fyn_which") or "").lower() == "next" else 0
        ends = today.year + (1 if today.month >= 4 else 0) + ahead
        return date(ends - 1, 4, 1), date(ends, 3, 31), Precision.YEAR
    if kind == "day_month":
        next_day = _next_day_and_month(today, int(g("dmo_d")), int(g("dmo_m")))
        return (next_day, next_day, Precision.DAY) if next_day else None
    if kind == "period":
        ahead = 0 if (g("which") or "this").lower() in ("this", "the") else 1
        return _calendar_period(g("what").lower().replace("wk", "week"), today, ahead)
    if kind == "half_term":
        return _half_term_month(today)
    if kind in ("weekday", "week_on"):
        return _weekday_period(match, clean, today)
    return None


def _weekday_period(match: re.Match[str], clean: str, today: date) -> tuple[date, date, Precision] | None:
    """ "by Friday": the next Friday; "a week on Friday", "Friday week": the one after."""
    g = match.group
    if match.lastgroup == "week_on":
        day = _next_weekday(today, g("wo_wd") or g("wo_wd2")) + timedelta(weeks=1)
        return day, day, Precision.DAY
    if not _looks_like_a_date(match, clean, cue_required=len(g("wd")) <= 3):
        return None
    day = _next_weekday(today, g("wd"))
    return day, day, Precision.DAY


def _next_weekday(today: date, word: str) -> date:
    """The first day named `word` ("Friday", "fri.") strictly after today."""
    weekday = _INFO.weekday(word.rstrip("."))
    assert weekday is not None
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


_HALF_TERM_MONTHS = (2, 5, 10)


def _half_term_month(today: date) -> tuple[date, date, Precision]:
    """The month of the next school half term on or after `today`'s month, first day to last."""
    year, month = next(((today.year, m) for m in _HALF_TERM_MONTHS if m >= today.month), (today.year + 1, 2))
    first = date(year, month, 1)
    return first, first + relativedelta(months=1, days=-1), Precision.MONTH


def _ahead(today: date, count_text: str, unit: str) -> date:
    """ "in two weeks", "another fortnight", "four more weeks": that long after today."""
    count_text = _SPACE_RE.sub(" ", count_text.lower())
    count = int(count_text) if count_text.isdigit() else _COUNT_WORDS[count_text]
    steps = {"day": relativedelta(days=count), "week": relativedelta(weeks=count),
             "fortnight": relativedelta(weeks=2 * count), "month": relativedelta(months=count),
             "year": relativedelta(years=count)}
    return today + steps[unit.lower()]


def _next_day_and_month(today: date, day_number: int, month: int) -> date | None:
    """ "by 12/3": the next such day on or after today; None when there is no such day."""
    for year in (today.year, today.year + 1):
        try:
            day = date(year, month, day_number)
        except ValueError:
            return None
        if day >= today:
            return day
    return None


def _calendar_period(what: str, today: date, ahead: int) -> tuple[date, date, Precision]:
    if what == "week":
        # A week of work ends on Friday.
        monday = today - timedelta(days=today.weekday()) + timedelta(weeks=ahead)
        return monday, monday + timedelta(days=4), Precision.DAY
    if what == "month":
        first = today.replace(day=1) + relativedelta(months=ahead)
        return first, first + relativedelta(months=1, days=-1), Precision.MONTH
    if what == "quarter":
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) + relativedelta(months=3 * ahead)
        return first, first + relativedelta(months=3, days=-1), Precision.QUARTER
    return date(today.year + ahead, 1, 1), date(today.year + ahead, 12, 31), Precision.YEAR


def _looks_like_a_date(match: re.Match[str], clean: str, *, cue_required: bool = False) -> bool:
    """A lone month, season or weekday name counts when a preposition introduces it, or when it is
    capitalised and not followed by a pronoun or verb ("May I ask", "March on"): "by May we will" is a date."""
    start, end = match.span()
    if _CUE_BEFORE_RE.search(clean, max(0, start - 30), start):
        return True
    if _NOT_A_DATE_AFTER_RE.match(clean, end):
        return False
    return not cue_required and match.group(0)[:1].isupper()


# --- periods -----------------------------------------------------------------------------------


def _day(start: int, end: int, year: int | None, month: int, day: int) -> _Mention:
    date(year or 2000, month, day)  # reject 31 April early; 29 February is checked per year
    return _Mention(start, end, Precision.DAY, lambda y: (date(y, month, day),) * 2, year)


def _month(start: int, end: int, year: int | None, month: int) -> _Mention:
    if not 1 <= month <= 12:
        raise ValueError(f"month {month}")
    return _Mention(start, end, Precision.MONTH, lambda y: _months_from(y, month, 1), year)


def _season(match: re.Match[str], clean: str, name: str, year: int | None) -> _Mention | None:
    if year is None and (name == "fall" or not _looks_like_a_date(match, clean)):
        return None  # "do not fall between services"
    first_month = _SEASON_FIRST_MONTH[name]
    return _Mention(*match.span(), Precision.SEASON, lambda y: _months_from(y, first_month, 3), year)


def _part_of_year(start: int, end: int, year: int | None, number: int, months: int, precision: Precision) -> _Mention:
    first_month = (number - 1) * months + 1
    return _Mention(start, end, precision, lambda y: _months_from(y, first_month, months), year)


def _financial_year(start: int, end: int, year: int, next_text: str) -> _Mention | None:
    if _full_year(next_text) != year + 1:
        return None
    return _Mention(start, end, Precision.YEAR, lambda y: _months_from(y, 4, 12), year)


def _financial_quarter(start: int, end: int, year: int, next_text: str, number: int) -> _Mention | None:
    """Quarter `number` of the financial year that starts in April of `year`."""
    if _full_year(next_text) != year + 1:
        return None
    offset = 3 * (number - 1)

    def period(y: int) -> tuple[date, date]:
        first = date(y, 4, 1) + relativedelta(months=offset)
        return first, first + relativedelta(months=3, days=-1)

    return _Mention(start, end, Precision.QUARTER, period, year)


def _months_from(year: int, month: int, count: int) -> tuple[date, date]:
    first = date(year, month, 1)
    return first, first + relativedelta(months=count, days=-1)


def _month_number(word: str) -> int:
    number = _INFO.month(word.rstrip("."))
    if number is None:
        raise ValueError(f"not a month: {word!r}")
    return int(number)


def _full_year(text: str) -> int:
    digits = text.lstrip("'")
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def _year_or_none(text: str | None) -> int | None:
    return _full_year(text) if text else None


# --- resolving years ---------------------------------------------------------------------------


def _resolve(mentions: list[_Mention], clean: str, today: date | None) -> list[tuple[date, Precision]]:
    return [(due, precision) for due, precision in _resolve_each(mentions, clean, today) if due is not None]


def _resolve_each(mentions: list[_Mention], clean: str, today: date | None) -> list[tuple[date | None, Precision]]:
    """The last day of each mention. A year-less one shares the year of the dated mention it is
    joined to ("October to December 2013"); otherwise it is the next occurrence on or after today."""
    years: list[int | None] = [m.year for m in mentions]
    for index in range(len(mentions) - 2, -1, -1):
        following = mentions[index + 1]
        joined = _RANGE_JOIN_RE.match(clean[mentions[index].end : following.start])
        if years[index] is None and years[index + 1] is not None and following.first is None and joined:
            years[index] = years[index + 1]
    resolved: list[tuple[date | None, Precision]] = []
    for mention, year in zip(mentions, years, strict=True):
        if mention.last is not None:
            resolved.append((mention.last, mention.precision))
        elif year is not None:
            resolved.append((_last_day(mention.period, year), mention.precision))
        elif today is not None:
            resolved.append((_next_occurrence(mention.period, today), mention.precision))
        else:
            resolved.append((None, mention.precision))
    return resolved


def _last_day(period: _Period, year: int) -> date | None:
    try:
        return period(year)[1]
    except ValueError:
        return None  # 29 February in a common year


def _next_occurrence(period: _Period, today: date) -> date | None:
    # Start a year back: "winter" in January is the winter that began last December.
    for year in range(today.year - 1, today.year + 9):
        last = _last_day(period, year)
        if last is not None and last >= today:
            return last
    return None


# Dates a reply leaves to its context, spelt out so the date rules can read them. One pass over the text.
_REPLY_REFERENCE_RE = re.compile(
    # "spring next year", "March next year": that season or month of next year, not the whole of next year
    rf"\b(?P<next_year_of>spring|summer|autumn|{_MONTH})\s+next\s+year\b"
    rf"|\b(?P<month>{_MONTH})"
    r"|\b(?P<that>that month)\b"
    r"|\b(?P<calendar>the calendar year|calendar year)\b"
    r"|\b(?P<season>spring|summer|autumn|winter)\b"
    # "Q4 of this financial year": that quarter of the financial year today is in (or the next one)
    r"|\bQ(?P<fy_quarter>[1-4])\s+(?:of\s+)?(?P<fy_which>this|the current|next|the)\s+(?:financial|fiscal)\s+year\b"
    # "can we say Q3?": a quarter with no year, which in UK public-sector plans is the financial one
    r"|\bQ(?P<quarter>[1-4])\b(?!\s*(?:of\s+)?(?:the\s+)?(?:FY\s*|financial\s+year\s+|year\s+)?'?\d)"
    rf"|\b(?:the|(?P<weekday>{_WEEKDAY}),?(?: the)?) (?P<day>[0-9]{{1,2}})(?:st|nd|rd|th)\b(?!\s*(?:of\s+)?{_MONTH})"
    # "booked in w/c 26th": the week that starts on the next Monday the 26th
    r"|(?P<week_of>\b(?:w/c|w/b|wc|week\s+(?:commencing|beginning|starting))\s+(?:the\s+)?)"
    rf"(?P<week_day>[0-9]{{1,2}})(?:st|nd|rd|th)?\b(?![/.\-]\d)(?!\s*(?:of\s+)?{_MONTH})",
    re.IGNORECASE,
)


def spell_out_reply_dates(text: str, *, today: date) -> str:
    """`text` with dates that lean on their context made explicit: "by the 26th" is the next 26th after
    `today` ("26 March 2027"); "the end of that month" is the month named last before it; "the end of the
    calendar year" is the end of this year."""
    last_month: str | None = None
    last_month_end = -1

    def spelt(match: re.Match[str]) -> str:
        nonlocal last_month, last_month_end
        if match.group("next_year_of"):
            return f"{_as_written_capitalised(match.group('next_year_of'))} {today.year + 1}"
        if match.group("month"):
            last_month, last_month_end = match.group("month"), match.end()
            return _as_written_capitalised(last_month)
        if match.group("season"):
            return _as_written_capitalised(match.group("season"))
        if match.group("quarter"):
            return _financial_quarter_to_come(int(match.group("quarter")), today)
        if match.group("fy_quarter"):
            ahead = 1 if match.group("fy_which").lower() == "next" else 0
            return _quarter_of_financial_year(int(match.group("fy_quarter")), today, ahead)
        if match.group("that"):
            return last_month if last_month else match.group(0)
        if match.group("calendar"):
            return "the year"
        if match.group("week_of"):
            number = int(match.group("week_day"))
            monday = _next_day_of_month(today, number, 0) or _next_day_of_month(today, number)
            return f"{match.group('week_of')}{monday.day} {monday:%B %Y}" if monday else match.group(0)
        weekday = match.group("weekday")
        if not weekday and last_month and _IN_BRACKETS_AFTER_THE_MONTH.match(text, last_month_end, match.start()):
            # "two more sessions in June (the 2nd and the 9th)": days of the month just named, not the next 2nd
            in_month = _next_day_and_month(today, int(match.group("day")), _month_number(last_month))
            if in_month is not None:
                return f"{in_month.day} {in_month:%B %Y}"
        # "Friday 25th": the next 25th that falls on a Friday
        day = _next_day_of_month(today, int(match.group("day")), _weekday_number(weekday) if weekday else None)
        if day is None:
            return match.group(0)
        return f"{weekday} {day.day} {day:%B %Y}" if weekday else f"{day.day} {day:%B %Y}"

    return _REPLY_REFERENCE_RE.sub(spelt, text)


# Between a month and "the 2nd" that belongs to it: an open bracket and no close ("June (the 2nd and the 9th)").
_IN_BRACKETS_AFTER_THE_MONTH = re.compile(r"\s*\([^()\n]{0,30}$")


# Month names that are also everyday words ("may", "march", "mar"): only a cue or a capital makes them a date.
_ALSO_A_WORD = frozenset({"may", "march", "mar"})


def _as_written_capitalised(word: str) -> str:
    """A month or season a reply writes in lower case ("june is more realistic", "spring realistically"):
    chat is written without capitals, so it is read as if capitalised, unless it is also an everyday word."""
    return word.capitalize() if word.islower() and word.rstrip(".") not in _ALSO_A_WORD else word


def _financial_quarter_to_come(number: int, today: date) -> str:
    """ "Q3" as the next financial quarter of that number not yet over: "Q3 2026/27" (October to December 2026)."""
    start_year = today.year if today.month >= 4 else today.year - 1
    for year in (start_year, start_year + 1):
        last_month_year, last_month = (year, 3 * number + 3) if number < 4 else (year + 1, 3)
        if date(last_month_year, last_month, 1) + relativedelta(months=1, days=-1) >= today:
            break
    return f"Q{number} {year}/{(year + 1) % 100:02d}"


def _quarter_of_financial_year(number: int, today: date, ahead: int) -> str:
    """ "Q4 of this financial year": quarter `number` of the financial year containing `today` (`ahead` years on)."""
    year = (today.year if today.month >= 4 else today.year - 1) + ahead
    return f"Q{number} {year}/{(year + 1) % 100:02d}"


def _weekday_number(word: str) -> int | None:
    return _INFO.weekday(word)


def _next_day_of_month(today: date, day_number: int, weekday: int | None = None) -> date | None:
    """The first day numbered `day_number` after `today` (a month without it is skipped), on `weekday`
    (Monday 0) when one is given."""
    if not 1 <= day_number <= 31:
        return None
    year, month = today.year, today.month
    for _ in range(13):
        try:
            candidate = date(year, month, day_number)
        except ValueError:
            candidate = None
        if candidate is not None and candidate > today and (weekday is None or candidate.weekday() == weekday):
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None
