"""Checking a letter PDF the client made itself (spec §3.4): it must parse, every page must be A4, it may take
at most 10 sheets, and the address window on page 1 must hold a readable address.

pypdf (pure Python) is imported on the first check, so only the dispatch function ever loads it.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING, Any

from tidings.domain.answer_limit import BODY_BYTES
from tidings.domain.errors import BadRequest
from tidings.domain.letters.address import MIN_LINES
from tidings.domain.letters.layout import (
    A4_HEIGHT,
    A4_TOLERANCE,
    A4_WIDTH,
    ADDRESS_WINDOW,
    MM_PER_POINT,
    Rect,
    from_pdf_points,
)
from tidings.domain.letters.postage import MAX_SHEETS, sheets_for

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

NOT_BASE64 = "Cannot decode letter content (invalid base64 encoding)"
PDF_MAX_BYTES = BODY_BYTES // 4 * 3  # the most whose base64 one answer carries
TOO_LARGE = f"Letter content is too large: a PDF can be at most {PDF_MAX_BYTES:,} bytes"
NOT_A_PDF = "The file is not a PDF that can be read"
NOT_A4 = "Every page must be A4 (210 mm × 297 mm, portrait)"
TOO_LONG = f"Letters must be {MAX_SHEETS} sheets of paper or fewer"
NO_ADDRESS = "The address block is empty or cannot be read"


@dataclass(frozen=True)
class Checked:
    """A PDF that passed (`problem` None) with its pages and address, or why it failed."""

    problem: str | None
    pages: int = 0
    address: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlacedText:
    text: str
    x: float  # mm from the left edge
    y: float  # mm from the top edge (the baseline)


def decode_content(content: str) -> bytes:
    try:
        pdf = base64.b64decode("".join(content.split()), validate=True)  # wrapped lines too, as Notify reads them
    except (binascii.Error, ValueError) as error:
        raise BadRequest(NOT_BASE64) from error
    if len(pdf) > PDF_MAX_BYTES:  # GET …/pdf could never answer with it (API Gateway's 500)
        raise BadRequest(TOO_LARGE)
    return pdf


def _reader(pdf: bytes) -> PdfReader:
    from pypdf import PdfReader  # noqa: PLC0415 (lazy: only the dispatch path checks PDFs)

    # pypdf's warnings and errors about a damaged file quote its raw bytes, which may hold the address or the
    # letter's text: never let them reach the logs (what the check finds is the answer, not a log line).
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    return PdfReader(BytesIO(pdf), strict=False)


def check_pdf(pdf: bytes) -> Checked:
    from pypdf.errors import PyPdfError  # noqa: PLC0415 (lazy, as _reader's import)

    try:
        reader = _reader(pdf)
        pages = list(reader.pages)
        sizes = [(float(p.mediabox.width) * MM_PER_POINT, float(p.mediabox.height) * MM_PER_POINT) for p in pages]
        first = _page_text(pages[0]) if pages else []  # from the same parse: a long PDF is read once
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, OSError, RecursionError):
        return Checked(NOT_A_PDF)  # RecursionError: a crafted stream nesting thousands of arrays
    if not pages:
        return Checked(NOT_A_PDF)
    if any(abs(w - A4_WIDTH) > A4_TOLERANCE or abs(h - A4_HEIGHT) > A4_TOLERANCE for w, h in sizes):
        return Checked(NOT_A4, len(pages))
    if sheets_for(len(pages)) > MAX_SHEETS:
        return Checked(TOO_LONG, len(pages))
    address = lines_in(first, ADDRESS_WINDOW)
    if len(address) < MIN_LINES:
        return Checked(NO_ADDRESS, len(pages))
    return Checked(None, len(pages), address)


def placed_text(pdf: bytes, page_index: int) -> list[PlacedText]:
    """Every piece of text on a page with where it starts (pypdf's text visitor)."""
    return _page_text(_reader(pdf).pages[page_index])


def _page_text(page: PageObject) -> list[PlacedText]:
    found: list[PlacedText] = []

    def visit(text: str, cm: Any, tm: Any, *_: Any) -> None:
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        found.append(PlacedText(text.strip(), *from_pdf_points(x, y)))

    page.extract_text(visitor_text=visit)
    return found


def lines_in(texts: list[PlacedText], area: Rect) -> tuple[str, ...]:
    """The text inside `area`, top to bottom, one entry per baseline."""
    rows: dict[float, list[PlacedText]] = {}
    for text in texts:
        if area.contains(text.x, text.y):
            rows.setdefault(round(text.y, 1), []).append(text)
    return tuple(" ".join(t.text for t in sorted(row, key=lambda t: t.x)) for _, row in sorted(rows.items()))
