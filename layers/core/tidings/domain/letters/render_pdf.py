"""A templated letter as a PDF: contact block, date, the address in the envelope window, heading and body.

fpdf2 (pure Python; it uses fontTools to embed a subset of Liberation Sans, metric-compatible with the Arial
that Notify prints) is imported on the first render, so only the dispatch function ever loads it.

The body is the Markdown subset Notify letters use: paragraphs, `#` headings, `*` or `-` bullets, numbered
lists (`1.`), `---` rules, `***` alone on a line for a page break, and `qr: <link>` alone in a paragraph for a
QR code (segno, pure Python, likewise loaded on the first one drawn).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING, Any

from tidings.domain.letters.layout import (
    A4_WIDTH,
    ADDRESS_FONT_SIZE,
    ADDRESS_INSET,
    ADDRESS_LINE_HEIGHT,
    ADDRESS_WINDOW,
    CONTACT_BLOCK,
    HEADING_TOP,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
)
from tidings.domain.letters.qr_codes import paragraphs, qr_code_data

if TYPE_CHECKING:
    from fpdf import FPDF

FONT = "LiberationSans"
BODY_SIZE, HEADING_SIZE, SMALL_SIZE = 11.0, 12.0, 10.0
LINE = 5.5  # mm per body line
QR_SIZE = 30.0  # mm: a QR code's side, quiet zone aside (the white around it is the page's)
BULLET = re.compile(r"^\s*[*-]\s+(.*)$")
NUMBERED = re.compile(r"^\s*(\d+)\.\s+(.*)$")


@dataclass(frozen=True)
class LetterContent:
    address: tuple[str, ...]
    heading: str
    body: str
    contact_block: str | None
    date: datetime


@dataclass(frozen=True)
class RenderedLetter:
    pdf: bytes
    pages: int


def render_letter(content: LetterContent) -> RenderedLetter:
    pdf = _document()
    pdf.add_page()
    _contact_and_date(pdf, content)
    _address(pdf, content.address)
    pdf.set_xy(MARGIN_LEFT, HEADING_TOP)
    pdf.set_font(FONT, "B", HEADING_SIZE)
    pdf.multi_cell(w=0, h=6, text=content.heading, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _body(pdf, content.body)
    return RenderedLetter(bytes(pdf.output()), pdf.page_no())


def _document() -> FPDF:
    from fpdf import FPDF  # noqa: PLC0415 (lazy: only the dispatch path renders)

    # fpdf2 logs the characters a font lacks (they come from names and addresses: never let them reach the logs),
    # and fontTools a dozen INFO lines per letter while subsetting the font.
    for name in ("fpdf", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)

    class Letter(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(FONT, "", 8)
            self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = Letter(format="A4", unit="mm")
    fonts = resources.files("tidings.data").joinpath("fonts")
    for style, name in (("", "LiberationSans-Regular.ttf"), ("B", "LiberationSans-Bold.ttf")):
        with resources.as_file(fonts.joinpath(name)) as path:
            pdf.add_font(FONT, style, str(path))
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(True, MARGIN_BOTTOM)
    pdf.set_creator("Tidings")
    pdf.set_creation_date(datetime(2000, 1, 1))  # the same content gives the same bytes
    return pdf


def _contact_and_date(pdf: Any, content: LetterContent) -> None:
    pdf.set_font(FONT, "", SMALL_SIZE)
    pdf.set_xy(CONTACT_BLOCK.x, CONTACT_BLOCK.y)
    for line in (content.contact_block or "").splitlines():
        pdf.set_x(CONTACT_BLOCK.x)
        pdf.cell(CONTACT_BLOCK.width, 4.5, line.strip(), new_x="LEFT", new_y="NEXT")
    pdf.ln(3)
    pdf.set_x(CONTACT_BLOCK.x)
    pdf.cell(CONTACT_BLOCK.width, 4.5, f"{content.date.day} {content.date:%B %Y}")


def _address(pdf: Any, lines: tuple[str, ...]) -> None:
    pdf.set_font(FONT, "", ADDRESS_FONT_SIZE)
    left, top = ADDRESS_INSET
    width = ADDRESS_WINDOW.width - 2 * left
    for index, line in enumerate(lines):
        pdf.set_xy(ADDRESS_WINDOW.x + left, ADDRESS_WINDOW.y + top + index * ADDRESS_LINE_HEIGHT)
        pdf.cell(width, ADDRESS_LINE_HEIGHT, _fit(pdf, line, width))


def _fit(pdf: Any, text: str, width: float) -> str:
    """The line, or its longest start that fits the window with … after it: nothing may print outside it.

    A binary search over the cut (a prefix is never wider than the whole), so a line of any length costs a few
    measurements: trimming a character at a time was quadratic and stalled dispatch on a 30,000-character line."""
    room = width - 1
    if pdf.get_string_width(text) <= room:
        return text
    fits, overflows = 0, len(text)  # text[:fits] + "…" fits (an empty start is assumed to); text[:overflows] does not
    while overflows - fits > 1:
        cut = (fits + overflows) // 2
        if pdf.get_string_width(text[:cut] + "…") <= room:
            fits = cut
        else:
            overflows = cut
    return text[:fits] + "…"


def _body(pdf: Any, body: str) -> None:
    width = A4_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    for block in paragraphs(body):
        if (data := qr_code_data(block)) is not None:
            _qr_code(pdf, data)
            continue
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if lines == ["***"]:
            pdf.add_page()
            continue
        if lines == ["---"]:
            y = pdf.get_y() + 1
            pdf.line(MARGIN_LEFT, y, A4_WIDTH - MARGIN_RIGHT, y)
            pdf.ln(4)
            continue
        if lines[0].startswith("#"):
            pdf.set_font(FONT, "B", HEADING_SIZE)
            pdf.multi_cell(width, 6, lines[0].lstrip("#").strip(), new_x="LMARGIN", new_y="NEXT")
            lines = lines[1:]
        pdf.set_font(FONT, "", BODY_SIZE)
        for line in lines:
            _body_line(pdf, line, width)
        pdf.ln(LINE / 2)


def _qr_code(pdf: Any, data: str) -> None:
    """The data as a QR code QR_SIZE wide at the left margin (medium error correction, as Notify prints them),
    on the next page when this one has no room; its modules drawn as filled runs, one rectangle per run."""
    import segno  # noqa: PLC0415 (lazy: only the dispatch path renders)

    matrix = [list(row) for row in segno.make(data, error="m", micro=False).matrix_iter(scale=1, border=0)]
    module = QR_SIZE / len(matrix)
    if pdf.get_y() + QR_SIZE > pdf.h - MARGIN_BOTTOM:
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_fill_color(0)
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            pdf.rect(MARGIN_LEFT + start * module, top + y * module, (x - start) * module, module, style="F")
    pdf.set_y(top + QR_SIZE + LINE / 2)


def _body_line(pdf: Any, line: str, width: float) -> None:
    bullet, numbered = BULLET.match(line), NUMBERED.match(line)
    if bullet or numbered:
        marker, text = ("•", bullet.group(1)) if bullet else (f"{numbered.group(1)}.", numbered.group(2))  # type: ignore[union-attr]
        pdf.cell(8, LINE, marker)
        pdf.multi_cell(width - 8, LINE, text.strip(), new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.multi_cell(width, LINE, line.strip(), new_x="LMARGIN", new_y="NEXT")
