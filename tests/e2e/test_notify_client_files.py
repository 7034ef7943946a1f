"""Spec §12 checks 23 and 24, send a file by email, with the official client unchanged against `tidings local`;
then the link in the email, fetched as a plain HTTP client would (the browser's turn is in
test_file_download_browser.py)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
import requests
from notifications_python_client import NotificationsAPIClient, prepare_upload

from tests.e2e.conftest import RunningStack, Seed, error_of

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4 \xe2\x80\xa6 a small but real-looking file \x00\x01\x02"
RECIPIENT = "team@example.gov.uk"


def send(live: NotificationsAPIClient, seed: Seed, upload: dict[str, Any]) -> dict[str, Any]:
    sent: dict[str, Any] = live.send_email_notification(RECIPIENT, seed.email_t, {"name": "Amala", "items": upload})
    return sent


def link_in(body: str, local_stack: RunningStack, seed: Seed) -> str:
    match = re.search(rf"{re.escape(local_stack.url)}/d/{seed.service_id}/[0-9a-f-]{{36}}\?key=[\w-]+", body)
    assert match, body
    return match.group(0)


def test_23_an_email_with_a_file_gets_a_link_and_never_the_base64(
    live: NotificationsAPIClient, seed: Seed, local_stack: RunningStack
) -> None:
    upload = prepare_upload(io.BytesIO(PDF), filename="a.pdf")
    sent = send(live, seed, upload)
    body = sent["content"]["body"]
    assert upload["file"] not in body and body.startswith("Dear Amala")
    link = link_in(body, local_stack, seed)
    assert live.get_notification_by_id(sent["id"])["body"] == body  # what is stored holds the link too

    page = requests.get(link, timeout=10)
    assert page.status_code == 200 and "Confirm your email address" in page.text
    wrong = requests.post(link, data={"email_address": "not.them@example.gov.uk"}, timeout=10)
    assert wrong.status_code == 403 and "That is not the email address the file was sent to" in wrong.text
    right = requests.post(link, data={"email_address": RECIPIENT.upper()}, timeout=10)
    assert right.status_code == 200 and right.content == PDF
    assert right.headers["Content-Type"] == "application/pdf"
    assert right.headers["Content-Disposition"].startswith('attachment; filename="a.pdf"')


def test_23_the_same_upload_in_an_sms_is_refused(live: NotificationsAPIClient, seed: Seed) -> None:
    upload = prepare_upload(io.BytesIO(PDF), filename="a.pdf")
    assert error_of(lambda: live.send_sms_notification("07700900123", seed.sms_t, {"name": upload})) == (
        400,
        [{"error": "BadRequestError", "message": "Can only send a file by email"}],
    )


def test_23_without_confirmation_the_link_serves_the_file(
    live: NotificationsAPIClient, seed: Seed, local_stack: RunningStack
) -> None:
    upload = prepare_upload(io.BytesIO(b"a,b\n1,2\n"), filename="data.csv", confirm_email_before_download=False)
    link = link_in(send(live, seed, upload)["content"]["body"], local_stack, seed)
    page = requests.get(link, timeout=10)
    assert page.status_code == 200 and "<input" not in page.text
    download = requests.get(f"{link}&download=1", timeout=10)
    assert (download.status_code, download.content, download.headers["Content-Type"]) == (
        200,
        b"a,b\n1,2\n",
        "text/csv",
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"filename": "no-extension"}, "filename `filename` must end with a file extension. For example, filename.csv"),
        (
            {"retention_period": "100 weeks"},
            "retention_period Unsupported value for retention_period: 100 weeks. Supported periods are from 1 to 78 weeks.",
        ),
        (
            {"confirm_email_before_download": "yes"},
            "confirm_email_before_download Unsupported value for confirm_email_before_download: yes. "
            "Use a boolean true or false value.",
        ),
    ],
)
def test_23_upload_options_are_checked(
    live: NotificationsAPIClient, seed: Seed, options: dict[str, Any], message: str
) -> None:
    upload = prepare_upload(io.BytesIO(PDF), **options)
    assert error_of(lambda: send(live, seed, upload)) == (400, [{"error": "ValidationError", "message": message}])


def test_23_another_service_cannot_open_the_file_through_its_own_path(
    live: NotificationsAPIClient, seed: Seed, local_stack: RunningStack
) -> None:
    link = link_in(
        send(live, seed, prepare_upload(io.BytesIO(PDF), filename="a.pdf"))["content"]["body"], local_stack, seed
    )
    other = local_stack.demo["service_id"]
    for url in (link.replace(seed.service_id, other), link.split("?")[0], re.sub(r"key=.*", "key=guess", link)):
        reply = requests.post(url, data={"email_address": RECIPIENT}, timeout=10)
        assert reply.status_code == 404 and "No file was found at this address" in reply.text
        assert PDF not in reply.content


def test_24_the_client_refuses_a_file_over_2mb_and_sends_nothing(
    live: NotificationsAPIClient, seed: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = requests.Session.request

    def recording(session: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(url)
        return original(session, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", recording)
    with pytest.raises(ValueError, match=r"^File is larger than 2MB$"):
        send(live, seed, prepare_upload(io.BytesIO(b"x" * (2 * 1024 * 1024 + 1))))
    assert calls == []
    just_fits = prepare_upload(io.BytesIO(b"x" * (2 * 1024 * 1024)), filename="big.txt")
    assert send(live, seed, just_fits)["id"] and len(calls) == 1  # the recorder does see the client's requests
