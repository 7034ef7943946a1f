"""Spec §12 checks 8-36 (letters, files, inbound and limits excepted) with the official client, unchanged."""

from __future__ import annotations

import io
import re
import socket
import time
import uuid
from typing import Any

import pytest
import requests
from notifications_python_client import NotificationsAPIClient, prepare_upload
from notifications_python_client.errors import HTTP503Error

from tests.e2e.conftest import RunningStack, Seed, error_of

pytestmark = pytest.mark.e2e
FINAL_WAIT_SECONDS = 30
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


@pytest.fixture(scope="module")
def test_client(local_stack: RunningStack, seed: Seed) -> NotificationsAPIClient:
    return NotificationsAPIClient(seed.test, base_url=local_stack.url)


def final_status(client: NotificationsAPIClient, notification_id: str) -> str:
    """Poll until the stack's dispatcher has finished with it (a bounded wait is the check itself)."""
    deadline = time.monotonic() + FINAL_WAIT_SECONDS
    while time.monotonic() < deadline:
        status = str(client.get_notification_by_id(notification_id)["status"])
        if status not in ("created", "sending"):
            return status
        time.sleep(0.2)
    raise AssertionError(f"{notification_id} still not final after {FINAL_WAIT_SECONDS}s")


def test_8_send_sms(live: NotificationsAPIClient, seed: Seed) -> None:
    sent = live.send_sms_notification("07700900123", seed.sms_t, {"name": "Jo"}, reference="r1")
    assert uuid.UUID(sent["id"]) and sent["reference"] == "r1"
    assert sent["content"]["body"] == "Hello Jo" and sent["content"]["from_number"]
    assert sent["uri"].endswith(f"/v2/notifications/{sent['id']}")
    assert sent["template"]["id"] == seed.sms_t and isinstance(sent["template"]["version"], int)
    assert sent["scheduled_for"] is None


def test_9_personalisation_keys_ignore_case(live: NotificationsAPIClient, seed: Seed) -> None:
    assert live.send_sms_notification("07700900123", seed.sms_t, {"NAME": "Jo"})["content"]["body"] == "Hello Jo"


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"personalisation": None}, ("BadRequestError", "Missing personalisation: name")),
        ({"template_id": "EMAIL_T"}, ("BadRequestError", "email template is not suitable for sms notification")),
        ({"template_id": "random"}, ("BadRequestError", "Template not found")),
        ({"template_id": "abc"}, ("ValidationError", "template_id is not a valid UUID")),
        ({"phone_number": "07700900abc"}, ("ValidationError", "phone_number Must not contain letters or symbols")),
        ({"phone_number": "123"}, ("ValidationError", "phone_number Not enough digits")),
        ({"phone_number": "07700900855123"}, ("ValidationError", "phone_number Too many digits")),
        ({"phone_number": "+12025550123"}, ("BadRequestError", "Cannot send to international mobile numbers")),
        ({"phone_number": "02079460000"}, ("InvalidPhoneError", "Not a UK mobile number")),
        ({"reference": "x" * 1001}, ("ValidationError", f"reference {'x' * 1001} is too long")),
        (
            {"personalisation": {"name": "x" * 913}},
            (
                "BadRequestError",
                "Your message is too long. Text messages cannot be longer than 918 characters. Your message is 919 characters long.",
            ),
        ),
        ({"template_id": "ARCH_T"}, ("BadRequestError", "Template has been deleted")),
    ],
    ids=[
        "10",
        "11",
        "12-unknown",
        "12-abc",
        "13-letters",
        "13-short",
        "13-long",
        "14-international",
        "14-landline",
        "15",
        "17",
        "18",
    ],
)
def test_10_to_18_sms_refusals(
    live: NotificationsAPIClient, seed: Seed, kwargs: dict[str, Any], expected: tuple[str, str]
) -> None:
    template_ids = {"EMAIL_T": seed.email_t, "ARCH_T": seed.arch_t, "random": str(uuid.uuid4())}
    call: dict[str, Any] = {
        "phone_number": "07700900123",
        "template_id": seed.sms_t,
        "personalisation": {"name": "Jo"},
        **kwargs,
    }
    call["template_id"] = template_ids.get(call["template_id"], call["template_id"])
    status, errors = error_of(lambda: live.send_sms_notification(**call))
    assert (status, errors) == (400, [{"error": expected[0], "message": expected[1]}])


def test_15_a_1000_character_reference_is_fine(live: NotificationsAPIClient, seed: Seed) -> None:
    assert live.send_sms_notification("07700900123", seed.sms_t, {"name": "Jo"}, reference="x" * 1000)["id"]


