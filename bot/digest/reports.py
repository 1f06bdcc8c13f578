"""The board digest as a Word report (python-docx) and as one self-contained HTML page.

Both carry the same sections as the digest message, in full (no "and 40 more"), plus the chase
history of each unanswered action and a chart of response by agency. The chart is a PNG drawn with
the standard library (bot.digest.chart), embedded in the .docx and inlined as a data: URI in the HTML.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import jinja2

from bot.digest.chart import Bar, bar_chart_png
from bot.digest.content import RAG_LABELS, Digest, ResponseRow
from bot.render import counted, status_label, ukdate
from bot.wording import short_text

CHART_TITLE = "Chasers answered by agency"
SUMMARY_ROWS = (
    ("Actions in the plan", "actions"),
    ("Open", "open"),
    ("Overdue", "overdue"),
    ("Complete", "complete"),
    ("No response to chasers", "no_response"),
    ("Target dates revised since the last meeting", "revised"),
    ("Completed since the last meeting", "completed_since"),
    ("Not being chased (no lead agency / no lead contact)", "not_chased"),
    ("Snoozed (no chasing or escalation until the date shown)", "snoozed"),
)
RAG_NOTE = ("Red: overdue, or unanswered after escalation. Amber: due soon, or target date revised. "
            "Green: on track, complete or not applicable. Not chased: open with no lead agency or no lead "
            "contact, so nobody is asked about it (never counted as green).")


def report_title(digest: Digest) -> str:
    return f"{digest.board_name}: DHR action digest"


def meeting_line(digest: Digest) -> str:
    since = f" Changes since the last meeting on {ukdate(digest.since)}." if digest.since else ""
    return f"For the meeting on {ukdate(digest.meeting_date)}. As of {ukdate(digest.as_of)}.{since}"


def median_text(row: ResponseRow) -> str:
    if row.median_days_to_answer is None:
        return "no answers"
    days = row.median_days_to_answer
    return counted(int(days), "day") if days == int(days) else f"{days:.1f} days"


def response_chart_png(rows: Sequence[ResponseRow]) -> bytes:
    bars = [
        Bar(row.agency, row.answered, row.chasers_sent, f"{row.answered} of {row.chasers_sent}")
        for row in rows
    ]
    return bar_chart_png(CHART_TITLE, bars)


def section_rows(digest: Digest) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, column labels, rows of cell text) for each list section, shared by both formats."""
    return [
        ("Not being chased (no lead agency / no lead contact)", ["Ref", "Action", "Agency", "Due", "Why"],
         [[n.ref, short_text(n.summary), n.agency, ukdate(n.due), n.reason] for n in digest.not_chased]),
        ("Snoozed: no chasing or escalation until the date shown", ["Ref", "Action", "Agency", "Due", "Snoozed until"],
         [[s.ref, short_text(s.summary), s.agency, ukdate(s.due), ukdate(s.snoozed_until)] for s in digest.snoozed]),
        ("Overdue actions", ["Ref", "Action", "Agency", "Due", "Overdue by", "Status"],
         [[o.ref, short_text(o.summary), o.agency, ukdate(o.due), counted(o.days_overdue, "day"),
           status_label(o.status)] for o in digest.overdue]),
        ("No response to chasers", ["Ref", "Action", "Agency", "Chasers", "Last chased", "Chase history"],
         [[n.ref, short_text(n.summary), n.agency, str(n.chase_count), ukdate(n.last_chased), n.history]
          for n in digest.no_response]),
        ("Revised target dates", ["Ref", "Action", "Agency", "Was", "Now", "Revised on"],
         [[r.ref, short_text(r.summary), r.agency, ukdate(r.old_due), ukdate(r.new_due), ukdate(r.revised_on)]
          for r in digest.revised_dates]),
        ("Completed since the last meeting", ["Ref", "Action", "Agency", "Completed"],
         [[c.ref, short_text(c.summary), c.agency, ukdate(c.completed_on)] for c in digest.completed]),
    ]


