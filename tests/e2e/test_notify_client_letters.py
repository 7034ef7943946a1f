"""Spec §12 checks 37-40 (letters) with the official client, unchanged, against `tidings local`."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from tests.e2e.conftest import RunningStack, Seed, error_of, eventually
from tidings.domain.letters.render_pdf import LetterContent, render_letter

pytestmark = pytest.mark.e2e
ADDRESS = {"address_line_1": "A Person", "address_line_2": "1 High St", "address_line_3": "SW1A 1AA"}


def pdf_file() -> io.BytesIO:
    address = ("Ms B Client", "2 Low Road", "Leeds", "LS1 4AP")
    when = datetime(2026, 11, 23, tzinfo=UTC)
    return io.BytesIO(render_letter(LetterContent(address, "Heading", "Body", None, when)).pdf)


def test_37_send_a_letter(live: NotificationsAPIClient, seed: Seed) -> None:
    sent = live.send_letter_notification(seed.letter_t, {**ADDRESS, "name": "Jo", "ref": "R1"})
    assert uuid.UUID(sent["id"])
    assert (sent["content"]["body"], sent["content"]["subject"], sent["scheduled_for"]) == (
        "Dear Jo",
        "Letter R1",
        None,
    )
    shown = live.get_notification_by_id(sent["id"])
    assert (shown["type"], shown["status"], shown["line_1"]) == ("letter", "accepted", "A Person")
    assert shown["postage"] in ("first", "second", "economy")
    # The simulated printer answers a few seconds after the handoff: accepted → received.
    eventually(lambda: live.get_notification_by_id(sent["id"])["status"] == "received")
    assert live.get_notification_by_id(sent["id"])["cost_details"]["billable_sheets_of_paper"] == 1


@pytest.mark.parametrize(
    ("personalisation", "message"),
    [
        ({"address_line_1": "A Person", "address_line_2": "SW1A 1AA"}, "Address must be at least 3 lines"),
        ({**ADDRESS, "address_line_3": "NOT A POSTCODE"}, "Must be a real UK postcode"),
    ],
)
def test_38_bad_addresses(
    live: NotificationsAPIClient, seed: Seed, personalisation: dict[str, str], message: str
) -> None:
    call = lambda: live.send_letter_notification(seed.letter_t, {**personalisation, "name": "Jo", "ref": "R1"})  # noqa: E731
    assert error_of(call) == (400, [{"error": "ValidationError", "message": message}])


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("team", "Cannot send letters with a team api key"),
        ("restricted_live", "Cannot send letters when service is in trial mode"),
    ],
)
def test_38_team_keys_and_trial_mode_get_403(local_stack: RunningStack, seed: Seed, key: str, message: str) -> None:
    api_key = getattr(seed, key)
    client = NotificationsAPIClient(api_key, base_url=local_stack.url)
    template = seed.letter_t
    if key == "restricted_live":  # R needs a letter template of its own (the template is checked first)
        fields = {"name": "R letter", "type": "letter", "subject": "Letter ((ref))", "content": "Dear ((name))"}
        template = local_stack.admin().create_template(api_key[-73:-37], **fields)["id"]
    call = lambda: client.send_letter_notification(template, {**ADDRESS, "name": "Jo", "ref": "R1"})  # noqa: E731
    assert error_of(call) == (403, [{"error": "BadRequestError", "message": message}])


def test_39_precompiled_letters(live: NotificationsAPIClient) -> None:
    sent = live.send_precompiled_letter_notification("ref-pdf", pdf_file())
    assert uuid.UUID(sent["id"]) and {k: sent[k] for k in ("reference", "postage")} == {
        "reference": "ref-pdf",
        "postage": "second",
    }
    assert live.send_precompiled_letter_notification("ref-pdf", pdf_file(), postage="first")["postage"] == "first"
    third = lambda: live.send_precompiled_letter_notification("ref-pdf", pdf_file(), postage="third")  # noqa: E731
    assert error_of(third) == (
        400,
        [{"error": "ValidationError", "message": "postage invalid. It must be either first, second or economy."}],
    )
    shown = eventually(lambda: (n := live.get_notification_by_id(sent["id"]))["status"] != "pending-virus-check" and n)
    assert (shown["status"], shown["line_1"]) in (("accepted", "Ms B Client"), ("received", "Ms B Client"))


def test_40_the_pdf_of_a_letter(live: NotificationsAPIClient, seed: Seed) -> None:
    # Eight pages. Whether the first ask finds it rendered is a race with the stack's dispatcher, so the
    # not-ready answer before rendering is pinned in tests/integration/test_letters.py, where dispatch waits.
    long_body = {"name": "\n\n***\n\n".join(["Jo"] * 8), "ref": "R1"}
    sent = live.send_letter_notification(seed.letter_t, {**ADDRESS, **long_body})

    def pdf() -> bytes | None:
        try:
            return bytes(live.get_pdf_for_letter(sent["id"]).read())
        except HTTPError as error:  # the only answer until it exists, through the official client
            assert (error.status_code, error.message) == (
                400,
                [{"error": "PDFNotReadyError", "message": "PDF not available yet, try again later"}],
            )
            return None

    assert eventually(pdf).startswith(b"%PDF")
    sms = live.send_sms_notification("07700900123", seed.sms_t, {"name": "Jo"})
    assert error_of(lambda: live.get_pdf_for_letter(sms["id"])) == (
        400,
        [{"error": "BadRequestError", "message": "Notification is not a letter"}],
    )
