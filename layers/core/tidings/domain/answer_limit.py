"""What one answer of an HTTP function can carry: content that could never be shown is refused when sent.

Lambda refuses a synchronous answer longer than 6,291,556 bytes of JSON, and API Gateway then answers 500. The
Python 3.11 runtime writes that JSON ASCII-escaped, with the answer's body (the resolver's JSON, ASCII too) as
a string inside it: a body costs its length plus one byte for each quote and backslash in it, so text outside
ASCII costs up to seven bytes a character (`\\u00e9` with its backslash escaped). A body too long that way goes
as base64 of its UTF-8 JSON instead (api/answer_size.py), which costs four bytes for every three.
"""

from __future__ import annotations

import json
from typing import Any

LAMBDA_ANSWER_BYTES = 6_291_556
ENVELOPE_BYTES = 16 * 1024  # the status, headers and keys around the body, generously
BODY_BYTES = LAMBDA_ANSWER_BYTES - ENVELOPE_BYTES  # what a body may cost, as answer_bytes counts
# Room in one answer for a notification's content (body and subject): the rest of it (addresses, reference,
# links, a page's links around one item) is small and bounded.
CONTENT_BYTES = BODY_BYTES - 128 * 1024


def answer_bytes(text: str) -> int:
    """The bytes an ASCII text (such as the resolver's JSON) adds to the Lambda answer that carries it."""
    return len(text) + text.count('"') + text.count("\\")


def json_answer_bytes(value: Any) -> int:
    """The bytes `value` adds to an answer once the resolver has written it as JSON, as Powertools does."""
    return answer_bytes(json.dumps(value, separators=(",", ":")))


def base64_json_bytes(value: Any) -> int:
    """The bytes `value` adds to an answer sent as base64 of its UTF-8 JSON (control characters stay escaped)."""
    return base64_bytes(len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()))


def base64_bytes(size: int) -> int:
    """The length of `size` bytes in base64."""
    return 4 * -(-size // 3)


def shown_bytes(value: Any) -> int:
    """What `value` costs in the cheaper of the two ways an answer can carry it."""
    escaped = json_answer_bytes(value)
    return escaped if escaped <= BODY_BYTES else min(escaped, base64_json_bytes(value))
