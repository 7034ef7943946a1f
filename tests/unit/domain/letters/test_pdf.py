"""Rendering and checking letter PDFs: the address stays in the envelope window, sheets are counted, and
precompiled PDFs are refused when they are not PDFs, not A4, too long or have no address."""

from __future__ import annotations

import base64
import logging
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fpdf import FPDF

import tidings
from tidings.domain.answer_limit import BODY_BYTES, base64_bytes
from tidings.domain.errors import BadRequest
from tidings.domain.letters.layout import ADDRESS_FONT_SIZE, ADDRESS_INSET, ADDRESS_WINDOW, CONTACT_BLOCK, MM_PER_POINT
from tidings.domain.letters.precompiled import (
    NO_ADDRESS,
    NOT_A4,
    NOT_A_PDF,
    PDF_MAX_BYTES,
    TOO_LONG,
    check_pdf,
    decode_content,
    lines_in,
    placed_text,
)
from tidings.domain.letters.render_pdf import LetterContent, render_letter

DATE = datetime(2026, 11, 23, tzinfo=UTC)
FONT_FILE = Path(tidings.__file__).parent / "data" / "fonts" / "LiberationSans-Regular.ttf"
ADDRESS = ("Ms Amala Example", "Flat 2", "10 Pigeon Lane", "Little Whinging", "Surrey", "Near London", "SW1A 1AA")


def content(body: str = "Dear Amala\n\nThank you.", address: tuple[str, ...] = ADDRESS) -> LetterContent:
    return LetterContent(address, "Your appointment", body, "Pigeon Affairs Bureau\n1 Loft Road", DATE)


def test_every_address_line_lies_inside_the_envelope_window() -> None:
    pdf = render_letter(content()).pdf
    texts = placed_text(pdf, 0)
    address = [t for t in texts if t.text in ADDRESS]
    assert [t.text for t in address] == list(ADDRESS)  # all seven, in order
    size = ADDRESS_FONT_SIZE * MM_PER_POINT  # the glyphs' height: capitals above the baseline, descenders below
    for text in address:
        assert ADDRESS_WINDOW.contains(text.x, text.y), text
        assert ADDRESS_WINDOW.contains(text.x, text.y - 0.8 * size), text  # its top
        assert ADDRESS_WINDOW.contains(text.x, text.y + 0.25 * size), text  # its descenders
    assert lines_in(texts, ADDRESS_WINDOW) == ADDRESS  # and nothing else is in the window
    outside = [t for t in texts if t.text not in ADDRESS]
    assert not any(ADDRESS_WINDOW.contains(t.x, t.y) for t in outside)


def test_the_contact_block_date_heading_and_body_are_printed() -> None:
    texts = placed_text(render_letter(content()).pdf, 0)
    by_text = {t.text: t for t in texts}
    assert CONTACT_BLOCK.contains(by_text["Pigeon Affairs Bureau"].x, by_text["Pigeon Affairs Bureau"].y)
    assert "23 November 2026" in by_text
    assert by_text["Your appointment"].y < by_text["Dear Amala"].y < by_text["Thank you."].y
    assert by_text["Your appointment"].y > ADDRESS_WINDOW.y + ADDRESS_WINDOW.height  # below the window


def test_a_long_address_line_is_shortened_to_stay_in_the_window() -> None:
    long = ("A" * 200, "1 High St", "SW1A 1AA")
    texts = placed_text(render_letter(content(address=long)).pdf, 0)
    first = next(t for t in texts if t.text.startswith("AAA"))
    assert first.text.endswith("…") and len(first.text) < 200


