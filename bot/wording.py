"""What the messages say, as plain text: one table for every channel (Slack blocks, mail, text).

Pure. The action-request messages (heads_up, chaser, board_update_request, escalation) get their
title, intro and whether they expect a reply from `request_wording`; each channel escapes the
plain strings its own way. The digest's row lines are here too, so the Slack blocks and the text
part cannot drift apart. A missing context key raises KeyError naming it (render() reports it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.text import counted, status_label, truncate_words, ukdate

#: The board escalation (level 3) reads differently from the one to the agency's manager.
BOARD_ESCALATION = "escalation_to_board"

TITLES = {
    "heads_up": "DHR actions due soon",
    "chaser": "DHR actions: update needed",
    "board_update_request": "Update needed before the board meets",
    "escalation": "Escalation: no response on DHR actions",
    BOARD_ESCALATION: "Escalation to the board: no response on DHR actions",
}

#: The board is told, not asked: no buttons, no "reply by".
EXPECTS_REPLY = {kind: kind != BOARD_ESCALATION for kind in TITLES}


@dataclass(frozen=True)
class RequestWording:
    title: str
    intro: str
    expects_reply: bool

    def as_context(self) -> dict[str, Any]:
        return {"title": self.title, "intro": self.intro, "expects_reply": self.expects_reply}


def request_variant(kind: str, values: Mapping[str, Any]) -> str:
    return BOARD_ESCALATION if kind == "escalation" and values["level"] == 3 else kind


def request_wording(kind: str, values: Mapping[str, Any]) -> RequestWording:
    """The wording of a request for `values["channel"]` (mail when absent): Slack copies no one in."""
    variant = request_variant(kind, values)
    intro = _INTROS[variant](values, len(values["actions"]))
    return RequestWording(TITLES[variant], " ".join(intro.split()), EXPECTS_REPLY[variant])


# The review a message is about -----------------------------------------------------------------


def review_code_of(ref: str) -> str:
    """The review code an action ref starts with: refs are made as CODE-number-index and a code is
    letters and digits only (bot.plans.store), so the code is never a name taken from the plan."""
    return ref.split("-", 1)[0]


def review_codes(refs: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(review_code_of(ref) for ref in refs if ref))


def reviews_phrase(refs: Iterable[str]) -> str:
    """"review RIV3", "reviews RIV3 and NUN1": messages name a review by its code, never its title,
    which is often the victim's pseudonym."""
    codes = review_codes(refs)
    if not codes:
        return "the review"
    return f"review {codes[0]}" if len(codes) == 1 else f"reviews {and_list(codes)}"


def and_list(names: Sequence[str]) -> str:
    """"A", "A and B", "A, B and C" (each name once, in order)."""
    unique = list(dict.fromkeys(names))
    if len(unique) <= 1:
        return "".join(unique)
    return ", ".join(unique[:-1]) + " and " + unique[-1]


def _refs(v: Mapping[str, Any]) -> list[str]:
    return [a["ref"] for a in v["actions"]]


def _plan(v: Mapping[str, Any]) -> str:
    """"the action plan of review RIV3", "the action plans of reviews RIV3 and NUN1"."""
    codes = review_codes(_refs(v))
    return f"the action plan{'s' if len(codes) > 1 else ''} of {reviews_phrase(_refs(v))}"


def _is_slack(v: Mapping[str, Any]) -> bool:
    return v.get("channel") == "slack"


# The intros ----------------------------------------------------------------------------------


def _heads_up(v: Mapping[str, Any], n: int) -> str:
    return (f"Hello {v['recipient_name']}. A heads-up from {v['partnership_name']}: {counted(n, 'action')} you lead "
            f"on {_plan(v)} {'is' if n == 1 else 'are'} due soon. If all is on track "
            f"there is nothing to do; if {'it is' if n == 1 else 'they are'} done, or you need more time, "
            "please let us know.")


def _chaser(v: Mapping[str, Any], n: int) -> str:
    return (f"Hello {v['recipient_name']}. {v['partnership_name']} needs an update on {counted(n, 'action')} you "
            f"lead on {_plan(v)}: {'it is' if n == 1 else 'they are'} due or past "
            "the target date.")


def _board_update_request(v: Mapping[str, Any], n: int) -> str:
    meets = f"on {ukdate(v['meeting_date'])}" if v["meeting_date"] else "soon"
    by = f" by {ukdate(v['reply_by'])}" if v["reply_by"] else ""
    return (f"Hello {v['recipient_name']}. The {v['board_name']} meets {meets}. Please send an update on "
            f"{counted(n, 'action')} you lead on {_plan(v)}{by}, so the board sees where things stand.")


