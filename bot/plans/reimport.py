"""What a re-import may change: only what the coordinator changed in the plan since the last import.

Leads change actions between imports (a button marks one complete, an extension moves its due
date, replies append progress notes). The file still holds the values it was imported with, so
comparing it with the database would undo those changes. Instead each action keeps the plan's
own values from its last import (`Action.imported_values`), and a field is written only when the
file's value differs from that: then the coordinator edited the plan, and the file wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: The target cell, its due date and that date's precision change together.
TARGET_FIELDS = frozenset({"target_text", "due", "precision"})


def plan_snapshot(values: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """The plan's values as stored in `Action.imported_values` (JSON: dates as ISO strings)."""
    return {name: jsonable(values[name]) for name in fields}


def fields_the_plan_changed(
    last_imported: Mapping[str, Any], current: Mapping[str, Any], from_file: Mapping[str, Any]
) -> list[str]:
    """The fields whose value in the file differs from the one it had at the last import.

    All three are snapshots (see plan_snapshot). An action imported before imported_values was
    kept has none: then the database's values stand in for it, as re-imports always did.
    """
    baseline = last_imported or current
    changed = {name for name in from_file if from_file[name] != baseline.get(name, current.get(name))}
    if changed & TARGET_FIELDS:
        # One target, read three ways: a new target date must not keep an extension's precision.
        changed |= TARGET_FIELDS & from_file.keys()
    return [name for name in from_file if name in changed]


def merged_progress(current: str | None, last_imported: str | None, from_file: str | None) -> str | None:
    """The file's new progress text, followed by the notes replies appended since the last import.

    Notes the file already carries (a plan exported and imported again) are not repeated.
    """
    in_file = {line.strip() for line in (from_file or "").splitlines()}
    notes = [line for line in notes_since_import(current, last_imported) if line.strip() not in in_file]
    merged = "\n".join(part for part in (from_file or "", *notes) if part)
    return merged or None


def notes_since_import(current: str | None, last_imported: str | None) -> list[str]:
    """The lines of the action's progress that were not in the plan when it was last imported."""
    current, last_imported = current or "", last_imported or ""
    if not last_imported or current == last_imported or current.startswith(last_imported + "\n"):
        added = current[len(last_imported) :]
    else:  # edited in place since: keep whichever lines the import did not bring
        imported_lines = set(last_imported.splitlines())
        added = "\n".join(line for line in current.splitlines() if line not in imported_lines)
    return [line for line in added.splitlines() if line.strip()]


def jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value
