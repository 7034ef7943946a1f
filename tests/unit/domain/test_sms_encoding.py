"""GSM sanitising and fragment counting."""

from __future__ import annotations

import pytest

from tidings.domain.templates.sms_encoding import fragment_count, sanitise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("emoji 😀 and “quotes” – dash", 'emoji ? and "quotes" - dash'),
        ("café ç", "café c"),  # é is GSM; ç is not, so it loses its cedilla
        ("Ŵŷ â", "Ŵŷ â"),  # Welsh letters are kept
        ("zero\u200bwidth", "zerowidth"),
        ("wait…", "wait..."),
        ("€{}[]~|^\\", "€{}[]~|^\\"),
        ("漢字", "??"),
    ],
)
def test_sanitise(text: str, expected: str) -> None:
    assert sanitise(text) == expected


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # extended characters count twice: 160
        ("€" * 81, 2),
        ("ŵ" * 70, 1),  # a Welsh non-GSM letter switches to the unicode rule
        ("ŵ" * 71, 2),
        ("ŵ" + "a" * 133, 2),
        ("ŵ" + "a" * 134, 3),
    ],
)
def test_fragment_count(text: str, fragments: int) -> None:
    assert fragment_count(text) == fragments