def _since(v: Mapping[str, Any]) -> str:
    return f" since {ukdate(v['first_chased'])}" if v["first_chased"] else ""


def _escalation(v: Mapping[str, Any], n: int) -> str:
    agency = v["agency_name"]
    text = (f"Hello {v['recipient_name']}. We have asked {v['lead_name']} ({agency}) "
            f"{counted(v['chase_count'], 'time')}{_since(v)} for an update on {counted(n, 'action')} on "
            f"{_plan(v)} and have had no reply.")
    if v.get("recipient_is_coordinator"):
        text += " " + _why_the_coordinator(v)
    else:
        text += f" As the manager contact for {agency}, could you help us get an update?"
    if v.get("lead_copied") and not _is_slack(v):
        text += f" {v['lead_name']} is copied in."
    return text


def _why_the_coordinator(v: Mapping[str, Any]) -> str:
    """Why a level-2 escalation came to a coordinator: no lead agency recorded, or no manager for it."""
    unmanaged = [name for name in v.get("agencies_without_manager", [v["agency_name"]]) if name]
    reasons = []
    if v.get("no_lead_agency"):
        reasons.append("no lead agency is recorded for "
                       f"{'some of these actions' if unmanaged else 'these actions'}")
    if unmanaged:
        reasons.append(f"{and_list(unmanaged)} {'has' if len(unmanaged) == 1 else 'have'} no manager contact on record")
    fixes = []
    if v.get("no_lead_agency"):
        fixes.append("record the lead agency (dhr action set REF --lead AGENCY)")
    if unmanaged:
        fixes.append(f"add a manager for {and_list(unmanaged)} to the contacts file")
    return (f"This comes to you as coordinator because {' and '.join(reasons)}: could you help us get an "
            f"update, and {' and '.join(fixes)}?")


def _board_escalation(v: Mapping[str, Any], n: int) -> str:
    has = "have" if v.get("agency_count", 1) > 1 else "has"
    text = (f"For the {v['board_name']}: {v['agency_name']} {has} not answered "
            f"{counted(v['chase_count'], 'request')}{_since(v)} for an update on {counted(n, 'action')} on "
            f"{_plan(v)}.")
    asked = [manager_ask_sentence(ask) for ask in v.get("manager_asks", [])]
    return " ".join([text, *asked])


#: How each channel reached someone, as a sentence says it.
_BY_CHANNEL = {"slack": "on Slack", "email": "by email", "outbox": "in the outbox folder"}


def manager_ask_sentence(ask: Mapping[str, Any]) -> str:
    """What happened at level 2 for one agency, as the outbox recorded it: who was asked, how, when.

    `ask`: agency (name, or None when no lead agency is recorded), role ("manager"/"coordinator"),
    channel (ChannelKind value), on (local date), state (MessageState value).
    """
    agency = ask["agency"]
    if ask["role"] == "manager":
        whom = f"The manager of {agency}" if agency else "The agency's manager"
    elif agency:
        whom = f"{agency} has no manager on record, so the coordinator"
    else:
        whom = "No lead agency is recorded, so the coordinator"
    how, on = _BY_CHANNEL.get(ask["channel"], f"by {ask['channel']}"), ukdate(ask["on"])
    if ask["state"] == "sent":
        if ask["channel"] == "outbox":
            return f"{whom} had a message written {how} on {on} (the bot sends nothing from there)."
        return f"{whom} was asked {how} on {on}."
    if ask["state"] == "dead":
        return f"{whom} could not be reached {how} ({on})."
    return f"{whom} has a message waiting to go out {how} (queued {on})."


def last_update_phrase(action: Mapping[str, Any]) -> str:
    """The last update the lead gave on an action, quoted, or that none was given.

    `action["last_update"]`: None, or {on (local date), status (ActionStatus/ReadStatus value or
    None), text (str or None)}.
    """
    last = action["last_update"]
    if not last:
        return "No update has been given on this action."
    status = f", {status_label(last['status'])}" if last.get("status") else ""
    text = truncate_words(last.get("text"), 15, 120)
    quoted = f": \u201c{text}\u201d" if text else ""
    return f"Last update {ukdate(last['on'])}{status}{quoted}."


