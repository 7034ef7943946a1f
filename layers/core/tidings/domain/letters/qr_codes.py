"""QR codes in letters (spec §5.5 step 4): a paragraph of one line `qr: <data>` prints as a QR code of the data.

Notify refuses data longer than it finds printed codes still scan well at (medium error correction), so the
check is made when a letter is accepted; the drawing is render_pdf's, in the dispatch.
"""

from __future__ import annotations

import re

from tidings.domain.errors import ValidationFailed

QR_CODE_MAX_BYTES = 504
QR_PARAGRAPH = re.compile(r"\s*qr\s*:\s*(.+)", re.IGNORECASE)  # the whole paragraph, on one line
TOO_LONG = "Cannot create a usable QR code - the link is too long"


def qr_code_data(paragraph: str) -> str | None:
    """The data a paragraph (a block of `paragraphs`) asks to print as a QR code, if it is one: its only line."""
    lines = [line for line in paragraph.split("\n") if line.strip()]
    found = QR_PARAGRAPH.fullmatch(lines[0]) if len(lines) == 1 else None
    return found[1] if found else None


def paragraphs(body: str) -> list[str]:
    """A letter body's paragraphs (blocks between blank lines), as the renderer lays them out."""
    return re.split(r"\n\s*\n", body.replace("\r\n", "\n"))


def check_qr_codes(body: str) -> None:
    """Refuse a letter with a QR code whose data passes QR_CODE_MAX_BYTES (ValidationError naming them)."""
    for paragraph in paragraphs(body):
        data = qr_code_data(paragraph)
        if data is not None and (size := len(data.encode())) > QR_CODE_MAX_BYTES:
            details: dict[str, object] = {"data": data, "num_bytes": size, "max_bytes": QR_CODE_MAX_BYTES}
            raise ValidationFailed([TOO_LONG], details=details)
