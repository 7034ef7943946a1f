"""Bad input at the edges (issue #9): bodies at API Gateway's payload limit, huge personalisation, control,
right-to-left and emoji content, and recipients at every boundary of the spec's rules.

Refusals are 4xx in the dialect's envelope with the spec's exact messages; what the spec allows is accepted, with
the spec's SMS sanitising and fragment counting (notify-v2 §5.3, §5.4, §8; notifea-v1 §1.5, §1.6 items 15-16).
test_bad_input.py covers malformed bodies on every route; this module does not repeat it.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.conftest import InProcessApi, Reply
from tidings.wiring import deps
from tidings_local.server import MAX_BODY_BYTES, LocalServer
from tidings_local.stack import LocalStack

NOT_VALID_NUMBER = "Number is not valid – double check the phone number you entered"
SYMBOLS = "Must not contain letters or symbols"
BAD_EMAIL = "email_address Not a valid email address"
UNPARSABLE = "We were unable to parse recipient number."
NO_COUNTRY = "Unable to send SMS to the given country."
LONE_SURROGATE = '"\\ud83d"'  # a JSON escape that parses to half a character


@dataclass(frozen=True)
class Edges:
    service_id: str
    live: str
    sms_t: str
    email_t: str
    v1_token: str
    v1_sender: str
    uk_only_live: str  # a live key of a service without the international_sms permission
    uk_only_sms_t: str
    uk_only_v1_token: str
    uk_only_v1_sender: str


def _service(api: InProcessApi, name: str, permissions: list[str]) -> tuple[str, str, str, str, str]:
    body = {"name": name, "restricted": False, "permissions": permissions}
    service = api.admin("POST", "/admin/services", body).json()["data"]["id"]
    base = f"/admin/services/{service}"
    live = api.admin("POST", f"{base}/api-keys", {"name": "live", "key_type": "normal"}).json()["data"]["key"]
    sms_t = api.admin("POST", f"{base}/templates", {"name": "s", "type": "sms", "content": "Hi ((name))"})
    token = api.admin("POST", f"{base}/access-tokens", {"name": "t"}).json()["data"]["token"]
    sender = api.admin("POST", f"{base}/sms-senders", {"sms_sender": "Edges"}).json()["data"]["id"]
    return service, live, sms_t.json()["data"]["id"], token, sender


@pytest.fixture(scope="module")
def edges(api: InProcessApi) -> Edges:
    service, live, sms_t, token, sender = _service(api, "Edges", ["sms", "email", "international_sms"])
    email_body = {"name": "e", "type": "email", "subject": "About ((name))", "content": "Dear ((name))"}
    email_t = api.admin("POST", f"/admin/services/{service}/templates", email_body).json()["data"]["id"]
    _, uk_live, uk_sms_t, uk_token, uk_sender = _service(api, "Edges UK only", ["sms", "email"])
    return Edges(service, live, sms_t, email_t, token, sender, uk_live, uk_sms_t, uk_token, uk_sender)


def send_sms(api: InProcessApi, edges: Edges, phone_number: str, name: Any = "Jo", *, uk_only: bool = False) -> Reply:
    key, template = (edges.uk_only_live, edges.uk_only_sms_t) if uk_only else (edges.live, edges.sms_t)
    body = {"phone_number": phone_number, "template_id": template, "personalisation": {"name": name}}
    return api.v2("POST", "/v2/notifications/sms", key, body)


def send_email(
    api: InProcessApi,
    edges: Edges,
    address: str,
    personalisation: dict[str, Any] | None = None,
    template: str | None = None,
) -> Reply:
    body = {
        "email_address": address,
        "template_id": template or edges.email_t,
        "personalisation": personalisation or {"name": "Jo"},
    }
    return api.v2("POST", "/v2/notifications/email", edges.live, body)


def email_template(api: InProcessApi, edges: Edges, subject: str, content: str) -> str:
    fields = {"name": subject, "type": "email", "subject": subject, "content": content}
    return str(api.admin("POST", f"/admin/services/{edges.service_id}/templates", fields).json()["data"]["id"])


def send_v1(api: InProcessApi, edges: Edges, recipient: str, content: str = "Hi", *, uk_only: bool = False) -> Reply:
    token, sender = (edges.uk_only_v1_token, edges.uk_only_v1_sender) if uk_only else (edges.v1_token, edges.v1_sender)
    body = {"sms_sender_id": sender, "content": content, "recipient": recipient}
    return api.request("POST", "/v1/sms", body, {"Authorization": f"Bearer {token}"})


def v2_errors(reply: Reply) -> list[tuple[str, str]]:
    envelope = reply.json()
    assert envelope["status_code"] == reply.status, envelope
    return [(e["error"], e["message"]) for e in envelope["errors"]]


def v1_error(reply: Reply) -> tuple[str, str, list[str]]:
    envelope = reply.json()
    return envelope["code"], envelope["data"]["message"], envelope["data"]["metadata"]


def fragments(api: InProcessApi, edges: Edges, notification_id: str, drain: Callable[[], None]) -> int:
    """Billable fragments as the v2 GET reports them once sent (spec §8: `billable_sms_fragments`; §3.5: a
    `created` SMS shows no cost yet)."""
    drain()
    reply = api.v2("GET", f"/v2/notifications/{notification_id}", edges.live)
    assert reply.status == 200, reply.body
    count: int = reply.json()["cost_details"]["billable_sms_fragments"]
    return count


def stored_fragments(notification_id: str) -> int:
    """A /v1 SMS shows no cost, so read the stored notification's fragments (what billing uses)."""
    stored = deps().notifications.find(notification_id, deps().clock.now())
    assert stored is not None
    return stored.billable_units


