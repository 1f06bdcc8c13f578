"""The import benchmark's own steps run against today's schema (a NOT NULL column added in session 4 broke its
floor unnoticed until the next `make bench`): a small workbook, parsed, stored by the import and written by both
floors into a fresh SQLite database, every action accounted for."""

from __future__ import annotations

from pathlib import Path

from bench.bench_import import PREAMBLE_ROWS, floor, parse, store, synthetic_xlsx
from bot.bulk import insert_rows


def test_the_import_benchmark_stores_every_row_and_both_its_floors_run(tmp_path: Path) -> None:
    rows = 3 * 12 + PREAMBLE_ROWS
    plan = parse(synthetic_xlsx(tmp_path / "bench.xlsx", rows), rows)

    _, stored, _ = store(plan, None)

    assert stored == rows - PREAMBLE_ROWS
    assert floor(plan, None) > 0
    assert floor(plan, None, insert_rows) > 0
