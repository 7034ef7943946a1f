"""What fits in one answer of an HTTP function (the arithmetic is domain/answer_limit.py's): pages cut to fit,
and long answers sent as their UTF-8 bytes, gzipped when even those are too long and the caller takes gzip."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Sequence
from typing import Any

from tidings.domain.answer_limit import BODY_BYTES, answer_bytes, base64_bytes, json_answer_bytes, shown_bytes
from tidings.domain.errors import BadRequest

GZIP_LEVEL = 6


def how_many_fit(items: Sequence[Any], room: int = BODY_BYTES - 64 * 1024) -> int:
    """How many of the first items (at least one, if any) one answer can list, leaving `room` for what is
    around the list (a page's links)."""
    for count, item in enumerate(items):
        room -= json_answer_bytes(item) + 1  # and its comma
        if room < 0:
            return max(count, 1)
    return len(items)


def fitted(answer: dict[str, Any], accept_encoding: str = "") -> dict[str, Any]:
    """The answer, or, when its body is too long as escaped text, the same body as UTF-8 bytes (base64, which
    API Gateway decodes before the client sees it): a third longer than the bytes, never seven times. When those
    are still too long (GET /v2/templates, which Notify does not page, can list megabytes) and the request's
    `accept_encoding` takes gzip, as the official clients' does, they go gzipped."""
    body = answer.get("body")
    if answer.get("isBase64Encoded") or not isinstance(body, str) or answer_bytes(body) <= BODY_BYTES:
        return answer
    headers = {k.lower(): str(v) for k, v in (answer.get("headers") or {}).items()}
    if headers.get("content-type", "").startswith("application/json"):
        raw = json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":")).encode()
    else:
        raw = body.encode()
    extra: dict[str, str] = {}
    if base64_bytes(len(raw)) > BODY_BYTES and takes_gzip(accept_encoding):
        raw, extra = (
            gzip.compress(raw, compresslevel=GZIP_LEVEL),
            {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"},
        )
    encoded = base64.b64encode(raw).decode("ascii")
    return {**answer, "headers": {**(answer.get("headers") or {}), **extra}, "body": encoded, "isBase64Encoded": True}


def takes_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header (RFC 9110 §12.5.3) takes gzip: named, or `*`, with a weight above 0."""
    weights: dict[str, float] = {}
    for part in accept_encoding.lower().split(","):
        coding, *params = (piece.strip() for piece in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding:
            weights[coding] = weight
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


def sent_bytes(value: Any, accept_encoding: str) -> int:
    """What a route's `value` costs in the answer `fitted` makes of it for a caller whose Accept-Encoding is
    `accept_encoding`: escaped text, else base64 of its UTF-8 bytes, else, when the caller takes gzip, base64 of
    those bytes gzipped (compressed here to know: only answers of megabytes get that far)."""
    escaped = json_answer_bytes(value)
    if escaped <= BODY_BYTES:
        return escaped
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    if base64_bytes(len(raw)) <= BODY_BYTES or not takes_gzip(accept_encoding):
        return base64_bytes(len(raw))
    return base64_bytes(len(gzip.compress(raw, compresslevel=GZIP_LEVEL)))


def check_showable(answer: Any, what: str) -> None:
    """A 400 for an answer no Lambda answer can carry (API Gateway would answer 500)."""
    shown = shown_bytes(answer)
    if shown > BODY_BYTES:
        raise BadRequest(
            f"Your message is too long to {what}. It must be {BODY_BYTES} bytes or fewer as JSON. "
            f"It is {shown} bytes as JSON."
        )