# ------------------------------------------------------------------------------------------------ phone numbers

VALID_PHONE_NUMBERS = [
    "07700900855",
    "+447700900855",
    "0044 7700 900855",
    "+(44) 77009-00855",
    "447700900855",
    "7700900855",  # the leading 0 is optional
    " 07700 900855 ",
    "07700\t900855\n",
    "07700\u00a0900855",  # no-break and zero-width spaces are whitespace to Notify
    "07700\u200b900855",
    "07781 123456",  # Guernsey: +44, so UK
]


@pytest.mark.parametrize("number", VALID_PHONE_NUMBERS)
def test_valid_uk_numbers_are_accepted(api: InProcessApi, edges: Edges, number: str) -> None:
    reply = send_sms(api, edges, number, uk_only=True)
    assert reply.status == 201, reply.body
    listed = api.v2("GET", f"/v2/notifications/{reply.json()['id']}", edges.uk_only_live).json()
    assert listed["phone_number"] == number.strip()


PHONE_REFUSALS = [
    # (number, error class, message): spec §5.3, on the schema's phone_number format
    ("07700900abc", "ValidationError", f"phone_number {SYMBOLS}"),
    ("+447700900855.", "ValidationError", f"phone_number {SYMBOLS}"),
    ("07700900855#", "ValidationError", f"phone_number {SYMBOLS}"),
    ("\u202e07700900855", "ValidationError", f"phone_number {SYMBOLS}"),  # right-to-left override
    ("07700900855\u0000", "ValidationError", f"phone_number {SYMBOLS}"),
    ("０７７００９００８５５", "ValidationError", f"phone_number {SYMBOLS}"),  # full-width digits: not 0-9
    ("٠٧٧٠٠٩٠٠٨٥٥", "ValidationError", f"phone_number {SYMBOLS}"),  # Arabic-Indic digits
    ("07700\u2003900855", "ValidationError", f"phone_number {SYMBOLS}"),  # an em space is not Notify whitespace
    ("", "ValidationError", "phone_number Not enough digits"),
    ("+", "ValidationError", "phone_number Not enough digits"),
    ("123", "ValidationError", "phone_number Not enough digits"),
    ("0770090085", "ValidationError", "phone_number Not enough digits"),  # one digit short
    ("+1234567", "ValidationError", "phone_number Not enough digits"),  # 7 digits with the country code
    ("077009008551", "ValidationError", "phone_number Too many digits"),  # one digit over
    ("07700900855123", "ValidationError", "phone_number Too many digits"),
    ("+44770090085512345", "ValidationError", "phone_number Too many digits"),
    ("+1234567890123456", "ValidationError", "phone_number Too many digits"),  # 16 digits
    ("+8501921234567", "ValidationError", "phone_number Not a valid country prefix"),
    ("+800 1234 5678", "ValidationError", "phone_number Not a valid country prefix"),
    ("0800 123 4567", "ValidationError", f"phone_number {NOT_VALID_NUMBER}"),
    ("+2351234567", "ValidationError", f"phone_number {NOT_VALID_NUMBER}"),
    ("+1 800 555 0100", "ValidationError", f"phone_number {NOT_VALID_NUMBER}"),  # toll-free
    ("020 7946 0000", "InvalidPhoneError", "Not a UK mobile number"),  # no sms_to_uk_landlines permission
    ("01709510122", "InvalidPhoneError", "Not a UK mobile number"),
]