def test_16_unknown_sender(live: NotificationsAPIClient, seed: Seed) -> None:
    sender = str(uuid.uuid4())
    assert error_of(
        lambda: live.send_sms_notification("07700900123", seed.sms_t, {"name": "Jo"}, sms_sender_id=sender)
    ) == (
        400,
        [
            {
                "error": "BadRequestError",
                "message": f"sms_sender_id {sender} does not exist in database for service id {seed.service_id}",
            }
        ],
    )


def test_19_send_email(live: NotificationsAPIClient, seed: Seed) -> None:
    sent = live.send_email_notification("team@example.gov.uk", seed.email_t, {"name": "Amala", "items": ["a", "b"]})
    assert sent["content"]["subject"] == "Hi Amala" and "\n\n* a\n* b" in sent["content"]["body"]
    assert sent["content"]["from_email"].endswith("@notifications.tidings.example")
    assert sent["content"]["one_click_unsubscribe_url"] is None and sent["sanitised_content"] == {}


def test_20_bad_email_address(live: NotificationsAPIClient, seed: Seed) -> None:
    assert error_of(lambda: live.send_email_notification("not-an-email", seed.email_t, {"name": "A", "items": []})) == (
        400,
        [{"error": "ValidationError", "message": "email_address Not a valid email address"}],
    )


def test_21_one_click_unsubscribe(live: NotificationsAPIClient, seed: Seed) -> None:
    values = {"name": "A", "items": []}
    status, errors = error_of(
        lambda: live.send_email_notification(
            "team@example.gov.uk", seed.email_t, values, one_click_unsubscribe_url="http://x.com"
        )
    )
    assert (status, errors[0]["message"]) == (400, "one_click_unsubscribe_url is not a valid https url")
    sent = live.send_email_notification(
        "team@example.gov.uk", seed.email_t, values, one_click_unsubscribe_url="https://x.com/u?t=1"
    )
    assert sent["content"]["one_click_unsubscribe_url"] == "https://x.com/u?t=1"


def test_22_sanitise_content_for(live: NotificationsAPIClient, seed: Seed) -> None:
    value = "[click](https://evil.link)"
    sent = live.send_email_notification(
        "team@example.gov.uk", seed.email_t, {"name": value, "items": []}, sanitise_content_for=["name"]
    )
    sanitised = sent["sanitised_content"]["name"]
    assert sanitised["unsanitised"] == value and "https://evil.link" not in sanitised["sanitised"]
    assert "\\[" in sanitised["sanitised"] and "\\]" in sanitised["sanitised"]


def test_23_a_file_in_an_sms_is_refused(live: NotificationsAPIClient, seed: Seed) -> None:
    upload = prepare_upload(io.BytesIO(b"%PDF-1.4 hello"), filename="a.pdf")
    assert error_of(lambda: live.send_sms_notification("07700900123", seed.sms_t, {"name": upload})) == (
        400,
        [{"error": "BadRequestError", "message": "Can only send a file by email"}],
    )


def test_24_the_client_refuses_files_over_2mb_without_a_request() -> None:
    with pytest.raises(ValueError, match="File is larger than 2MB"):
        prepare_upload(io.BytesIO(b"x" * (2 * 1024 * 1024 + 1)))


def test_25_team_keys(local_stack: RunningStack, seed: Seed) -> None:
    team = NotificationsAPIClient(seed.team, base_url=local_stack.url)
    assert error_of(lambda: team.send_sms_notification("07700900999", seed.sms_t, {"name": "Jo"})) == (
        400,
        [{"error": "BadRequestError", "message": "Can’t send to this recipient using a team-only API key"}],
    )
    assert team.send_sms_notification("07700900123", seed.sms_t, {"name": "Jo"})["id"]


def test_26_trial_mode(local_stack: RunningStack, seed: Seed) -> None:
    restricted = NotificationsAPIClient(seed.restricted_live, base_url=local_stack.url)
    # R has no template of its own, so any template id is "not found": use one of R's.
    template = local_stack.admin().create_template(seed.restricted_live[-73:-37], name="R", type="sms", content="Hi")[
        "id"
    ]
    assert error_of(lambda: restricted.send_sms_notification("07700900999", template)) == (
        400,
        [
            {
                "error": "BadRequestError",
                "message": "Can’t send to this recipient when service is in trial mode – see https://www.notifications.service.gov.uk/trial-mode",
            }
        ],
    )


