"""What fits in one answer of an HTTP function.

Lambda refuses a synchronous answer longer than 6,291,556 bytes of JSON, and API Gateway then answers 500. The
Python 3.11 runtime writes that JSON ASCII-escaped, with the answer's body (the resolver's JSON, ASCII too) as
a string inside it: a body costs its length plus one byte for each quote and backslash in it, so text outside
ASCII costs up to seven bytes a character (`\\u00e9` with its backslash escaped). A long email shown as JSON can
pass the limit that way while its UTF-8 bytes are well under it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

LAMBDA_ANSWER_BYTES = 6_291_556
ENVELOPE_BYTES = 16 * 1024  # the status, headers and keys around the body, generously


def answer_bytes(text: str) -> int:
    """The bytes an ASCII text (such as the resolver's JSON) adds to the Lambda answer that carries it."""
    return len(text) + text.count('"') + text.count("\\")


def json_answer_bytes(value: Any) -> int:
    """The bytes `value` adds to an answer once the resolver has written it as JSON, as Powertools does."""
    return answer_bytes(json.dumps(value, separators=(",", ":")))


BODY_BYTES = LAMBDA_ANSWER_BYTES - ENVELOPE_BYTES  # what a body may cost, as answer_bytes counts


def how_many_fit(items: Sequence[Any], room: int = BODY_BYTES - 64 * 1024) -> int:
    """How many of the first items (at least one, if any) one answer can list, leaving `room` for what is
    around the list (a page's links)."""
    for count, item in enumerate(items):
        room -= json_answer_bytes(item) + 1  # and its comma
        if room < 0:
            return max(count, 1)
    return len(items)


def fitted(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer, or, when its body is too long as escaped text, the same body as UTF-8 bytes (base64, which
    API Gateway decodes before the client sees it): a third longer than the bytes, never seven times."""
    body = answer.get("body")
    if answer.get("isBase64Encoded") or not isinstance(body, str) or answer_bytes(body) <= BODY_BYTES:
        return answer
    headers = {k.lower(): str(v) for k, v in (answer.get("headers") or {}).items()}
    if headers.get("content-type", "").startswith("application/json"):
        raw = json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":")).encode()
    else:
        raw = body.encode()
    return {**answer, "body": base64.b64encode(raw).decode("ascii"), "isBase64Encoded": True}