@pytest.mark.parametrize(("number", "error", "message"), PHONE_REFUSALS)
def test_phone_numbers_at_the_rules_edges_are_refused_with_notifys_messages(
    api: InProcessApi, edges: Edges, number: str, error: str, message: str
) -> None:
    reply = send_sms(api, edges, number)
    assert reply.status == 400, reply.body
    assert v2_errors(reply) == [(error, message)]


@pytest.mark.parametrize("number", ["+33612345678", "+12025550100", "+421902739429", "+61 412 345 678"])
def test_international_numbers_need_the_permission(api: InProcessApi, edges: Edges, number: str) -> None:
    assert send_sms(api, edges, number).status == 201
    refused = send_sms(api, edges, number, uk_only=True)
    assert refused.status == 400
    assert v2_errors(refused) == [("BadRequestError", "Cannot send to international mobile numbers")]


# ------------------------------------------------------------------------------------------------ email addresses

LABEL_63, LABEL_64 = "a" * 63, "a" * 64
HOST_253 = ".".join([LABEL_63] * 3) + "." + "a" * 61  # the longest hostname (TLD of letters)

VALID_EMAILS = [
    "a@example.com",
    "A.B+c_d-e!#$%&'*/=?^`{|}~@example.gov.uk",  # every character the local part may have
    ".a@example.com",  # a dot is allowed anywhere but doubled
    "x" * (320 - len("@example.com")) + "@example.com",  # 320 characters in all
    f"a@{LABEL_63}.com",
    f"a@example.{LABEL_63}",  # the longest TLD
    f"a@{HOST_253}",
    "a@xn--bcher-kva.example",
    "a@bücher.example",  # IDNA
    "a@example.xn--p1ai",
    "a@123.com",
    " a@example.com\n",
    "a\u200b@example.com",  # Notify removes zero-width and no-break spaces before checking
    "\u00a0a@example.com",
]


@pytest.mark.parametrize("address", VALID_EMAILS, ids=range(len(VALID_EMAILS)))
def test_valid_email_addresses_are_accepted(api: InProcessApi, edges: Edges, address: str) -> None:
    reply = send_email(api, edges, address)
    assert reply.status == 201, reply.body


INVALID_EMAILS = [
    "x" * (321 - len("@example.com")) + "@example.com",  # 321 characters
    f"a@{LABEL_64}.com",  # a 64-character label
    f"a@example.{LABEL_64}",
    f"a@{HOST_253}a",  # a 254-character hostname
    "a..b@example.com",
    "a@example..com",
    "a@-example.com",
    "a@example-.com",
    "a@ex_ample.com",
    "a@example.c",  # TLDs have at least 2 letters
    "a@example.c0m",
    "a@example.com.",
    "a@example",
    "a@localhost",
    "a@127.0.0.1",
    "a@[127.0.0.1]",
    "ä@example.com",  # the local part is ASCII
    '"a"@example.com',
    "a(comment)@example.com",
    "a b@example.com",
    "a\u2003@example.com",  # an em space is not one Notify removes
    "@example.com",
    "a@",
    "a@@example.com",
    "a@exa mple.com",
    "\u202ea@example.com",
    "a@example.com\u0000",
    "",
]


