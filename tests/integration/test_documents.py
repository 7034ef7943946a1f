"""Send a file by email, in-process against moto: the send stores the file in the template's bucket and puts
a link in the email; the link's page asks for the recipient's address and answers the exact bytes."""

from __future__ import annotations

import base64
import json
import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

import boto3
import pytest

from tests.integration.conftest import InProcessApi, Reply, SeededService, seed_service
from tests.integration.faults import aws_error
from tidings.adapters import aws
from tidings.adapters.document_store import S3DocumentStore
from tidings.api.http import UNAVAILABLE_RETRY_AFTER_SECONDS
from tidings.domain.documents import new_link, parse_upload, stored_file
from tidings_local.stack import LocalStack

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
RECIPIENT = "team@example.gov.uk"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def email_template(api: InProcessApi, service: SeededService) -> str:
    base = f"/admin/services/{service.id}"
    api.admin("POST", f"{base}/guest-list", {"phone_numbers": ["07700900123"], "email_addresses": [RECIPIENT]})
    reply = api.admin(
        "POST",
        f"{base}/templates",
        {"name": "F", "type": "email", "subject": "Your file", "content": "Get it: ((doc))"},
    )
    return str(reply.json()["data"]["id"])


def send(api: InProcessApi, service: SeededService, template_id: str, **upload: object) -> Reply:
    document = {"file": base64.b64encode(PDF).decode(), "filename": "letter.pdf", **upload}
    body = {"email_address": RECIPIENT, "template_id": template_id, "personalisation": {"doc": document}}
    return api.v2("POST", "/v2/notifications/email", service.keys["normal"], body)


def link_of(reply: Reply) -> str:
    assert reply.status == 201, reply.body
    body = reply.json()["content"]["body"]
    assert base64.b64encode(PDF).decode() not in body
    url = urlsplit(body.removeprefix("Get it: "))
    assert (url.scheme, url.netloc) == ("http", "api.test")
    return f"{url.path}?{url.query}"


def post_address(api: InProcessApi, link: str, address: str) -> Reply:
    return api.request("POST", link, headers=FORM, raw=urlencode({"email_address": address}).encode())


def test_the_recipient_confirms_their_address_and_gets_the_exact_file(
    api: InProcessApi, service: SeededService, email_template: str
) -> None:
    link = link_of(send(api, service, email_template))
    page = api.request("GET", link)
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert b'<label for="email_address">Email address</label>' in page.body
    assert page.headers["referrer-policy"] == "no-referrer" and page.headers["cache-control"] == "no-store"

    wrong = post_address(api, link, "someone.else@example.gov.uk")
    assert wrong.status == 403 and b"That is not the email address the file was sent to" in wrong.body
    assert b'role="alert"' in wrong.body and PDF not in wrong.body

    right = post_address(api, link, "  TEAM@example.gov.uk")
    assert right.status == 200 and right.body == PDF
    assert right.headers["content-type"] == "application/pdf"
    assert right.headers["content-disposition"].startswith('attachment; filename="letter.pdf"')
    assert right.headers["x-content-type-options"] == "nosniff"


def test_without_confirmation_the_page_links_straight_to_the_file(
    api: InProcessApi, service: SeededService, email_template: str
) -> None:
    link = link_of(send(api, service, email_template, confirm_email_before_download=False))
    page = api.request("GET", link)
    assert page.status == 200 and b"<h1>You have been sent a file</h1>" in page.body and b"<input" not in page.body
    download = api.request("GET", f"{link}&download=1")
    assert download.status == 200 and download.body == PDF


def test_the_link_needs_its_key_and_its_own_service(
    api: InProcessApi, service: SeededService, email_template: str
) -> None:
    link = link_of(send(api, service, email_template))
    path, _, _ = link.partition("?")
    other = seed_service(api, "Another service", ("normal",))
    foreign = link.replace(service.id, other.id)  # this service's file (and its key) under another's path
    unknown = foreign.replace(path.rsplit("/", 1)[1], "00000000-0000-4000-8000-000000000000")
    for method in ("GET", "POST"):
        as_foreign, as_unknown = api.request(method, foreign), api.request(method, unknown)
        assert (as_foreign.status, as_foreign.body) == (as_unknown.status, as_unknown.body) and as_foreign.status == 404
    file_id = path.rsplit("/", 1)[1]
    near = file_id[:-1] + ("1" if file_id.endswith("0") else "0")  # another id, one character off
    for attempt in (
        path,
        f"{path}?key=wrong",
        foreign,
        f"/d/{service.id}/{near}?{link.partition('?')[2]}",
        f"/d/{service.id}/not-a-uuid",
    ):
        for reply in (api.request("GET", attempt), post_address(api, attempt, RECIPIENT)):
            assert reply.status == 404, attempt
            assert b"<h1>No file was found at this address</h1>" in reply.body and PDF not in reply.body
    assert post_address(api, link, RECIPIENT).body == PDF  # and the file is still there for its recipient