def test_27_test_keys_simulate_outcomes(
    test_client: NotificationsAPIClient, seed: Seed, local_stack: RunningStack
) -> None:
    sends = {
        "delivered": test_client.send_sms_notification("07700900999", seed.sms_t, {"name": "Jo"}),
        "temporary-failure": test_client.send_sms_notification("07700900003", seed.sms_t, {"name": "Jo"}),
        "permanent-failure": test_client.send_sms_notification("07700900002", seed.sms_t, {"name": "Jo"}),
    }
    email = test_client.send_email_notification("perm-fail@simulator.notify", seed.email_t, {"name": "A", "items": []})
    for expected, sent in sends.items():
        assert final_status(test_client, sent["id"]) == expected
    assert final_status(test_client, email["id"]) == "permanent-failure"
    outbox_ids = {
        m["notification_id"] for m in requests.get(f"{local_stack.url}/_local/outbox", timeout=10).json()["messages"]
    }
    assert not outbox_ids & {s["id"] for s in [*sends.values(), email]}


def test_28_lists_are_per_key_type(
    live: NotificationsAPIClient, test_client: NotificationsAPIClient, seed: Seed
) -> None:
    sent = test_client.send_sms_notification("07700900999", seed.sms_t, {"name": "Jo"})
    assert sent["id"] in [n["id"] for n in test_client.get_all_notifications()["notifications"]]
    assert sent["id"] not in [n["id"] for n in live.get_all_notifications()["notifications"]]
    assert live.get_notification_by_id(sent["id"])["id"] == sent["id"]


@pytest.mark.parametrize("recipient", ["07700900000", "simulate-delivered@notifications.service.gov.uk"])
def test_29_smoke_test_recipients_are_not_stored(live: NotificationsAPIClient, seed: Seed, recipient: str) -> None:
    if "@" in recipient:
        sent = live.send_email_notification(recipient, seed.email_t, {"name": "A", "items": []})
    else:
        sent = live.send_sms_notification(recipient, seed.sms_t, {"name": "Jo"})
    assert error_of(lambda: live.get_notification_by_id(sent["id"])) == (
        404,
        [{"error": "NoResultFound", "message": "No result found"}],
    )


def test_live_sends_appear_in_the_outbox_once_and_are_delivered(
    live: NotificationsAPIClient, seed: Seed, local_stack: RunningStack
) -> None:
    sent = live.send_sms_notification("07700900123", seed.sms_t, {"name": "Outbox"})
    assert final_status(live, sent["id"]) == "delivered"
    messages = requests.get(f"{local_stack.url}/_local/outbox", timeout=10).json()["messages"]
    assert [(m["recipient"], m["body"]) for m in messages if m["notification_id"] == sent["id"]] == [
        ("+447700900123", "Hello Outbox")
    ]


def test_30_the_notification_object(live: NotificationsAPIClient, seed: Seed) -> None:
    sent = live.send_sms_notification("07700900123", seed.sms_t, {"name": "Jo"}, reference="r30")
    n = live.get_notification_by_id(sent["id"])
    expected = {
        "id",
        "reference",
        "email_address",
        "phone_number",
        "line_1",
        "line_2",
        "line_3",
        "line_4",
        "line_5",
        "line_6",
        "postcode",
        "type",
        "status",
        "template",
        "body",
        "subject",
        "created_at",
        "sent_at",
        "completed_at",
        "scheduled_for",
        "created_by_name",
        "postage",
        "one_click_unsubscribe_url",
        "is_cost_data_ready",
        "cost_in_pounds",
        "cost_details",
    }
    assert expected <= set(n)
    assert (n["email_address"], n["phone_number"], n["type"], n["body"], n["subject"]) == (
        None,
        "07700900123",
        "sms",
        "Hello Jo",
        None,
    )
    assert {"id", "version", "uri"} <= set(n["template"]) and TIMESTAMP.match(n["created_at"])
    assert n["status"] in ("created", "sending", "pending", "sent", "delivered") and n["scheduled_for"] is None
    assert isinstance(n["is_cost_data_ready"], bool)


def test_31_bad_and_unknown_ids(live: NotificationsAPIClient) -> None:
    assert error_of(lambda: live.get_notification_by_id("not-a-uuid")) == (
        400,
        [{"error": "ValidationError", "message": "notification_id is not a valid UUID"}],
    )
    assert error_of(lambda: live.get_notification_by_id(str(uuid.uuid4())))[0] == 404


def test_32_lists_newest_first_with_links(live: NotificationsAPIClient, seed: Seed) -> None:
    live.send_sms_notification("07700900123", seed.sms_t, {"name": "Jo"})
    page = live.get_all_notifications()
    created = [n["created_at"] for n in page["notifications"]]
    assert created == sorted(created, reverse=True) and 0 < len(created) <= 250
    assert page["links"]["current"] and f"older_than={page['notifications'][-1]['id']}" in page["links"]["next"]