@pytest.mark.parametrize("address", INVALID_EMAILS, ids=range(len(INVALID_EMAILS)))
def test_invalid_email_addresses_are_refused(api: InProcessApi, edges: Edges, address: str) -> None:
    reply = send_email(api, edges, address)
    assert reply.status == 400, reply.body
    assert v2_errors(reply) == [("ValidationError", BAD_EMAIL)]


# ------------------------------------------------------------------------------------------------ SMS content (/v2)

SMS_CONTENT = [
    # (personalisation value, body after sanitising, fragments): spec §8
    ("😀", "Hi ?", 1),  # outside GSM: "?"
    ("مرحبا بالعالم", "Hi ????? ???????", 1),  # right-to-left scripts too
    ("שלום", "Hi ????", 1),
    ("\u202eevil", "Hi ?evil", 1),  # a bidi override cannot flip the text
    ("a\x00b\x07c\x1bd", "Hi a?b?c?d", 1),  # control characters
    ("zero\u200bwidth\u200d", "Hi zerowidth", 1),
    ("line1\r\nline2", "Hi line1\nline2", 1),
    ("“quotes” – dash…", 'Hi "quotes" - dash...', 1),
    ("ŵ", "Hi ŵ", 1),  # Welsh is kept, and switches to the unicode rule
    ("x" * 157, "Hi " + "x" * 157, 1),  # 160 GSM characters: one fragment
    ("x" * 158, "Hi " + "x" * 158, 2),  # 161: two of 153
    ("€" * 78, "Hi " + "€" * 78, 1),  # extended characters count twice: 159
    ("€" * 79, "Hi " + "€" * 79, 2),  # 161
    ("ŵ" * 67, "Hi " + "ŵ" * 67, 1),  # unicode: 70 in one fragment
    ("ŵ" * 68, "Hi " + "ŵ" * 68, 2),  # 71: two of 67
    ("x" * 915, "Hi " + "x" * 915, 6),  # 918 characters, the most allowed
    ("😀" * 915, "Hi " + "?" * 915, 6),  # counted after sanitising
]


@pytest.mark.parametrize(("value", "body", "count"), SMS_CONTENT, ids=range(len(SMS_CONTENT)))
def test_sms_content_is_sanitised_and_counted_as_notify_does(
    api: InProcessApi, edges: Edges, drain: Callable[[], None], value: str, body: str, count: int
) -> None:
    reply = send_sms(api, edges, "07700900855", value)
    assert reply.status == 201, reply.body
    assert reply.json()["content"]["body"] == body
    assert fragments(api, edges, reply.json()["id"], drain) == count


@pytest.mark.parametrize("value", ["x" * 916, "😀" * 916, "x" * 100_000])
def test_sms_over_918_characters_is_refused_with_its_length(api: InProcessApi, edges: Edges, value: str) -> None:
    reply = send_sms(api, edges, "07700900855", value)
    assert reply.status == 400
    length = len(value) + len("Hi ")
    message = (
        "Your message is too long. Text messages cannot be longer than 918 characters. "
        f"Your message is {length} characters long."
    )
    assert v2_errors(reply) == [("BadRequestError", message)]


@pytest.mark.parametrize("value", ["😀 مرحبا שלום \u202eevil\u202c", "a\x00b\x1b[31mred", "日本語のメール"])
def test_email_keeps_unicode_and_control_content(api: InProcessApi, edges: Edges, value: str) -> None:
    reply = send_email(api, edges, "a@example.com", {"name": value})
    assert reply.status == 201, reply.body
    assert reply.json()["content"]["body"] == f"Dear {value}"


# ------------------------------------------------------------------------------------------------ huge personalisation


