"""Answers that fit Lambda's 6 MB: escaped text's true cost, long answers sent as UTF-8, pages cut to fit."""

from __future__ import annotations

import base64
import json

from tidings.api.answer_size import fitted, how_many_fit
from tidings.domain.answer_limit import BODY_BYTES, LAMBDA_ANSWER_BYTES, answer_bytes


def test_an_answer_costs_what_the_runtime_writes() -> None:
    body = json.dumps({"body": 'Gŵyl "x" \\'}, separators=(",", ":"))  # ASCII, with \u0175 inside
    answer = {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": body}
    written = json.dumps(answer)  # as the Python 3.11 runtime writes it
    envelope = json.dumps({**answer, "body": ""})
    assert answer_bytes(body) == len(written) - len(envelope)


def test_a_short_answer_is_left_alone() -> None:
    answer = {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": '{"a":"é"}'}
    assert fitted(answer) is answer


def test_a_long_json_answer_goes_as_its_utf8_bytes() -> None:
    text = "Gŵyl “Ŷd” – €5 " * 130_000  # 3.25 MB as UTF-8; 6.6 MB as escaped JSON in the answer
    body = json.dumps({"body": text}, separators=(",", ":"))
    answer = {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": body}
    assert answer_bytes(body) > LAMBDA_ANSWER_BYTES
    sent = fitted(answer)
    assert sent["isBase64Encoded"] is True and sent["statusCode"] == 200
    assert len(json.dumps(sent)) < LAMBDA_ANSWER_BYTES
    assert json.loads(base64.b64decode(sent["body"])) == {"body": text}  # what the client reads


def test_a_long_text_answer_goes_as_its_utf8_bytes() -> None:
    page = "<p>é</p>" * 1_000_000
    sent = fitted({"statusCode": 200, "headers": {"Content-Type": "text/html"}, "body": page})
    assert base64.b64decode(sent["body"]).decode() == page


def test_a_page_holds_what_fits_and_always_one() -> None:
    item = {"body": "x" * 1_000_000}
    each = len('{"body":""}') + 4 + 1_000_000 + 1  # its JSON, a byte for each of its quotes, its comma
    assert how_many_fit([item] * 8) == (BODY_BYTES - 64 * 1024) // each == 6
    assert how_many_fit([{"body": "x" * 7_000_000}, item]) == 1  # the first, even alone too long
    assert how_many_fit([]) == 0
    assert how_many_fit([{"id": "a"}] * 250) == 250
