"""`make bench`'s goal table: what a benchmark records is what the table says, met or not."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.goals import GOALS_FILE_ENV, GoalFigure, goals_table, read_goals, record


def test_recorded_goals_come_back_in_the_table_with_their_ratio_and_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    goals = tmp_path / "goals.jsonl"
    monkeypatch.setenv(GOALS_FILE_ENV, str(goals))
    record(GoalFigure("first sweep, 100k actions, SQLite", 4.0, "s", 2.0, "raw select + bulk insert", 1.0))
    record(GoalFigure("delivery pace", 0.95, "x", 0.9, "-", None, "at least"))

    read = read_goals(goals)
    table = goals_table(read).splitlines()

    assert [g.met for g in read] == [False, True]
    assert "| first sweep, 100k actions, SQLite | 4.000 s | at most 2 s | raw select + bulk insert | 1.000 s | 4.0 | **no** |" in table
    assert table[-1].endswith("| - | - | yes |")


def test_a_benchmark_run_on_its_own_records_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(GOALS_FILE_ENV, raising=False)
    folder = tmp_path / "here"
    folder.mkdir()
    monkeypatch.chdir(folder)
    record(GoalFigure("steady sweep", 0.1, "s", 0.2, "raw select", 0.2))
    assert list(folder.iterdir()) == []