def test_a_personalisation_map_with_200000_keys_is_accepted(api: InProcessApi, edges: Edges) -> None:
    personalisation: dict[str, Any] = {f"key{i}": "v" * 10 for i in range(200_000)}
    personalisation["name"] = "Jo"
    body = {"phone_number": "07700900855", "template_id": edges.sms_t, "personalisation": personalisation}
    reply = api.v2("POST", "/v2/notifications/sms", edges.live, body)
    assert reply.status == 201, reply.body[:300]
    assert reply.json()["content"]["body"] == "Hi Jo"  # extra keys are ignored (spec §8)


def test_a_9mb_value_no_placeholder_uses_is_ignored(api: InProcessApi, edges: Edges) -> None:
    reply = send_email(api, edges, "a@example.com", {"name": "Jo", "unused": "x" * 9_000_000})
    assert reply.status == 201, reply.body[:300]
    assert reply.json()["content"]["body"] == "Dear Jo"


@pytest.mark.parametrize(
    ("value", "size"),
    [("x" * 1_999_996, 2_000_001), ("é" * 1_000_000, 2_000_005), ("x" * 9_000_000, 9_000_005)],
    ids=["one byte over", "two-byte characters", "9 MB"],
)
def test_email_bodies_over_2000000_bytes_are_refused_with_their_size(
    api: InProcessApi, edges: Edges, value: str, size: int
) -> None:
    reply = send_email(api, edges, "a@example.com", {"name": value})
    assert reply.status == 400, reply.body[:300]
    message = f"Your message is too long. Emails cannot be longer than 2000000 bytes. Your message is {size} bytes."
    assert v2_errors(reply) == [("BadRequestError", message)]


def test_content_that_no_answer_could_show_is_refused_not_queued(api: InProcessApi, edges: Edges) -> None:
    """900,000 control characters are 0.9 MB, under the 2 MB limit, but 6.3 MB as JSON (each one `\\u0001`): the
    201 was too long for Lambda (a 500 after queueing) and so was every read of it after."""
    template = email_template(api, edges, "S", "Hi ((name))")

    def send(name: str) -> Reply:
        return send_email(api, edges, "a@example.com", {"name": name}, template)

    refused = send("\x01" * 900_000)
    shown = 7 * 900_000 + len('{"body":"Hi ","subject":"S"}') + 8  # escaped once more in the answer, and quotes
    message = f"Your message is too long. Emails must be 6144100 bytes or fewer as JSON. Your message is {shown} bytes as JSON."
    assert (refused.status, v2_errors(refused)) == (400, [("BadRequestError", message)])
    accepted = send("\x01" * 800_000)
    assert accepted.status == 201, accepted.body[:300]
    read = api.v2("GET", f"/v2/notifications/{accepted.json()['id']}", edges.live)
    assert (read.status, read.json()["body"]) == (200, "Hi " + "\x01" * 800_000)
    assert api.v2("GET", "/v2/notifications?template_type=email", edges.live).status == 200


def test_a_subject_over_998_characters_is_refused_with_its_length(api: InProcessApi, edges: Edges) -> None:
    """Notify sets no limit; a personalised subject of megabytes (the body short) was accepted, queued, then
    answered 500, as did every read of it after."""
    template = email_template(api, edges, "About ((topic))", "Hello")

    def send(topic: str) -> Reply:
        return send_email(api, edges, "a@example.com", {"topic": topic}, template)

    longest = send("x" * 992)  # "About " and 992: 998
    assert longest.status == 201, longest.body[:300]
    assert len(longest.json()["content"]["subject"]) == 998
    for topic in ("x" * 993, "x" * 3_200_000):
        reply = send(topic)
        assert reply.status == 400, reply.body[:300]
        message = (
            "Your subject is too long. Email subjects cannot be longer than 998 characters. "
            f"Your subject is {len(topic) + 6} characters long."
        )
        assert v2_errors(reply) == [("BadRequestError", message)]


