"""Letters through the handlers, the real dispatch queue, moto's S3 and the simulated printer: templated and
precompiled, the print handoff (PDF + manifest in the print bucket), the receipt, and GET …/pdf."""

from __future__ import annotations

import base64
import io
import json
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from pypdf import PdfReader

from tests.integration.conftest import InProcessApi, SeededService, empty_queue, in_outbox, seed_service, send_sms
from tests.integration.test_bad_input_edges import v2_errors
from tidings import wiring
from tidings.adapters.virus_scan import EICAR
from tidings.domain.letters.delivery import NOT_STORED
from tidings.domain.letters.render_pdf import LetterContent, render_letter
from tidings_local.queue_pollers import QueuePoller
from tidings_local.stack import LocalStack

ADDRESS = {"address_line_1": "A Person", "address_line_2": "1 High St", "address_line_3": "SW1A 1AA"}


def client_pdf(*lines: str) -> bytes:
    """A letter PDF as a client's own system might make it: A4, the address in the window."""
    address = lines or ("A Person", "1 High St", "SW1A 1AA")
    return render_letter(LetterContent(address, "Heading", "Body", None, datetime(2026, 11, 23, tzinfo=UTC))).pdf


@pytest.fixture
def letters(stack: LocalStack, dispatcher: QueuePoller) -> Iterator[Callable[[], None]]:
    """Dispatch what is queued (the letters render, or are checked, and go to the print bucket)."""

    def run() -> None:
        while dispatcher.poll_once():
            pass

    yield run
    empty_queue(stack)


def send_letter(api: InProcessApi, key: str, template: str, **extra: Any) -> Any:
    body = {"template_id": template, "personalisation": {**ADDRESS, "name": "Jo", "ref": "R1"}, **extra}
    return api.v2("POST", "/v2/notifications/letter", key, body)


def get(api: InProcessApi, key: str, notification_id: str, suffix: str = "") -> Any:
    return api.v2("GET", f"/v2/notifications/{notification_id}{suffix}", key)


def bucket_objects(stack: LocalStack, logical_id: str) -> dict[str, bytes]:
    s3, bucket = boto3.client("s3"), stack.resolve({"Ref": logical_id})
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {key: s3.get_object(Bucket=bucket, Key=key)["Body"].read() for key in keys}


