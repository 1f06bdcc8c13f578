"""The Word and HTML reports of the digest."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import docx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.db import ensure_partnership, session_scope
from bot.digest.chart import Bar, bar_chart_png
from bot.digest.content import Digest, build_digest
from bot.digest.reports import write_digest_docx, write_digest_html
from bot.models import Action
from bot.settings import Settings
from tests.digest.history import AS_OF, MEETING, live_through, seed_plan

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture
def digest(engine: Engine, settings: Settings) -> Digest:
    seed_plan(engine, settings)
    live_through(engine, settings)
    with session_scope(engine) as session:
        return build_digest(session, ensure_partnership(session, settings), MEETING, AS_OF)


def all_table_text(document: docx.document.Document) -> list[list[list[str]]]:
    return [[[cell.text for cell in r.cells] for r in table.rows] for table in document.tables]


def test_word_report_opens_and_has_every_table(digest: Digest, tmp_path: Path) -> None:
    path = write_digest_docx(digest, tmp_path / "nested" / "digest.docx")
    document = docx.Document(str(path))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = all_table_text(document)

    assert "Riverside Safer Communities Board: DHR action digest" in text
    assert "For the meeting on 14 Jan 2027. As of 7 Jan 2027." in text
    assert ["Overdue", "1"] in tables[0]  # summary counts
    assert tables[1] == [["Red", "Amber", "Green", "Not chased"], ["1", "1", "3", "0"]]
    by_agency = {r[0]: r[1:] for r in tables[2]}
    assert by_agency["Riverside Police"] == ["1", "1", "0", "1", "0", "0", "0"]
    flat = [cell for table in tables for r in table for cell in r]
    history = "Chaser sent 2 Dec 2026 asking for an update by 8 Dec 2026. No response received."
    assert any(cell.startswith(history) for cell in flat)
    assert "26 Feb 2027" in flat and "RIV3-3-1" in flat
    assert len(document.inline_shapes) == 1  # the response chart


def test_html_report_is_one_self_contained_page(digest: Digest, tmp_path: Path) -> None:
    html = write_digest_html(digest, tmp_path / "digest.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert 'src="data:image/png;base64,' in html
    assert "http://" not in html and "https://" not in html
    assert "Escalated to the board 23 Dec 2026." in html


def test_html_escapes_plan_text_and_shows_only_the_start_of_an_action(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    seed_plan(engine, settings)
    with session_scope(engine) as session:
        action = session.exec(select(Action).where(Action.ref == "RIV3-1-1")).one()
        action.description = "<script>steal()</script> Review the pathway, then write up the fictional narrative"
        action.lead_agency_id = None
        action.lead_contact_id = None
        action.lead_agency_text = HOSTILE
        session.add(action)
    with session_scope(engine) as session:
        digest = build_digest(session, ensure_partnership(session, settings), MEETING, AS_OF)
    html = write_digest_html(digest, tmp_path / "digest.html").read_text(encoding="utf-8")

    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in html
    # The agency in the RAG table, the "not chased" and the overdue tables; the action's text in the last two.
    assert html.count("&lt;script&gt;") == 5
    assert "&lt;script&gt;steal()&lt;/script&gt; Review the pathway, then write up the \u2026" in html
    assert "narrative" not in html


def test_chart_is_a_valid_png_sized_to_its_rows() -> None:
    bars = [Bar("Riverside Police", 1, 4, "1 of 4"), Bar("Probation Service", 2, 2, "2 of 2")]
    png = bar_chart_png("Chasers answered", bars)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    chunks, offset = {}, 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        data = png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + data) & 0xFFFFFFFF == crc
        chunks[kind] = data
        offset += 12 + length
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + width * 3)
    one_row = bar_chart_png("Chasers answered", [Bar("Riverside Police", 1, 4)])
    assert struct.unpack(">I", one_row[20:24])[0] < height
