"""Writes docs/letter-example.png: a letter rendered by Tidings, as `pdftoppm` rasterises it, with the
envelope window's outline drawn on top (red) to show the address sits inside it.

Needs `pdftoppm` (Debian: poppler-utils). Run it again after a layout change and review the picture:
`python tools/make_letter_example.py`.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers/core"))

from tidings.domain.letters.layout import ADDRESS_WINDOW  # noqa: E402
from tidings.domain.letters.render_pdf import LetterContent, render_letter  # noqa: E402

DPI = 100
OUT = ROOT / "docs/letter-example.png"
EXAMPLE = LetterContent(
    address=("Ms Amala Example", "Flat 2", "10 High Street", "Little Whinging", "SW1A 1AA"),
    heading="Your appointment on 2 December",
    body=(
        "Dear Amala\n\n"
        "Your appointment at the Pigeon Affairs Bureau is confirmed.\n\n"
        "# What to bring\n\n"
        "* this letter\n* a form of ID\n* your pigeon’s registration number\n\n"
        "1. Arrive 10 minutes early\n2. Report to the front desk\n\n"
        "If you cannot come, call us on 0300 123 4567.\n\n"
        "Yours sincerely\n\nThe Pigeon Affairs Bureau"
    ),
    contact_block="Pigeon Affairs Bureau\n10 Pigeon Lane\nLondon\nSW1A 2AA\n0300 123 4567",
    date=datetime(2026, 11, 23, tzinfo=UTC),
)


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        pdf = Path(work) / "letter.pdf"
        pdf.write_bytes(render_letter(EXAMPLE).pdf)
        subprocess.run(  # noqa: S603
            ["pdftoppm", "-png", "-r", str(DPI), "-singlefile", str(pdf), str(Path(work) / "page")],  # noqa: S607
            check=True,
        )
        image = Image.open(Path(work) / "page.png").convert("RGB")
    px = DPI / 25.4
    box = (
        ADDRESS_WINDOW.x * px,
        ADDRESS_WINDOW.y * px,
        (ADDRESS_WINDOW.x + ADDRESS_WINDOW.width) * px,
        (ADDRESS_WINDOW.y + ADDRESS_WINDOW.height) * px,
    )
    ImageDraw.Draw(image).rectangle(box, outline=(220, 0, 0), width=2)
    image.save(OUT, optimize=True)


if __name__ == "__main__":
    main()