def test_a_templated_letter_is_rendered_handed_to_the_printer_and_received(
    api: InProcessApi,
    stack: LocalStack,
    service: SeededService,
    letter_template: str,
    letters: Callable[[], None],
) -> None:
    key = service.keys["normal"]
    reply = send_letter(api, key, letter_template, reference="my-ref")
    assert reply.status == 201, reply.body
    sent = reply.json()
    assert sent["content"] == {"body": "Dear Jo\r\n\r\n* one\r\n* two", "subject": "Letter R1"}
    assert sent["scheduled_for"] is None and sent["reference"] == "my-ref"
    shown = get(api, key, sent["id"]).json()
    assert (shown["type"], shown["status"], shown["line_1"], shown["line_3"], shown["postcode"]) == (
        "letter",
        "accepted",
        "A Person",
        "SW1A 1AA",
        None,  # `postcode` shows the personalisation key of that name (or address_line_7)
    )
    assert (shown["postage"], shown["is_cost_data_ready"]) == ("second", False)
    not_ready = get(api, key, sent["id"], "/pdf")  # asked before dispatch has rendered it
    assert (not_ready.status, not_ready.json()["errors"]) == (
        400,
        [{"error": "PDFNotReadyError", "message": "PDF not available yet, try again later"}],
    )

    letters()

    shown = get(api, key, sent["id"]).json()
    assert (shown["status"], shown["is_cost_data_ready"]) == ("accepted", True)
    assert shown["cost_details"] == {"billable_sheets_of_paper": 1, "postage": "second"}
    pdf = get(api, key, sent["id"], "/pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body.startswith(b"%PDF")
    stored = bucket_objects(stack, "LettersBucket")
    assert stored[f"7d/{service.id}/{sent['id']}.pdf"] == pdf.body  # the key's prefix is its retention

    dropped = {k: v for k, v in bucket_objects(stack, "PrintBucket").items() if sent["id"] in k}
    day = shown["created_at"][:10]
    assert set(dropped) == {f"7d/{day}/{sent['id']}.pdf", f"7d/{day}/{sent['id']}.json"}
    assert dropped[f"7d/{day}/{sent['id']}.pdf"] == pdf.body
    manifest = json.loads(dropped[f"7d/{day}/{sent['id']}.json"])
    assert {k: v for k, v in manifest.items() if k not in ("created_at", "handed_over_at")} == {
        "version": 1,
        "print_reference": f"print-{sent['id']}",
        "notification_id": sent["id"],
        "service_id": service.id,
        "pdf": f"7d/{day}/{sent['id']}.pdf",
        "postage": "second",
        "sheets": 1,
        "precompiled": False,
    }
    assert "A Person" not in json.dumps(manifest)  # no address in the manifest: the PDF carries it

    handed_over = datetime.fromisoformat(manifest["handed_over_at"].replace("Z", "+00:00"))
    receipts = next(p for p in stack.pollers if p._spec.logical_id == "ReceiptsFunction")
    assert stack.printer.run_once(handed_over + stack.print_delay - timedelta(seconds=1)) == 0  # not yet
    assert stack.printer.run_once(handed_over + stack.print_delay) >= 1
    while receipts.poll_once():
        pass
    assert get(api, key, sent["id"]).json()["status"] == "received"
    listed = api.v2("GET", "/v2/notifications?status=received&template_type=letter", key).json()
    assert [n["id"] for n in listed["notifications"]] == [sent["id"]]


def test_each_provider_topic_speaks_for_its_own_channel_only(
    api: InProcessApi,
    stack: LocalStack,
    service: SeededService,
    letter_template: str,
    templates: dict[str, str],
    letters: Callable[[], None],
) -> None:
    """The printer may publish to its topic only, and tells of letters only: a print reference naming an SMS's
    (the references table holds both) moves nothing, nor does a print event on SES's topic."""
    key = service.keys["normal"]
    letter = send_letter(api, key, letter_template).json()["id"]
    sms = send_sms(api, service, templates)["id"]
    letters()  # both handed over: the letter to the print drop, the SMS to SNS
    [handed] = in_outbox(sms)
    receipts = next(p for p in stack.pollers if p._spec.logical_id == "ReceiptsFunction")
    sns, topics = (
        boto3.client("sns"),
        {name: stack.resolve({"Ref": name}) for name in ("ProviderEventsTopic", "PrintEventsTopic")},
    )

    def printed(topic: str, reference: str) -> None:
        event = {"eventType": "LetterReceived", "printReference": reference}
        sns.publish(TopicArn=topics[topic], Message=json.dumps(event))
        while receipts.poll_once():
            pass

    printed("ProviderEventsTopic", f"print-{letter}")
    printed("PrintEventsTopic", str(handed["provider_reference"]))
    assert get(api, key, letter).json()["status"] == "accepted"
    assert get(api, key, sms).json()["status"] == "sending"
    printed("PrintEventsTopic", f"print-{letter}")
    assert get(api, key, letter).json()["status"] == "received"


def test_a_letter_s_qr_code_is_checked_when_sent_and_printed_as_one(
    api: InProcessApi, stack: LocalStack, service: SeededService, letters: Callable[[], None]
) -> None:
    """Spec §5.5 step 4 and §5.1: data past 504 bytes is a ValidationError with the data and both sizes."""
    fields = {"name": "QR", "type": "letter", "subject": "Renew", "content": "Scan to renew:\r\n\r\nqr: ((link))"}
    template = api.admin("POST", f"/admin/services/{service.id}/templates", fields).json()["data"]["id"]
    key, link = service.keys["normal"], "https://www.example.gov.uk/renew?ref=" + "A" * 467  # 504 bytes
    body = {"template_id": template, "personalisation": {**ADDRESS, "link": link + "B"}}
    refused = api.v2("POST", "/v2/notifications/letter", key, body)
    assert (refused.status, refused.json()["errors"]) == (
        400,
        [
            {
                "error": "ValidationError",
                "message": "Cannot create a usable QR code - the link is too long",
                "data": link + "B",
                "num_bytes": 505,
                "max_bytes": 504,
            }
        ],
    )
    sent = api.v2("POST", "/v2/notifications/letter", key, {**body, "personalisation": {**ADDRESS, "link": link}})
    assert sent.status == 201, sent.body
    letters()
    [printed] = [
        pdf for name, pdf in bucket_objects(stack, "PrintBucket").items() if name.endswith(f"{sent.json()['id']}.pdf")
    ]
    page = PdfReader(io.BytesIO(printed)).pages[0]
    assert page.get_contents().get_data().count(b" re f") > 100  # type: ignore[union-attr]
    assert "Scan to renew:" in page.extract_text() and link not in page.extract_text()  # drawn, not written


def test_test_key_letters_are_received_at_once_and_still_have_a_pdf(
    api: InProcessApi, service: SeededService, letter_template: str, letters: Callable[[], None]
) -> None:
    sent = send_letter(api, service.keys["test"], letter_template).json()
    letters()
    assert get(api, service.keys["test"], sent["id"]).json()["status"] == "received"
    assert get(api, service.keys["test"], sent["id"], "/pdf").body.startswith(b"%PDF")


def test_letters_refuse_team_keys_and_trial_mode(
    api: InProcessApi, service: SeededService, letter_template: str
) -> None:
    team = send_letter(api, service.keys["team"], letter_template)
    assert (team.status, team.json()["errors"]) == (
        403,
        [{"error": "BadRequestError", "message": "Cannot send letters with a team api key"}],
    )
    api.admin("POST", f"/admin/services/{service.id}", {"restricted": True})
    trial = send_letter(api, service.keys["normal"], letter_template)
    assert (trial.status, trial.json()["errors"][0]["message"]) == (
        403,
        "Cannot send letters when service is in trial mode",
    )
    assert send_letter(api, service.keys["test"], letter_template).status == 201  # test keys may


@pytest.mark.parametrize(
    ("personalisation", "message"),
    [
        ({"address_line_1": "A", "address_line_2": "B"}, "Address must be at least 3 lines"),
        ({**ADDRESS, "address_line_3": "NOT A POSTCODE"}, "Must be a real UK postcode"),
    ],
)
def test_bad_addresses_are_validation_errors(
    api: InProcessApi, service: SeededService, letter_template: str, personalisation: dict[str, str], message: str
) -> None:
    body = {"template_id": letter_template, "personalisation": {**personalisation, "name": "Jo", "ref": "R"}}
    reply = api.v2("POST", "/v2/notifications/letter", service.keys["normal"], body)
    assert (reply.status, reply.json()["errors"]) == (400, [{"error": "ValidationError", "message": message}])


def test_a_precompiled_letter_is_checked_then_accepted(
    api: InProcessApi, stack: LocalStack, service: SeededService, letters: Callable[[], None]
) -> None:
    key = service.keys["normal"]
    content = base64.b64encode(client_pdf("Ms B Client", "2 Low Road", "Leeds", "LS1 4AP")).decode()
    reply = api.v2("POST", "/v2/notifications/letter", key, {"reference": "ref-pdf", "content": content})
    assert reply.status == 201, reply.body
    sent = reply.json()
    assert set(sent) == {"id", "reference", "postage"} and (sent["reference"], sent["postage"]) == ("ref-pdf", "second")
    shown = get(api, key, sent["id"]).json()
    assert (shown["status"], shown["is_cost_data_ready"]) == ("pending-virus-check", False)
    assert get(api, key, sent["id"], "/pdf").json()["errors"][0]["error"] == "PDFNotReadyError"
    letters()
    shown = get(api, key, sent["id"]).json()
    assert (shown["status"], shown["line_1"], shown["postcode"]) == ("accepted", "Ms B Client", "LS1 4AP")
    assert shown["cost_details"] == {"billable_sheets_of_paper": 1, "postage": "second"}
    assert get(api, key, sent["id"], "/pdf").body == base64.b64decode(content)


@pytest.mark.parametrize("stored", ["sending", "created"], ids=["claimed by a dispatch", "back for a retry"])
def test_a_precompiled_letter_not_yet_checked_shows_no_pdf_and_lists_as_pending(
    api: InProcessApi, service: SeededService, letters: Callable[[], None], stored: str
) -> None:
    """Spec §3.7: PDFNotReadyError while the status is pending-virus-check, which a precompiled letter still is
    while a dispatch checks it (stored `sending`) or after a retry (`created`): its PDF is the client's, unscanned."""
    key = service.keys["normal"]
    body = {"reference": "unchecked", "content": base64.b64encode(client_pdf()).decode()}
    notification_id = api.v2("POST", "/v2/notifications/letter", key, body).json()["id"]
    store = wiring.deps().notifications
    assert store.transition(notification_id, ["pending-virus-check"], {"status": stored, "sent_at": datetime.now(UTC)})
    shown = get(api, key, notification_id).json()
    assert (shown["status"], shown["sent_at"]) == ("pending-virus-check", None)  # the claim's time is not shown
    assert get(api, key, notification_id, "/pdf").json()["errors"] == [
        {"error": "PDFNotReadyError", "message": "PDF not available yet, try again later"}
    ]
    listed = {
        status: [n["id"] for n in api.v2("GET", f"/v2/notifications?status={status}", key).json()["notifications"]]
        for status in ("pending-virus-check", "accepted")
    }
    assert listed == {"pending-virus-check": [notification_id], "accepted": []}
    assert store.transition(notification_id, [stored], {"status": "pending-virus-check"})  # as it was: queued


def test_a_precompiled_letter_whose_pdf_went_missing_fails_as_missing(
    api: InProcessApi, stack: LocalStack, service: SeededService, letters: Callable[[], None]
) -> None:
    """Dispatch reads a missing PDF as missing, not as an access fault: S3 says 404 only to a role that may list
    the bucket, else 403, so the dispatch role needs s3:ListBucket (without it the refusal fails this test)."""
    key = service.keys["normal"]
    sent = api.v2(
        "POST", "/v2/notifications/letter", key, {"reference": "r", "content": base64.b64encode(client_pdf()).decode()}
    )
    assert sent.status == 201, sent.body
    notification_id = sent.json()["id"]
    bucket = stack.resolve({"Ref": "LettersBucket"})
    stored = [k for k in bucket_objects(stack, "LettersBucket") if notification_id in k]
    assert len(stored) == 1
    boto3.client("s3").delete_object(Bucket=bucket, Key=stored[0])
    letters()
    assert get(api, key, notification_id).json()["status"] == "technical-failure"
    failed = wiring.deps().notifications.load_for_dispatch(notification_id)
    assert failed is not None and failed.failure_reason == NOT_STORED
    pdf = api.v2("GET", f"/v2/notifications/{notification_id}/pdf", key)  # spec §3.7
    assert (pdf.status, v2_errors(pdf)) == (
        400,
        [("BadRequestError", "PDF not available for letters in status technical-failure")],
    )


@pytest.mark.parametrize(
    ("pdf", "status", "pdf_error"),
    [
        (client_pdf() + b"\n%" + EICAR + b"\n", "virus-scan-failed", "File did not pass the virus scan"),
        (b"%PDF-1.4 this is not really a PDF", "validation-failed", None),
        (client_pdf("", "", ""), "validation-failed", None),  # nothing readable in the address window
    ],
    ids=["eicar", "not-a-pdf", "no-address"],
)
def test_precompiled_letters_that_fail_their_checks(
    api: InProcessApi,
    service: SeededService,
    letters: Callable[[], None],
    pdf: bytes,
    status: str,
    pdf_error: str | None,
) -> None:
    key = service.keys["normal"]
    body = {"reference": "r", "content": base64.b64encode(pdf).decode(), "postage": "first"}
    sent = api.v2("POST", "/v2/notifications/letter", key, body).json()
    assert sent["postage"] == "first"
    letters()
    shown = get(api, key, sent["id"]).json()
    assert (shown["status"], shown["cost_in_pounds"], shown["sent_at"]) == (status, 0.0, None)  # never sent
    assert shown["cost_details"] == {"billable_sheets_of_paper": 0, "postage": "first"}
    if pdf_error:
        assert get(api, key, sent["id"], "/pdf").json()["errors"] == [
            {"error": "BadRequestError", "message": pdf_error}
        ]


def test_precompiled_content_that_is_not_base64_is_refused(api: InProcessApi, service: SeededService) -> None:
    body = {"reference": "r", "content": "not base64!"}
    reply = api.v2("POST", "/v2/notifications/letter", service.keys["normal"], body)
    assert (reply.status, reply.json()["errors"]) == (
        400,
        [{"error": "BadRequestError", "message": "Cannot decode letter content (invalid base64 encoding)"}],
    )


def test_the_pdf_of_an_sms_is_refused(api: InProcessApi, service: SeededService) -> None:
    template = api.admin(
        "POST", f"/admin/services/{service.id}/templates", {"name": "S", "type": "sms", "content": "Hi"}
    ).json()["data"]["id"]
    sms = api.v2(
        "POST", "/v2/notifications/sms", service.keys["test"], {"phone_number": "07700900123", "template_id": template}
    ).json()
    reply = get(api, service.keys["test"], sms["id"], "/pdf")
    assert (reply.status, reply.json()["errors"]) == (
        400,
        [{"error": "BadRequestError", "message": "Notification is not a letter"}],
    )
    assert get(api, service.keys["test"], "nope", "/pdf").json()["errors"][0]["message"] == (
        "notification_id is not a valid UUID"
    )


def test_both_letter_buckets_expire_pdfs_with_their_notification(stack: LocalStack) -> None:
    s3 = boto3.client("s3")
    for logical_id in ("LettersBucket", "PrintBucket"):
        rules = s3.get_bucket_lifecycle_configuration(Bucket=stack.resolve({"Ref": logical_id}))["Rules"]
        by_prefix = {r["Filter"]["Prefix"]: r["Expiration"]["Days"] for r in rules}
        assert by_prefix == {f"{days}d/": days for days in range(1, 91)}  # every retention Tidings allows


def test_another_service_never_gets_a_letter_s_pdf(
    api: InProcessApi, service: SeededService, letter_template: str, letters: Callable[[], None]
) -> None:
    sent = send_letter(api, service.keys["normal"], letter_template).json()
    letters()
    assert get(api, service.keys["normal"], sent["id"], "/pdf").status == 200  # it exists, for its service
    other = seed_service(api, "Another service", ("normal",))
    foreign = get(api, other.keys["normal"], sent["id"], "/pdf")
    unknown_id = str(uuid.uuid4())
    unknown = get(api, other.keys["normal"], unknown_id, "/pdf")
    assert foreign.status == unknown.status == 404
    assert foreign.body.replace(sent["id"].encode(), b"<id>") == unknown.body.replace(unknown_id.encode(), b"<id>")


def test_a_letter_too_large_to_store_is_refused_not_a_500(
    api: InProcessApi, service: SeededService, letter_template: str
) -> None:
    noise = base64.b64encode(os.urandom(450_000)).decode()  # random: compression cannot save it
    body = {"template_id": letter_template, "personalisation": {**ADDRESS, "name": noise, "ref": "R"}}
    reply = api.v2("POST", "/v2/notifications/letter", service.keys["normal"], body)
    assert reply.status == 400, reply.body
    [error] = reply.json()["errors"]
    assert error["error"] == "BadRequestError"
    assert error["message"].startswith("Your message is too long. Letters must compress to 300000 bytes or fewer.")