GROUP_COLUMNS = ["", "Open", "Overdue", "Complete", *RAG_LABELS]


def group_rows(digest: Digest, by: str) -> list[list[str]]:
    groups = digest.by_agency if by == "agency" else digest.by_review
    return [[g.name, str(g.open), str(g.overdue), str(g.complete), str(g.red), str(g.amber), str(g.green),
             str(g.not_chased)] for g in groups]


def response_rows(digest: Digest) -> list[list[str]]:
    return [[r.agency, str(r.chasers_sent), str(r.answered), median_text(r)] for r in digest.response_by_agency]


RESPONSE_COLUMNS = ["Agency", "Chasers sent", "Answered", "Median time to answer"]


# Word ---------------------------------------------------------------------------------------


def write_digest_docx(digest: Digest, path: Path | str) -> Path:
    """Write the digest as a .docx; returns the path written."""
    import io

    from docx import Document
    from docx.shared import Inches

    path = Path(path)
    document = Document()
    document.add_heading(report_title(digest), level=0)
    document.add_paragraph(meeting_line(digest))

    document.add_heading("Summary", level=1)
    _table(document, ["", "Count"], [[label, str(digest.totals[key])] for label, key in SUMMARY_ROWS])
    document.add_paragraph("")
    _table(document, list(RAG_LABELS), [[str(digest.rag[label]) for label in RAG_LABELS]])
    document.add_paragraph(RAG_NOTE)

    document.add_heading("RAG by agency", level=1)
    _table(document, ["Agency", *GROUP_COLUMNS[1:]], group_rows(digest, "agency"))
    document.add_heading("RAG by review", level=1)
    _table(document, ["Review", *GROUP_COLUMNS[1:]], group_rows(digest, "review"))

    document.add_heading("Response by agency", level=1)
    document.add_picture(io.BytesIO(response_chart_png(digest.response_by_agency)), width=Inches(6.3))
    if digest.response_by_agency:
        _table(document, RESPONSE_COLUMNS, response_rows(digest))

    for title, columns, rows in section_rows(digest):
        document.add_heading(f"{title} ({len(rows)})", level=1)
        if rows:
            _table(document, columns, rows)
        else:
            document.add_paragraph("None.")
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _table(document, columns: Sequence[str], rows: Sequence[Sequence[str]]):  # type: ignore[no-untyped-def]
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, columns, strict=True):
        cell.text = label
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
    return table


# HTML ---------------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("bot", "templates/reports"),
        undefined=jinja2.StrictUndefined,
        autoescape=True,  # every value is plan data: escape it all
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(ukdate=ukdate)
    return env


def digest_html(digest: Digest) -> str:
    chart = base64.b64encode(response_chart_png(digest.response_by_agency)).decode("ascii")
    return _environment().get_template("digest.html.j2").render(
        title=report_title(digest),
        meeting_line=meeting_line(digest),
        partnership_name=digest.partnership_name,
        summary=[(label, digest.totals[key]) for label, key in SUMMARY_ROWS],
        rag=[(label, digest.rag[label]) for label in RAG_LABELS],
        rag_note=RAG_NOTE,
        groups=[("RAG by agency", ["Agency", *GROUP_COLUMNS[1:]], group_rows(digest, "agency")),
                ("RAG by review", ["Review", *GROUP_COLUMNS[1:]], group_rows(digest, "review"))],
        chart_data_uri=f"data:image/png;base64,{chart}",
        chart_title=CHART_TITLE,
        response_columns=RESPONSE_COLUMNS,
        response=response_rows(digest),
        sections=section_rows(digest),
    )


def write_digest_html(digest: Digest, path: Path | str) -> Path:
    """Write the digest as one self-contained HTML file (styles and chart inline); returns the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(digest_html(digest), encoding="utf-8")
    return path
