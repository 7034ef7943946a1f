"""Which AWS errors from SES and SNS are retried: throttles and outages; the rest end the notification."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from tidings.adapters import aws
from tidings.adapters.provider_errors import classify
from tidings.domain.dispatch import RESERVE_SECONDS


def client_error(code: str, status: int, message: str = "") -> ClientError:
    error = {"Code": code, "Message": message}
    return ClientError({"Error": error, "ResponseMetadata": {"HTTPStatusCode": status}}, "Publish")  # type: ignore[typeddict-item]


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("Throttled", 429),  # SNS's throttle
        ("KMSThrottling", 400),  # SNS when its topic key is throttled
        ("TooManyRequestsException", 429),  # SES
        ("InternalError", 500),
        ("SomethingNew", 503),
    ],
)
def test_throttles_and_outages_are_retried(code: str, status: int) -> None:
    assert classify(client_error(code, status)).retryable


@pytest.mark.parametrize(
    ("code", "status", "final"),
    [("MessageRejected", 400, "permanent-failure"), ("AccessDenied", 403, "technical-failure")],
)
def test_other_errors_end_the_notification(code: str, status: int, final: str) -> None:
    error = classify(client_error(code, status))
    assert (error.retryable, error.final_status) == (False, final)


def test_a_connection_error_is_retried() -> None:
    assert classify(EndpointConnectionError(endpoint_url="https://sns")).retryable


@pytest.mark.parametrize(
    ("message", "final"),
    [
        ("Invalid parameter: PhoneNumber Reason: +4470 is not valid to publish to", "permanent-failure"),
        ("Invalid parameter: MessageAttributes", "technical-failure"),  # our request, not the number
        ("", "technical-failure"),
    ],
)
def test_an_invalid_parameter_is_the_recipients_fault_only_when_it_is_the_number(message: str, final: str) -> None:
    error = classify(client_error("InvalidParameter", 400, message))
    assert (error.retryable, error.final_status) == (False, final)


def test_a_send_is_tried_once_within_dispatch_s_reserve() -> None:
    """botocore's retries of a send would take up to three timeouts, more than dispatch keeps in reserve before
    each notification it claimed: a function stopped there leaves the rest `sending`, never sent."""
    config: Any = aws.PROVIDER_CONFIG  # what sesv2() and sns() are created with
    assert config.retries == {"mode": "standard", "max_attempts": 1}
    assert config.connect_timeout + config.read_timeout <= aws.PROVIDER_CALL_SECONDS < RESERVE_SECONDS
