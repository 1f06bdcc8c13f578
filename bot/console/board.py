"""The Board page: the next meeting's digest as the board will get it (bot.digest), its Word report, and how each
agency answers chasers, with the digest's chart. Coordinators and board members."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from flask import Flask, Response, abort, g, render_template
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.console.access import check_can_read_board
from bot.console.options import ConsoleOptions
from bot.digest.content import RAG_LABELS, Digest, build_digest
from bot.digest.reports import (
    CHART_TITLE,
    GROUP_COLUMNS,
    SUMMARY_ROWS,
    group_rows,
    meeting_line,
    report_title,
    response_chart_png,
    section_rows,
    write_digest_docx,
)
from bot.digest.rows import meeting_dates
from bot.models import Partnership
from bot.updates import local_date

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def next_meeting(meetings: Sequence[date], today: date) -> date | None:
    """The first board meeting on record on or after today (as `dhr digest` picks it)."""
    return next((day for day in sorted(meetings) if day >= today), None)


def register_board_page(app: Flask, engine: Engine, options: ConsoleOptions) -> None:
    def next_digest() -> Digest | None:
        now = options.clock()
        with Session(engine) as db:
            partnership = db.get(Partnership, options.partnership_id)
            assert partnership is not None
            meeting = next_meeting(meeting_dates(db, options.partnership_id), local_date(db, now))
            if meeting is None:
                return None
            return build_digest(db, partnership, meeting, now, replies=options.replies)

    @app.get("/board")
    def board() -> str:
        check_can_read_board(g.viewer)
        digest = next_digest()
        if digest is None:
            return render_template("board.html", title="Board", digest=None)
        return render_template(
            "board.html", title="Board", digest=digest, heading=report_title(digest), meeting_line=meeting_line(digest),
            summary=[(label, digest.totals[key]) for label, key in SUMMARY_ROWS],
            rag=[(label, digest.rag[label]) for label in RAG_LABELS],
            groups=[("RAG by agency", ["Agency", *GROUP_COLUMNS[1:]], group_rows(digest, "agency")),
                    ("RAG by review", ["Review", *GROUP_COLUMNS[1:]], group_rows(digest, "review"))],
            response=digest.response_by_agency, chart_title=CHART_TITLE, sections=section_rows(digest),
        )

    @app.get("/board/chart.png")
    def board_chart() -> Response:
        check_can_read_board(g.viewer)
        digest = next_digest()
        if digest is None:
            abort(404, "There is no board meeting on record after today.")
        return Response(response_chart_png(digest.response_by_agency), mimetype="image/png")

    @app.get("/board/report.docx")
    def board_report() -> Response:
        check_can_read_board(g.viewer)
        digest = next_digest()
        if digest is None:
            abort(404, "There is no board meeting on record after today.")
        with tempfile.TemporaryDirectory(prefix="dhr-board-") as folder:  # python-docx writes to a path
            data = write_digest_docx(digest, Path(folder) / "digest.docx").read_bytes()
        name = f"board-digest-{digest.meeting_date.isoformat()}.docx"
        return Response(data, mimetype=DOCX, headers={"Content-Disposition": f'attachment; filename="{name}"'})
