"""What the messages say, as plain text: one table for every channel (Slack blocks, mail, text).

Pure. The action-request messages (heads_up, chaser, board_update_request, escalation) get their
title, intro and whether they expect a reply from `request_wording`; each channel escapes the
plain strings its own way. The digest's row lines are here too, so the Slack blocks and the text
part cannot drift apart. A missing context key raises KeyError naming it (render() reports it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.text import counted, ukdate

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
    variant = request_variant(kind, values)
    intro = _INTROS[variant](values, len(values["actions"]))
    return RequestWording(TITLES[variant], " ".join(intro.split()), EXPECTS_REPLY[variant])


def _heads_up(v: Mapping[str, Any], n: int) -> str:
    return (f"Hello {v['recipient_name']}. A heads-up from {v['partnership_name']}: {counted(n, 'action')} you lead "
            f"on a Domestic Homicide Review action plan {'is' if n == 1 else 'are'} due soon. If all is on track "
            f"there is nothing to do; if {'it is' if n == 1 else 'they are'} done, or you need more time, "
            "please let us know.")


def _chaser(v: Mapping[str, Any], n: int) -> str:
    return (f"Hello {v['recipient_name']}. {v['partnership_name']} needs an update on {counted(n, 'action')} you "
            f"lead on a Domestic Homicide Review action plan: {'it is' if n == 1 else 'they are'} due or past "
            "the target date.")


def _board_update_request(v: Mapping[str, Any], n: int) -> str:
    meets = f"on {ukdate(v['meeting_date'])}" if v["meeting_date"] else "soon"
    by = f" by {ukdate(v['reply_by'])}" if v["reply_by"] else ""
    return (f"Hello {v['recipient_name']}. The {v['board_name']} meets {meets}. Please send an update on "
            f"{counted(n, 'action')} you lead{by}, so the board sees where things stand.")


def _since(v: Mapping[str, Any]) -> str:
    return f" since {ukdate(v['first_chased'])}" if v["first_chased"] else ""


def _escalation(v: Mapping[str, Any], n: int) -> str:
    agency = v["agency_name"]
    text = (f"Hello {v['recipient_name']}. We have asked {v['lead_name']} ({agency}) "
            f"{counted(v['chase_count'], 'time')}{_since(v)} for an update on {counted(n, 'action')} and have "
            "had no reply.")
    if v.get("recipient_is_coordinator"):
        text += (f" {agency} has no manager contact on record, so this comes to you as coordinator: could you "
                 f"help us get an update, and add a manager for {agency} to the contacts?")
    else:
        text += f" As the manager contact for {agency}, could you help us get an update?"
    if v.get("lead_copied"):
        text += f" {v['lead_name']} is copied in."
    return text


def _board_escalation(v: Mapping[str, Any], n: int) -> str:
    return (f"For the {v['board_name']}: {v['agency_name']} has not answered "
            f"{counted(v['chase_count'], 'request')}{_since(v)} for an update on {counted(n, 'action')} from a "
            "Domestic Homicide Review action plan. The agency's manager has also been asked.")


_INTROS: dict[str, Callable[[Mapping[str, Any], int], str]] = {
    "heads_up": _heads_up,
    "chaser": _chaser,
    "board_update_request": _board_update_request,
    "escalation": _escalation,
    BOARD_ESCALATION: _board_escalation,
}


# The board digest, one line per row -----------------------------------------------------------


def agency_line(row: Mapping[str, Any]) -> str:
    return f"{row['name']}: {row['open']} open, {row['overdue']} overdue, {row['complete']} complete"


def overdue_line(row: Mapping[str, Any]) -> str:
    return f"{row['ref']} · {row['agency']} · due {ukdate(row['due'])} · {counted(row['days_overdue'], 'day')} overdue"


def no_response_line(row: Mapping[str, Any]) -> str:
    return (f"{row['ref']} · {row['agency']} · chased {counted(row['chase_count'], 'time')}, "
            f"last on {ukdate(row['last_chased'], 'never')}")


def revised_line(row: Mapping[str, Any]) -> str:
    return f"{row['ref']} · {row['agency']} · {ukdate(row['old_due'])} → {ukdate(row['new_due'])}"


def completed_line(row: Mapping[str, Any]) -> str:
    return f"{row['ref']} · {row['agency']} · completed {ukdate(row['completed_on'])}"


def rag_line(rag: list[Mapping[str, Any]]) -> str:
    return " · ".join(f"{r['label']} {r['count']}" for r in rag)


#: The digest's lists in the order they are shown: (heading, context key, line).
DIGEST_LISTS: tuple[tuple[str, str, Callable[[Mapping[str, Any]], str]], ...] = (
    ("By agency", "by_agency", agency_line),
    ("By review", "by_review", agency_line),
    ("Overdue", "overdue", overdue_line),
    ("No response to chasers", "no_response", no_response_line),
    ("Revised target dates", "revised_dates", revised_line),
    ("Completed since the last meeting", "completed", completed_line),
)