@pytest.mark.parametrize(
    "body",
    [
        '{"phone_number": "07700900855", "template_id": "%(sms)s", "personalisation": {"name": %(bad)s}}',
        '{"email_address": "a@example.com", "template_id": "%(email)s", "personalisation": {"name": %(bad)s}}',
        '{"phone_number": "07700900855", "template_id": "%(sms)s", "personalisation": {"name": "Jo"}, "reference": %(bad)s}',
        '{"phone_number": "07700900855", "template_id": "%(sms)s", "personalisation": {%(bad)s: "x", "name": "Jo"}}',
    ],
    ids=["sms value", "email value", "reference", "key"],
)
def test_half_a_surrogate_pair_is_invalid_json_not_a_5xx(api: InProcessApi, edges: Edges, body: str) -> None:
    raw = body % {"sms": edges.sms_t, "email": edges.email_t, "bad": LONE_SURROGATE}
    path = "/v2/notifications/sms" if "phone_number" in raw else "/v2/notifications/email"
    reply = api.request("POST", path, raw=raw.encode(), headers={"Authorization": api.v2_authorization(edges.live)})
    assert reply.status == 400, reply.body
    assert v2_errors(reply) == [("BadRequestError", "Invalid JSON supplied in POST data")]


def test_a_whole_surrogate_pair_is_an_emoji(api: InProcessApi, edges: Edges) -> None:
    raw = '{"email_address": "a@example.com", "template_id": "%s", "personalisation": {"name": "\\ud83d\\ude00"}}'
    headers = {"Authorization": api.v2_authorization(edges.live)}
    reply = api.request("POST", "/v2/notifications/email", raw=(raw % edges.email_t).encode(), headers=headers)
    assert reply.status == 201, reply.body
    assert reply.json()["content"]["body"] == "Dear 😀"


# ------------------------------------------------------------------------------------------------ /v1 content


V1_CONTENT = [
    # (content, fragments): GSM 160/153, extended characters twice, else UCS-2 70/67 in UTF-16 units
    ("Hi 😀", 1),
    ("مرحبا بالعالم", 1),
    ("\u202eevil\u202c", 1),  # format characters are not control characters
    ("line\r\nnext\ttab", 1),
    ("x" * 160, 1),
    ("x" * 161, 2),
    ("€" * 80, 1),
    ("€" * 81, 2),
    ("ŵ" * 70, 1),
    ("ŵ" * 71, 2),
    ("😀" * 35, 1),  # 70 UTF-16 units
    ("😀" * 36, 2),
    ("x" * 918, 6),  # the longest content
]


@pytest.mark.parametrize(("content", "count"), V1_CONTENT, ids=range(len(V1_CONTENT)))
def test_v1_content_is_kept_as_sent_and_counted(api: InProcessApi, edges: Edges, content: str, count: int) -> None:
    reply = send_v1(api, edges, "+447700900855", content)
    assert reply.status == 200, reply.body
    sms = reply.json()["data"]
    assert sms["content"] == content
    assert stored_fragments(sms["uuid"]) == count


@pytest.mark.parametrize(
    "content", ["", "   ", "\n\t", "a\x00b", "a\x07b", "a\x1b[31m", "a\x7fb", "a\x85b", "x" * 919, "😀" * 919]
)
def test_v1_content_breaking_the_rules_is_refused(api: InProcessApi, edges: Edges, content: str) -> None:
    reply = send_v1(api, edges, "+447700900855", content)
    assert reply.status == 422
    assert v1_error(reply) == ("content.not.valid", "SMS content violates validation rules", ["content"])


def test_v1_half_a_surrogate_pair_is_refused(api: InProcessApi, edges: Edges) -> None:
    body = {"sms_sender_id": edges.v1_sender, "content": "@", "recipient": "+447700900855"}
    raw = json.dumps(body).replace('"@"', LONE_SURROGATE)
    reply = api.request("POST", "/v1/sms", raw=raw.encode(), headers={"Authorization": f"Bearer {edges.v1_token}"})
    assert reply.status == 422
    assert v1_error(reply) == ("validation.failed", "Invalid JSON supplied in POST data", [])


@pytest.mark.parametrize("raw", [b"{", b'{"content": "hi",}', b"\xff\xfe{}", b"content=hi"])
def test_v1_a_body_that_is_not_json_fails_validation(api: InProcessApi, edges: Edges, raw: bytes) -> None:
    reply = api.request("POST", "/v1/sms", raw=raw, headers={"Authorization": f"Bearer {edges.v1_token}"})
    assert reply.status == 422
    assert v1_error(reply) == ("validation.failed", "Invalid JSON supplied in POST data", [])


