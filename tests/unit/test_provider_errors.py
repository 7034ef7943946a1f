"""Which AWS errors from SES and SNS are retried: throttles and outages; the rest end the notification."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from tidings.adapters.provider_errors import classify


def client_error(code: str, status: int) -> ClientError:
    return ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "Publish")


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
