"""QR codes in letters: which paragraphs are one, Notify's limit on their data, and how they are drawn."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
import segno
from pypdf import PdfReader

from tidings.domain.errors import ValidationFailed
from tidings.domain.letters.qr_codes import QR_CODE_MAX_BYTES, check_qr_codes, qr_code_data
from tidings.domain.letters.render_pdf import LetterContent, render_letter

LINK = "https://www.example.gov.uk/renew?ref=ABC123"


@pytest.mark.parametrize(
    ("paragraph", "data"),
    [
        (f"qr: {LINK}", LINK),
        (f"  QR :{LINK}", LINK),  # any case, spaces around the colon
        ("qr:", None),  # nothing to encode
        (f"Scan this qr: {LINK}", None),  # not the whole paragraph
        (f"qr: {LINK}\nand more", None),  # one line only
    ],
)
def test_a_qr_code_is_a_paragraph_of_its_own(paragraph: str, data: str | None) -> None:
    assert qr_code_data(paragraph) == data


def test_data_past_notifys_limit_is_a_validation_error_naming_it() -> None:
    fits = "https://x.gov.uk/" + "a" * (QR_CODE_MAX_BYTES - 17)
    check_qr_codes(f"Dear Jo\n\nqr: {fits}\n\nThanks")
    too_long = fits + "é"  # two bytes more
    with pytest.raises(ValidationFailed) as refused:
        check_qr_codes(f"Dear Jo\n\nqr: {too_long}\n\nThanks")
    assert refused.value.messages == ["Cannot create a usable QR code - the link is too long"]
    assert refused.value.details == {"data": too_long, "num_bytes": QR_CODE_MAX_BYTES + 2, "max_bytes": 504}


def test_a_qr_code_is_drawn_module_for_module_and_its_text_is_not_printed() -> None:
    body = f"Renew online.\n\nqr: {LINK}\n\nThank you."
    address = ("A Person", "1 High St", "SW1A 1AA")
    letter = render_letter(LetterContent(address, "Renewal", body, None, datetime(2026, 12, 4, tzinfo=UTC)))
    page = PdfReader(io.BytesIO(letter.pdf)).pages[0]
    matrix = segno.make(LINK, error="m", micro=False).matrix_iter(scale=1, border=0)
    runs = sum(len(re.findall(r"1+", "".join("1" if dark else "0" for dark in row))) for row in matrix)
    drawn = page.get_contents().get_data().count(b" re f")  # type: ignore[union-attr]
    assert drawn == runs > 0  # one filled rectangle per run of dark modules
    text = page.extract_text()
    assert "Renew online." in text and "Thank you." in text and LINK not in text
