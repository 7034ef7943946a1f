"""Answers that fit Lambda's 6 MB: escaped text's true cost, long answers sent as UTF-8, pages cut to fit."""

from __future__ import annotations

import base64
import gzip
import json

from tidings.api.answer_size import fitted, how_many_fit, sent_bytes, takes_gzip
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


def _listing(size: int) -> dict[str, object]:
    """A JSON answer whose UTF-8 bytes alone, in base64, pass the limit (as a long GET /v2/templates can)."""
    body = json.dumps({"templates": [{"body": f"Dear ((name)), line {i}. " * 40} for i in range(size)]})
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": body}


def test_utf8_still_too_long_goes_gzipped_to_a_caller_that_takes_gzip() -> None:
    answer = _listing(6_000)
    assert len(base64.b64encode(str(answer["body"]).encode())) > LAMBDA_ANSWER_BYTES
    sent = fitted(answer, "gzip, deflate")  # what requests (so the official clients) sends
    assert (sent["headers"]["Content-Encoding"], sent["headers"]["Vary"]) == ("gzip", "Accept-Encoding")
    assert sent["headers"]["Content-Type"] == "application/json"
    assert len(json.dumps(sent)) < LAMBDA_ANSWER_BYTES
    assert json.loads(gzip.decompress(base64.b64decode(sent["body"]))) == json.loads(str(answer["body"]))


def test_a_caller_that_does_not_take_gzip_never_gets_it() -> None:
    for accepted in ("", "identity", "deflate, br", "gzip;q=0", "*;q=0", "br, gzip; q=0.000"):
        sent = fitted(_listing(6_000), accepted)
        assert "Content-Encoding" not in sent["headers"], accepted


def test_gzip_only_when_plain_utf8_would_not_fit() -> None:
    text = "Gŵyl “Ŷd” – €5 " * 130_000  # too long escaped, fits as UTF-8
    answer = {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": json.dumps({"b": text})}
    assert "Content-Encoding" not in fitted(answer, "gzip")["headers"]


def test_gzip_is_taken_by_name_or_by_star() -> None:
    assert [takes_gzip(h) for h in ("gzip", "GZIP;q=0.5", "x-gzip", "*", "deflate, *;q=0.1", "gzip;q=bad")] == [
        True,
        True,
        True,
        True,
        True,
        False,
    ]


def test_sent_bytes_are_what_fitted_sends() -> None:
    small = {"templates": [{"body": "Dear ((name))"}]}
    assert sent_bytes(small, "gzip") == answer_bytes(str(fitted(_answer(small), "gzip")["body"]))  # escaped text
    big = json.loads(str(_listing(6_000)["body"]))
    for accepted in ("gzip, deflate", ""):
        sent = fitted(_answer(big), accepted)
        assert sent_bytes(big, accepted) == len(sent["body"]), accepted
    assert sent_bytes(big, "") > BODY_BYTES > sent_bytes(big, "gzip")


def _answer(value: object) -> dict[str, object]:
    body = json.dumps(value, separators=(",", ":"))
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"}, "body": body}
