"""A small horizontal bar chart as a PNG, with nothing but the standard library (zlib, struct).

The digest's "response by agency" chart goes into a Word report and a self-contained HTML page,
both made offline; a plotting library would be a heavy dependency for one picture. Text is drawn
with a built-in 3x5 pixel font (capitals, digits, a little punctuation), scaled up.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

Colour = tuple[int, int, int]
WHITE: Colour = (255, 255, 255)
INK: Colour = (31, 35, 40)
ANSWERED: Colour = (46, 125, 50)  # green
UNANSWERED: Colour = (198, 40, 40)  # red
GRID: Colour = (217, 220, 225)

SCALE = 2
_GLYPH_W, _GLYPH_H = 3, 5
CHAR_W = (_GLYPH_W + 1) * SCALE
LINE_H = (_GLYPH_H + 2) * SCALE
LABEL_CHARS = 30
BAR_W = 300
ROW_H = 26
MARGIN = 10

# Each glyph: five rows of three pixels, "#" on.
_FONT_ROWS = {
    "A": ".#. #.# ### #.# #.#", "B": "##. #.# ##. #.# ##.", "C": ".## #.. #.. #.. .##",
    "D": "##. #.# #.# #.# ##.", "E": "### #.. ##. #.. ###", "F": "### #.. ##. #.. #..",
    "G": ".## #.. #.# #.# .##", "H": "#.# #.# ### #.# #.#", "I": "### .#. .#. .#. ###",
    "J": "..# ..# ..# #.# .#.", "K": "#.# #.# ##. #.# #.#", "L": "#.. #.. #.. #.. ###",
    "M": "#.# ### ### #.# #.#", "N": "##. #.# #.# #.# #.#", "O": ".#. #.# #.# #.# .#.",
    "P": "##. #.# ##. #.. #..", "Q": ".#. #.# #.# ##. .##", "R": "##. #.# ##. #.# #.#",
    "S": ".## #.. .#. ..# ##.", "T": "### .#. .#. .#. .#.", "U": "#.# #.# #.# #.# ###",
    "V": "#.# #.# #.# #.# .#.", "W": "#.# #.# ### ### #.#", "X": "#.# #.# .#. #.# #.#",
    "Y": "#.# #.# .#. .#. .#.", "Z": "### ..# .#. #.. ###",
    "0": "### #.# #.# #.# ###", "1": ".#. ##. .#. .#. ###", "2": "##. ..# .#. #.. ###",
    "3": "##. ..# .#. ..# ##.", "4": "#.# #.# ### ..# ..#", "5": "### #.. ##. ..# ##.",
    "6": ".## #.. ### #.# ###", "7": "### ..# .#. .#. .#.", "8": "### #.# ### #.# ###",
    "9": "### #.# ### ..# ##.", " ": "... ... ... ... ...", ".": "... ... ... ... .#.",
    "-": "... ... ### ... ...", "/": "..# ..# .#. #.. #..", "%": "#.# ..# .#. #.. #.#",
    "(": ".#. #.. #.. #.. .#.", ")": ".#. ..# ..# ..# .#.", "&": ".#. #.# .#. #.# .##",
    ",": "... ... ... .#. #..", "'": ".#. .#. ... ... ...", ":": "... .#. ... .#. ...",
}
_FONT = {ch: list(rows.split()) for ch, rows in _FONT_ROWS.items()}


@dataclass(frozen=True)
class Bar:
    label: str
    answered: int
    total: int
    note: str = ""  # shown after the bar, e.g. "4 OF 5, MEDIAN 2 DAYS"


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pixels = bytearray(WHITE * (width * height))

    def fill(self, x: int, y: int, w: int, h: int, colour: Colour) -> None:
        for row in range(max(y, 0), min(y + h, self.height)):
            start, end = max(x, 0), min(x + w, self.width)
            if start < end:
                self.pixels[(row * self.width + start) * 3 : (row * self.width + end) * 3] = bytes(colour) * (end - start)

    def text(self, x: int, y: int, text: str, colour: Colour = INK) -> None:
        for index, char in enumerate(text.upper()):
            glyph = _FONT.get(char, _FONT[" "])
            for gy, row in enumerate(glyph):
                for gx, bit in enumerate(row):
                    if bit == "#":
                        self.fill(x + index * CHAR_W + gx * SCALE, y + gy * SCALE, SCALE, SCALE, colour)

    def png(self) -> bytes:
        raw = b"".join(
            b"\x00" + bytes(self.pixels[row * self.width * 3 : (row + 1) * self.width * 3]) for row in range(self.height)
        )
        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)  # 8-bit RGB
        density = struct.pack(">IIB", 3780, 3780, 1)  # 96 dpi, so Word sizes it sensibly
        return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"pHYs", density) + _chunk(
            b"IDAT", zlib.compress(raw, 9)
        ) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def clip_label(label: str, chars: int = LABEL_CHARS) -> str:
    label = " ".join(label.split())
    return label if len(label) <= chars else label[: chars - 1] + "."


def bar_chart_png(title: str, bars: Sequence[Bar]) -> bytes:
    """Bars scaled to the largest total: the answered part green, the rest red, a note after each."""
    label_w = LABEL_CHARS * CHAR_W
    note_chars = max((len(b.note) for b in bars), default=0)
    width = MARGIN * 3 + label_w + BAR_W + MARGIN + note_chars * CHAR_W
    legend_y = MARGIN + LINE_H + 4
    top = legend_y + LINE_H + 8
    height = top + max(len(bars), 1) * ROW_H + MARGIN
    canvas = Canvas(width, height)
    canvas.text(MARGIN, MARGIN, title)
    canvas.fill(MARGIN, legend_y, 10, 10, ANSWERED)
    canvas.text(MARGIN + 16, legend_y, "ANSWERED")
    canvas.fill(MARGIN + 16 + 10 * CHAR_W, legend_y, 10, 10, UNANSWERED)
    canvas.text(MARGIN + 32 + 10 * CHAR_W, legend_y, "NOT ANSWERED")
    longest = max((b.total for b in bars), default=0)
    bar_x = MARGIN * 2 + label_w
    if not bars:
        canvas.text(MARGIN, top, "NO CHASERS IN THIS PERIOD")
    for row, bar in enumerate(bars):
        y = top + row * ROW_H
        canvas.text(MARGIN, y + (ROW_H - LINE_H) // 2, clip_label(bar.label))
        canvas.fill(bar_x, y + ROW_H - 2, BAR_W, 1, GRID)
        if longest:
            total_w = max(round(BAR_W * bar.total / longest), 2 if bar.total else 0)
            answered_w = round(total_w * bar.answered / bar.total) if bar.total else 0
            canvas.fill(bar_x, y + 4, answered_w, ROW_H - 10, ANSWERED)
            canvas.fill(bar_x + answered_w, y + 4, total_w - answered_w, ROW_H - 10, UNANSWERED)
        canvas.text(bar_x + BAR_W + MARGIN, y + (ROW_H - LINE_H) // 2, bar.note)
    return canvas.png()
