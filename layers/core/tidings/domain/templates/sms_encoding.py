"""GSM 03.38 sanitising and fragment counting for SMS bodies, as Notify does it."""

from __future__ import annotations

import math
import unicodedata

SMS_MAX_CHARACTERS = 918  # Notify's limit on a text message (6 parts of 153 GSM characters)
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = frozenset("^{}\\[~]|€")
# Welsh letters are kept even though some are outside GSM; any of those switches to the unicode rule.
WELSH = frozenset("àáâäèéêëìíîïòóôöùúûüẁẃŵẅỳýŷÿÀÁÂÄÈÉÊËÌÍÎÏÒÓÔÖÙÚÛÜẀẂŴẄỲÝŶŸ")
REPLACEMENTS = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
    "…": "...", "\t": " ", "\u00a0": " ",
}  # fmt: skip
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
GSM_SINGLE_LIMIT, GSM_PART = 160, 153
UNICODE_SINGLE_LIMIT, UNICODE_PART = 70, 67


def sanitise(text: str) -> str:
    return "".join(_sanitise_char(char) for char in text)


def _sanitise_char(char: str) -> str:
    if char in GSM_BASIC or char in GSM_EXTENDED or char in WELSH:
        return char
    if char in ZERO_WIDTH:
        return ""
    if char in REPLACEMENTS:
        return REPLACEMENTS[char]
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if base and all(c in GSM_BASIC for c in base):
        return base
    return "" if unicodedata.combining(char) else "?"


def fragment_count(text: str) -> int:
    """Fragments for `text`: GSM-7 when every character is GSM, else UCS-2 (counted in UTF-16 units)."""
    if any(char not in GSM_BASIC and char not in GSM_EXTENDED for char in text):
        length = len(text.encode("utf-16-le")) // 2
        return 1 if length <= UNICODE_SINGLE_LIMIT else math.ceil(length / UNICODE_PART)
    length = len(text) + sum(1 for char in text if char in GSM_EXTENDED)
    return 1 if length <= GSM_SINGLE_LIMIT else math.ceil(length / GSM_PART)
