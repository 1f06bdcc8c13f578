"""A parsed action plan: the same shape whatever file it came from, and no database in sight."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.rules.statuses import ActionStatus, Precision


class PlanError(Exception):
    """A plan that cannot be read. Names the file, and the row and column where known."""

    def __init__(
        self, file: str | Path, message: str, *, row: int | None = None, column: str | None = None
    ) -> None:
        self.file = str(file)
        self.row = row
        self.column = column
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class ParsedAction:
    description: str
    lead_agency: str | None = None
    evidence_expected: str | None = None
    target_text: str | None = None
    due: date | None = None
    precision: Precision = Precision.NONE
    status: ActionStatus = ActionStatus.NOT_STARTED
    progress: str | None = None
    source_row: int | None = None
    #: The plan's own cells for columns the bot does not read (header -> text as written), and the
    #: status column as written ("Amber", "B"): exported back unchanged.
    plan_cells: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedRecommendation:
    number: str  # as written: agency sections that restart at 1 keep their 1
    text: str
    scope: str | None = None
    section: str | None = None
    actions: list[ParsedAction] = field(default_factory=list)
    source_row: int | None = None
    #: Prefix that keeps refs unique when a section restarts the numbering ("EH" for "IMR: Eastvale Homes").
    ref_part: str = ""

    @property
    def ref_key(self) -> str:
        return f"{self.ref_part}{self.number}"


@dataclass
class ParsedPlan:
    review_code: str | None
    title: str
    recommendations: list[ParsedRecommendation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Field name -> the header as written ("Key actions"), in the file's column order, for
        # export. Not a dataclass field: it is how the file was laid out, not what the plan says,
        # so plans compared by content (==, asdict) leave it out, like each row's source_row.
        self.column_headers: dict[str, str] = {}
        #: Which column of the file each field came from ("What we will do" -> action), for the dry run.
        self.mapping_used: list[tuple[str, str]] = []

    def action_count(self) -> int:
        return sum(len(rec.actions) for rec in self.recommendations)


def plan_to_json(plan: ParsedPlan) -> dict[str, Any]:
    """The `dhr import --dry-run --json` shape documented in DESIGN.md ("Interfaces"). It changes only by
    adding keys (each recommendation's "ref": its number with any section part, as refs are made)."""
    return {
        "review": plan.review_code,
        "recommendations": [
            {
                "number": rec.number,
                "text": rec.text,
                "scope": rec.scope,
                "section": rec.section,
                "ref": rec.ref_key,
                "actions": [
                    {
                        "description": action.description,
                        "lead_agency": action.lead_agency,
                        "target_text": action.target_text,
                        "due": action.due.isoformat() if action.due else None,
                        "precision": str(action.precision),
                        "status": str(action.status),
                        "progress": action.progress,
                    }
                    for action in rec.actions
                ],
            }
            for rec in plan.recommendations
        ],
        "warnings": list(plan.warnings),
    }