# ------------------------------------------------------------------------------------------------ /v1 recipients

V1_RECIPIENTS = [
    # (recipient, uk_only service, HTTP status, code, message)
    ("+447700900855", False, 200, None, None),
    (" +447700900855 ", False, 200, None, None),
    ("+447781123456", True, 200, None, None),  # Guernsey is +44: UK
    ("+421902739429", False, 200, None, None),
    ("+421902739429", True, 422, "sms.country.not.supported", NO_COUNTRY),  # no international permission
    ("+8501921234567", False, 422, "sms.country.not.supported", NO_COUNTRY),  # no rate for the country
    ("0902739429", False, 422, "recipient.not.valid", UNPARSABLE),  # no + and country code
    ("447700900855", False, 422, "recipient.not.valid", UNPARSABLE),
    ("+abc", False, 422, "recipient.not.valid", UNPARSABLE),
    ("+44 7700 900855", False, 422, "recipient.not.valid", UNPARSABLE),  # E.164 has no spaces
    ("+447700900855.", False, 422, "recipient.not.valid", UNPARSABLE),
    ("+４４７７００９００８５５", False, 422, "recipient.not.valid", UNPARSABLE),  # full-width digits
    ("+1234567", False, 422, "recipient.not.valid", UNPARSABLE),  # 7 digits: too short
    ("+4477009008", False, 422, "recipient.not.valid", UNPARSABLE),
    ("+4477009008551", False, 422, "recipient.not.valid", UNPARSABLE),
    ("+1234567890123456", False, 422, "recipient.not.valid", UNPARSABLE),  # 16 digits: too long
    ("+0447700900855", False, 422, "recipient.not.valid", UNPARSABLE),
    ("+3531234567", False, 422, "recipient.not.valid", UNPARSABLE),  # not a valid Irish number
    ("+442071838750", False, 422, "recipient.not.valid", UNPARSABLE),  # a London landline: mobiles only
    ("+441481256789", False, 422, "recipient.not.valid", UNPARSABLE),  # a Guernsey landline
    ("+421232123456", False, 422, "recipient.not.valid", UNPARSABLE),  # a Bratislava landline
    ("+12015550123", False, 200, None, None),  # the US numbering plan cannot tell mobiles apart: accepted
]


@pytest.mark.parametrize(("recipient", "uk_only", "status", "code", "message"), V1_RECIPIENTS)
def test_v1_recipients_at_the_rules_edges(
    api: InProcessApi, edges: Edges, recipient: str, uk_only: bool, status: int, code: str | None, message: str | None
) -> None:
    reply = send_v1(api, edges, recipient, uk_only=uk_only)
    assert reply.status == status, reply.body
    if code is not None:
        assert v1_error(reply) == (code, message, ["recipient"])
    else:
        assert reply.json()["data"]["recipient"] == recipient.strip()


# ------------------------------------------------------------------------------------------------ API Gateway's limit