def test_a_file_past_its_retention_is_gone(api: InProcessApi, stack: LocalStack, service: SeededService) -> None:
    sent = datetime.now(UTC) - timedelta(weeks=2)
    link = new_link("http://api.test/", service.id)
    upload = parse_upload({"file": base64.b64encode(PDF).decode(), "retention_period": "1 week"})
    file = stored_file(upload, link, service.id, RECIPIENT, sent)
    S3DocumentStore(stack.resolve({"Ref": "DocumentsBucket"})).put(file.document, file.content)
    url = urlsplit(link.url)
    for reply in (
        api.request("GET", f"{url.path}?{url.query}"),
        post_address(api, f"{url.path}?{url.query}", RECIPIENT),
    ):
        assert reply.status == 410 and b"<h1>This file is no longer available</h1>" in reply.body


def test_too_many_wrong_addresses_lock_the_file_for_the_hour(
    api: InProcessApi, service: SeededService, email_template: str
) -> None:
    link = link_of(send(api, service, email_template))
    statuses = [post_address(api, link, f"guess{n}@example.com").status for n in range(5)]
    assert statuses == [403, 403, 403, 403, 429]
    locked = post_address(api, link, RECIPIENT)
    assert locked.status == 429 and b"Too many wrong email addresses" in locked.body
    assert 0 < int(locked.headers["retry-after"]) <= 3600


def test_the_bucket_expires_each_file_after_its_retention(
    api: InProcessApi, stack: LocalStack, service: SeededService, email_template: str
) -> None:
    bucket = stack.resolve({"Ref": "DocumentsBucket"})
    s3 = boto3.client("s3")
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert {(r["Filter"]["Tag"]["Value"], r["Expiration"]["Days"]) for r in rules} == {
        (str(weeks), 7 * weeks) for weeks in range(1, 79)
    }
    for period, weeks in ((None, "26"), ("3 weeks", "3")):
        path = link_of(send(api, service, email_template, retention_period=period)).partition("?")[0]
        tags = s3.get_object_tagging(Bucket=bucket, Key=path.removeprefix("/d/"))["TagSet"]
        assert tags == [{"Key": "retention-weeks", "Value": weeks}]


def test_files_are_only_for_email_and_bad_uploads_get_the_envelope(
    api: InProcessApi, service: SeededService, email_template: str
) -> None:
    sms = api.admin(
        "POST", f"/admin/services/{service.id}/templates", {"name": "S", "type": "sms", "content": "Hi ((doc))"}
    ).json()["data"]["id"]
    upload = {"file": base64.b64encode(PDF).decode()}
    body = {"phone_number": "07700900123", "template_id": sms, "personalisation": {"doc": upload}}
    refused = api.v2("POST", "/v2/notifications/sms", service.keys["normal"], body)
    assert (refused.status, refused.json()["errors"]) == (
        400,
        [{"error": "BadRequestError", "message": "Can only send a file by email"}],
    )
    invalid = send(api, service, email_template, filename="nodot", confirm_email_before_download="yes")
    assert (invalid.status, invalid.json()["errors"]) == (
        400,
        [
            {
                "error": "ValidationError",
                "message": "filename `filename` must end with a file extension. For example, filename.csv",
            },
            {
                "error": "ValidationError",
                "message": "confirm_email_before_download Unsupported value for confirm_email_before_download: yes. "
                "Use a boolean true or false value.",
            },
        ],
    )
    too_big = api.v2(
        "POST",
        "/v2/notifications/email",
        service.keys["normal"],
        {
            "email_address": RECIPIENT,
            "template_id": email_template,
            "personalisation": {"doc": {"file": base64.b64encode(b"x" * (2 * 1024 * 1024 + 1)).decode()}},
        },
    )
    assert (too_big.status, too_big.json()["errors"]) == (
        400,
        [{"error": "BadRequestError", "message": "File is larger than 2MB"}],
    )


def test_no_address_or_file_content_reaches_the_logs(
    api: InProcessApi, service: SeededService, email_template: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    link = link_of(send(api, service, email_template))
    post_address(api, link, "wrong.person@example.gov.uk")
    post_address(api, link, RECIPIENT)
    text = "\n".join(json.dumps(record.__dict__, default=str) for record in caplog.records)  # extras included
    assert "document downloaded" in text
    for secret in (RECIPIENT, "wrong.person", base64.b64encode(PDF).decode(), link.partition("key=")[2]):
        assert secret not in text


@pytest.mark.parametrize(("code", "status", "answer"), [("SlowDown", 503, 503), ("InternalError", 500, 503)])
def test_s3_throttled_or_down_is_a_page_to_try_again_not_a_bare_500(
    api: InProcessApi, service: SeededService, email_template: str, code: str, status: int, answer: int
) -> None:
    link = link_of(send(api, service, email_template))
    with aws_error(aws.s3(), "HeadObject", code, status) as fault:
        shown = api.request("GET", link)
    assert fault.hits  # the page's lookup met the fault
    assert (shown.status, shown.headers["retry-after"]) == (answer, str(UNAVAILABLE_RETRY_AFTER_SECONDS))
    assert b"cannot be shown right now" in shown.body
    assert api.request("GET", link).status == 200  # and once S3 answers again, the page is back