_INTROS: dict[str, Callable[[Mapping[str, Any], int], str]] = {
    "heads_up": _heads_up,
    "chaser": _chaser,
    "board_update_request": _board_update_request,
    "escalation": _escalation,
    BOARD_ESCALATION: _board_escalation,
}


# The board digest, one line per row -----------------------------------------------------------


#: Words of an action's text a digest line shows beside its ref.
DIGEST_SUMMARY_WORDS = 8


def short_text(summary: str | None) -> str:
    """An action's text cut to a few words: enough to know which action a ref is."""
    return truncate_words(summary, DIGEST_SUMMARY_WORDS, 70)


def _named(row: Mapping[str, Any]) -> str:
    short = short_text(row.get("summary"))
    return f"{row['ref']} {short}" if short else row["ref"]


def agency_line(row: Mapping[str, Any]) -> str:
    line = f"{row['name']}: {row['open']} open, {row['overdue']} overdue, {row['complete']} complete"
    if row.get("not_chased"):
        line += f", {row['not_chased']} not being chased (no lead / no contact)"
    return line


def overdue_line(row: Mapping[str, Any]) -> str:
    return (f"{_named(row)} · {row['agency']} · due {ukdate(row['due'])} · "
            f"{counted(row['days_overdue'], 'day')} overdue")


def no_response_line(row: Mapping[str, Any]) -> str:
    return (f"{_named(row)} · {row['agency']} · chased {counted(row['chase_count'], 'time')}, "
            f"last on {ukdate(row['last_chased'], 'never')}")


def revised_line(row: Mapping[str, Any]) -> str:
    return f"{_named(row)} · {row['agency']} · {ukdate(row['old_due'])} → {ukdate(row['new_due'])}"


def completed_line(row: Mapping[str, Any]) -> str:
    return f"{_named(row)} · {row['agency']} · completed {ukdate(row['completed_on'])}"


def not_chased_line(row: Mapping[str, Any]) -> str:
    return f"{_named(row)} · {row['agency']} · {row['reason']}"


def snoozed_line(row: Mapping[str, Any]) -> str:
    due = f"due {ukdate(row['due'])}" if row["due"] else "no target date"
    return f"{_named(row)} · {row['agency']} · {due} · snoozed until {ukdate(row['snoozed_until'])}"


def rag_line(rag: list[Mapping[str, Any]]) -> str:
    return " · ".join(f"{r['label']} {r['count']}" for r in rag)


#: The digest's lists in the order they are shown: (heading, context key, line).
DIGEST_LISTS: tuple[tuple[str, str, Callable[[Mapping[str, Any]], str]], ...] = (
    ("By agency", "by_agency", agency_line),
    ("By review", "by_review", agency_line),
    ("Not being chased (no lead agency / no lead contact)", "not_chased", not_chased_line),
    ("Snoozed: no chasing or escalation until the date shown", "snoozed", snoozed_line),
    ("Overdue", "overdue", overdue_line),
    ("No response to chasers", "no_response", no_response_line),
    ("Revised target dates", "revised_dates", revised_line),
    ("Completed since the last meeting", "completed", completed_line),
)


# The coordinators' list of actions nobody is chased about --------------------------------------


def unowned_fix(row: Mapping[str, Any]) -> str:
    """How a coordinator gets an action chased. `row`: ref, reason, agency."""
    if row["reason"] == "no lead agency":
        return f"dhr action set {row['ref']} --lead AGENCY (and --contact NAME if the agency has no lead)"
    return (f"add a lead for {row['agency'] or 'the agency'} to the contacts file, or "
            f"dhr action set {row['ref']} --contact NAME")


def unowned_line(row: Mapping[str, Any]) -> str:
    """One action nobody is asked about, why, and what would fix it. `row`: ref, summary, reason, agency."""
    return f"{_named(row)}: {row['reason']}. To fix: {unowned_fix(row)}"


def unowned_intro(v: Mapping[str, Any]) -> str:
    n = len(v["actions"])
    if not n:
        return (f"Hello {v['recipient_name']}. Every open action on {v['partnership_name']}'s plans now has a "
                "lead the bot can chase.")
    return (f"Hello {v['recipient_name']}. {counted(n, 'open action')} on {reviews_phrase(_refs(v))} "
            f"{'is' if n == 1 else 'are'} not being chased: the bot does not know whom to ask, so "
            f"{'it is' if n == 1 else 'they are'} shown as \u201cnot chased\u201d in the board digest. "
            "You are told again only when this list changes.")
