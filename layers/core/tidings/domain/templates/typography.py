"""Text clean-up: SMS whitespace rules and the "nice typography" Notify gives email subjects."""

from __future__ import annotations

import re

_SPACE_BEFORE_PUNCTUATION = re.compile(r"[ \t]+(?=[,.:;!?])")
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_OPENS_QUOTE = " \t\n([{"


def tidy_sms(text: str) -> str:
    text = _SPACE_BEFORE_PUNCTUATION.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [_HORIZONTAL_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return _MANY_NEWLINES.sub("\n\n", "\n".join(lines)).strip()


def nice_subject(text: str) -> str:
    text = " ".join(text.split()).replace(" - ", " – ")
    return "".join(_smart_quote(text, index) for index in range(len(text)))


def _smart_quote(text: str, index: int) -> str:
    char = text[index]
    opening = index == 0 or text[index - 1] in _OPENS_QUOTE
    if char == '"':
        return "“" if opening else "”"
    if char == "'":
        return "‘" if opening else "’"
    return char