@pytest.fixture(scope="module")
def server(stack: LocalStack) -> Iterator[tuple[str, int]]:
    """The local HTTP front door on the integration stack: the payload limit lives there, as in API Gateway."""
    local = LocalServer(stack, "127.0.0.1", 0)
    thread = threading.Thread(target=local.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", local.server_address[1]
    local.shutdown()
    local.server_close()


def _post(server: tuple[str, int], path: str, headers: dict[str, str], body: bytes | None, length: int) -> Reply:
    """POST with Content-Length `length`; `body` None sends the headers only (the limit is checked before reading)."""
    connection = http.client.HTTPConnection(*server, timeout=120)
    try:
        connection.putrequest("POST", path)
        for name, value in {**headers, "Content-Type": "application/json", "Content-Length": str(length)}.items():
            connection.putheader(name, value)
        connection.endheaders()
        if body is not None:
            connection.send(body)
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def _padded(body: dict[str, Any], size: int) -> tuple[bytes, int]:
    """`body` as JSON, its "PAD" value grown with x's until the whole is exactly `size` bytes; and how many x's."""
    template = json.dumps(body)
    padding = size - len(template.replace("PAD", "").encode())
    return template.replace("PAD", "x" * padding).encode(), padding


@pytest.mark.parametrize("path", ["/v2/notifications/sms", "/v1/sms", "/admin/services"])
def test_a_body_over_10mb_is_refused_with_413_before_any_function(
    api: InProcessApi, edges: Edges, server: tuple[str, int], path: str
) -> None:
    headers = {"Authorization": api.v2_authorization(edges.live)}
    reply = _post(server, path, headers, None, MAX_BODY_BYTES + 1)
    assert reply.status == 413
    # What API Gateway answers itself (an HTTP API has no gateway responses to put it in a dialect's envelope).
    assert reply.json() == {"message": "Request Entity Too Large"}


def test_a_v2_body_of_exactly_10mb_reaches_the_function_and_gets_its_envelope(
    api: InProcessApi, edges: Edges, server: tuple[str, int]
) -> None:
    fields = {"phone_number": "07700900855", "template_id": edges.sms_t, "personalisation": {"name": "PAD"}}
    body, padding = _padded(fields, MAX_BODY_BYTES)
    reply = _post(server, "/v2/notifications/sms", {"Authorization": api.v2_authorization(edges.live)}, body, len(body))
    assert reply.status == 400, reply.body[:300]
    length = len("Hi ") + padding
    message = (
        "Your message is too long. Text messages cannot be longer than 918 characters. "
        f"Your message is {length} characters long."
    )
    assert v2_errors(reply) == [("BadRequestError", message)]


def test_a_v1_body_of_exactly_10mb_reaches_the_function_and_gets_its_envelope(
    edges: Edges, server: tuple[str, int]
) -> None:
    fields = {"sms_sender_id": edges.v1_sender, "recipient": "+447700900855", "content": "PAD"}
    body, _ = _padded(fields, MAX_BODY_BYTES)
    reply = _post(server, "/v1/sms", {"Authorization": f"Bearer {edges.v1_token}"}, body, len(body))
    assert reply.status == 422, reply.body[:300]
    assert json.loads(reply.body) == {
        "data": {"message": "SMS content violates validation rules", "metadata": ["content"]},
        "code": "content.not.valid",
    }


@pytest.mark.parametrize(
    ("field", "value"), [("sms_live_time", True), ("test_mode", True), ("test_mode", False), ("sms_live_time", "1_0")]
)
def test_v1_sender_numbers_are_not_booleans_nor_pythons(
    api: InProcessApi, edges: Edges, field: str, value: bool | str
) -> None:
    body = {"sender_name": "Bools", field: value}
    reply = api.request("POST", "/v1/user-sms-senders", body, {"Authorization": f"Bearer {edges.v1_token}"})
    assert reply.status == 422
    assert v1_error(reply) == ("validation.failed", "The given data was invalid.", [field])


def test_v1_a_put_to_an_unknown_sender_is_not_found_whatever_its_body(api: InProcessApi, edges: Edges) -> None:
    """Laravel binds the route's model before it validates the request (Notifea's check 25)."""
    unknown = "/v1/user-sms-senders/00000000-0000-4000-8000-000000000000"
    reply = api.request("PUT", unknown, {}, {"Authorization": f"Bearer {edges.v1_token}"})
    assert reply.status == 404
    assert v1_error(reply) == ("user_sms_sender.not.found", "user_sms_sender was not found", [])


def test_v1_webhook_urls_are_capped_in_length(api: InProcessApi, edges: Edges) -> None:
    body = {"sender_name": "Long", "webhook_url": "https://example.com/" + "a" * 500_000}
    reply = api.request("POST", "/v1/user-sms-senders", body, {"Authorization": f"Bearer {edges.v1_token}"})
    assert reply.status == 422
    assert v1_error(reply)[0::2] == ("validation.failed", ["webhook_url"])