def test_a_line_of_any_length_is_cut_in_a_few_measurements(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 30,000-character line once held dispatch (for every service) for minutes, measured a character at a time."""
    measured: list[str] = []
    width_of = FPDF.get_string_width

    def counting(pdf: FPDF, text: str, *args: object, **kwargs: object) -> float:
        measured.append(text)
        return width_of(pdf, text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(FPDF, "get_string_width", counting)
    line = "Wide Street " * 2500
    rendered = render_letter(content(address=(line, "1 High St", "SW1A 1AA")))
    assert len([text for text in measured if text.startswith("Wide Street")]) <= 20  # log2(30,000) + 2
    printed = next(t.text for t in placed_text(rendered.pdf, 0) if t.text.startswith("Wide"))
    assert printed.endswith("…") and line.startswith(printed[:-1])
    pdf = FPDF(format="A4", unit="mm")  # the longest start that fits: one more character would not
    pdf.add_font("LiberationSans", "", str(FONT_FILE))
    pdf.set_font("LiberationSans", "", ADDRESS_FONT_SIZE)
    room = ADDRESS_WINDOW.width - 2 * ADDRESS_INSET[0] - 1
    assert width_of(pdf, printed) <= room < width_of(pdf, line[: len(printed)] + "…")


def test_markdown_subset_lists_headings_and_page_breaks() -> None:
    body = "Intro\n\n# A heading\n\n* one\n* two\n\n1. first\n2. second\n\n***\n\nOn page two"
    rendered = render_letter(content(body))
    assert rendered.pages == 2
    first = [t.text for t in placed_text(rendered.pdf, 0)]
    assert {"A heading", "one", "two", "first", "second", "•", "1.", "2."} <= set(first)
    assert "On page two" in [t.text for t in placed_text(rendered.pdf, 1)]


def test_unicode_from_typography_renders() -> None:
    texts = placed_text(render_letter(content("“Quoted” – Welsh ŵ and £5")).pdf, 0)
    assert "“Quoted” – Welsh ŵ and £5" in [t.text for t in texts]


def test_a_rendered_letter_passes_the_precompiled_checks() -> None:
    checked = check_pdf(render_letter(content()).pdf)
    assert (checked.problem, checked.pages, checked.address) == (None, 1, ADDRESS)


def test_sheets_follow_the_pages() -> None:
    rendered = render_letter(content("\n\n***\n\n".join(["Page"] * 5)))
    assert rendered.pages == 5
    assert check_pdf(rendered.pdf).pages == 5


def blank_pdf(pages: int, size: str | tuple[float, float] = "A4") -> bytes:
    pdf = FPDF(format=size, unit="mm")
    for _ in range(pages):
        pdf.add_page()
    return bytes(pdf.output())


def test_precompiled_pdfs_that_are_refused() -> None:
    assert check_pdf(b"%PDF-1.4 garbage").problem == NOT_A_PDF
    assert check_pdf(b"").problem == NOT_A_PDF
    assert check_pdf(blank_pdf(1, (148.0, 210.0))).problem == NOT_A4
    assert check_pdf(blank_pdf(1, "Letter")).problem == NOT_A4
    assert check_pdf(blank_pdf(21)).problem == TOO_LONG  # 11 sheets
    assert check_pdf(blank_pdf(20)).problem == NO_ADDRESS  # 10 sheets are fine, but the window is empty
    two_lines = render_letter(content(address=("A Person", "SW1A 1AA"))).pdf
    assert check_pdf(two_lines).problem == NO_ADDRESS


ADDRESS_TEXT = b"BT /F1 10 Tf 72 700 Td (Jo Bloggs) Tj 0 -12 Td (1 High St) Tj 0 -12 Td (SW1A 1AA) Tj ET"


def one_page_pdf(content: bytes) -> bytes:
    """A hand-written A4 PDF of one page drawing `content` (a content stream) in Helvetica."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /Font << /F1 4 0 R >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        page + b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref, size = len(out), len(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def test_a_content_stream_nesting_thousands_of_arrays_is_refused_not_a_crash() -> None:
    assert check_pdf(one_page_pdf(ADDRESS_TEXT)).address == ("Jo Bloggs", "1 High St", "SW1A 1AA")  # the shape reads
    assert check_pdf(one_page_pdf(b"[" * 5000 + b"]" * 5000 + b" pop " + ADDRESS_TEXT)).problem == NOT_A_PDF


def test_content_must_be_base64() -> None:
    assert decode_content("JVBERi0=") == b"%PDF-"
    wrapped = base64.encodebytes(b"%PDF-1.4\n" + b"0" * 100).decode()  # MIME's 76-character lines, as openssl's
    assert "\n" in wrapped.strip() and decode_content(wrapped) == b"%PDF-1.4\n" + b"0" * 100
    for bad in ("not base64!", "JVBERi0", "%%%%"):
        with pytest.raises(BadRequest) as caught:
            decode_content(bad)
        assert caught.value.message == "Cannot decode letter content (invalid base64 encoding)"


def test_a_pdf_its_download_could_never_carry_is_refused() -> None:
    # GET /v2/notifications/{id}/pdf answers with the PDF in base64, within Lambda's 6 MB answer.
    largest = base64.b64encode(b"%PDF-" + b"0" * (PDF_MAX_BYTES - 5)).decode()
    assert len(decode_content(largest)) == PDF_MAX_BYTES
    with pytest.raises(BadRequest) as caught:
        decode_content(base64.b64encode(b"%PDF-" + b"0" * (PDF_MAX_BYTES - 2)).decode())
    assert caught.value.message == f"Letter content is too large: a PDF can be at most {PDF_MAX_BYTES:,} bytes"
    assert base64_bytes(PDF_MAX_BYTES) <= BODY_BYTES < base64_bytes(PDF_MAX_BYTES + 1)


def test_rendering_logs_nothing_of_the_letter(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        rendered = render_letter(content("Amala 😀 中文", address=("Amala 中文", "1 High St", "SW1A 1AA")))
    assert rendered.pages == 1
    assert not [r for r in caplog.records if "中" in r.getMessage() or "😀" in r.getMessage()]
    assert not [r for r in caplog.records if r.name.startswith(("fpdf", "fontTools"))]  # nor a dozen INFO lines


def test_a_damaged_pdf_logs_nothing_of_its_bytes(caplog: pytest.LogCaptureFixture) -> None:
    # pypdf quotes the bytes around what it could not parse; here that is the address, printed uncompressed.
    pdf = render_letter(content()).pdf
    damaged = re.sub(rb"startxref\s+\d+", b"startxref\n999", pdf).replace(b"/Font", b"/Font /Font", 1)
    with caplog.at_level(logging.DEBUG):
        checked = check_pdf(damaged)
    assert checked.address == ADDRESS  # pypdf recovered the file, so the letter still goes
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