def test_33_filters_and_their_errors(live: NotificationsAPIClient, seed: Seed) -> None:
    live.send_email_notification("team@example.gov.uk", seed.email_t, {"name": "A", "items": []})
    assert {n["type"] for n in live.get_all_notifications(template_type="email")["notifications"]} == {"email"}
    assert error_of(lambda: live.get_all_notifications(template_type="fax")) == (
        400,
        [{"error": "ValidationError", "message": "template_type fax is not one of [sms, email, letter]"}],
    )
    assert error_of(lambda: live.get_all_notifications(status="elephant"))[1][0]["message"] == (
        "status elephant is not one of [cancelled, created, sending, sent, delivered, pending, failed, technical-failure, "
        "temporary-failure, permanent-failure, pending-virus-check, validation-failed, virus-scan-failed, returned-letter, accepted, received]"
    )


def test_34_failed_expands_to_every_failure(test_client: NotificationsAPIClient, seed: Seed) -> None:
    sent = test_client.send_sms_notification("07700900002", seed.sms_t, {"name": "Jo"})
    assert final_status(test_client, sent["id"]) == "permanent-failure"
    failed = test_client.get_all_notifications(status="failed")["notifications"]
    assert sent["id"] in [n["id"] for n in failed]
    assert {n["status"] for n in failed} <= {"permanent-failure", "temporary-failure", "technical-failure"}


def test_35_reference_and_unknown_older_than(live: NotificationsAPIClient, seed: Seed) -> None:
    reference = f"ref-{uuid.uuid4()}"
    sent = live.send_sms_notification("07700900123", seed.sms_t, {"name": "Jo"}, reference=reference)
    assert [n["id"] for n in live.get_all_notifications(reference=reference)["notifications"]] == [sent["id"]]
    empty = live.get_all_notifications(older_than=str(uuid.uuid4()))
    assert empty["notifications"] == [] and "next" not in empty["links"]


def test_the_iterator_walks_emails_too_long_for_one_answer(local_stack: RunningStack) -> None:
    """Six emails of 1.4 MB each as JSON: over Lambda's 6 MB answer as one page, so the pages hold fewer than
    250, and the official client's iterator still yields each once, newest first."""
    admin = local_stack.admin()
    service = admin.create_service(name="Long emails", restricted=False)["id"]
    key = admin.create_api_key(service, "k", "test")["key"]
    template = admin.create_template(service, name="E", type="email", subject="Hi", content="((name))")["id"]
    client = NotificationsAPIClient(key, base_url=local_stack.url)
    name = "All work and no play. " * (1_400_000 // 22)  # in the body only: a subject holds 998 characters
    sent = [client.send_email_notification("a@example.com", template, {"name": name})["id"] for _ in range(6)]
    first = client.get_all_notifications()["notifications"]
    assert 1 < len(first) < 6
    assert [n["id"] for n in client.get_all_notifications_iterator()] == sent[::-1]


def test_36_the_iterator_walks_260_notifications_in_3_requests(local_stack: RunningStack) -> None:
    admin = local_stack.admin()
    service = admin.create_service(name="Iterator", restricted=False)["id"]
    key = admin.create_api_key(service, "k", "test")["key"]
    template = admin.create_template(service, name="T", type="sms", content="Hi")["id"]
    client = NotificationsAPIClient(key, base_url=local_stack.url)
    sent = {client.send_sms_notification("07700900999", template)["id"] for _ in range(260)}
    requests_made: list[str] = []
    original = client.request

    def counting(method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        requests_made.append(url)
        return original(method, url, *args, **kwargs)

    client.request = counting  # type: ignore[method-assign]
    walked = [n["id"] for n in client.get_all_notifications_iterator()]
    assert len(walked) == 260 and set(walked) == sent
    assert len(requests_made) == 3


def test_48_a_server_that_cannot_be_reached_is_the_clients_503(seed: Seed) -> None:
    """The client's own answer when no Tidings answers at its base URL (a port bound but never listening, so
    every connection is refused)."""
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        client = NotificationsAPIClient(seed.live, base_url=f"http://127.0.0.1:{bound.getsockname()[1]}")
        with pytest.raises(HTTP503Error) as failed:
            client.get_notification_by_id(str(uuid.uuid4()))
    assert (failed.value.status_code, failed.value.message, str(failed.value)) == (
        503,
        "Request failed",
        "503 - Request failed",
    )
