"""Which AWS errors from SES and SNS are retried: throttles and outages; the rest end the notification."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

from tidings.adapters import aws
from tidings.adapters.provider_errors import PAUSES_SECONDS, RETRY_WINDOW_SECONDS, classify, sent_once
from tidings.domain.dispatch import RESERVE_SECONDS
from tidings.domain.errors import ProviderError


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


def test_a_send_is_tried_once_within_dispatch_s_reserve(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's retries of a send would take up to three timeouts, more than dispatch keeps in reserve before
    each notification it claimed: a function stopped there leaves the rest `sending`, never sent."""
    for name, value in {
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
    }.items():
        monkeypatch.setenv(name, value)  # no credential lookup: the clients are built, never called
    for make in (aws.sesv2, aws.sns):
        make.cache_clear()
        config: Any = make().meta.config
        make.cache_clear()  # the next caller builds its own, under its own environment
        assert config.retries["total_max_attempts"] == 1
        assert config.connect_timeout + config.read_timeout <= aws.PROVIDER_CALL_SECONDS
    # Tried again only within the retry window, then one full try: within the reserve, however slow each was.
    assert RETRY_WINDOW_SECONDS + aws.PROVIDER_CALL_SECONDS < RESERVE_SECONDS


class Sends:
    """A provider's answers in turn, each taking `took` seconds on an injected clock; pauses advance it too."""

    def __init__(self, *answers: Exception | str, took: float = 0.01) -> None:
        self.answers, self.calls, self.pauses = list(answers), 0, list[float]()
        self.now, self.took = 0.0, took

    def __call__(self) -> str:
        self.calls += 1
        self.now += self.took
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def test_a_throttled_or_unconnected_send_is_tried_again_after_a_pause() -> None:
    """A throttle, or a connection never made, says the message did not go out: worth two more tries at once
    rather than a wait of the queue's visibility timeout (and one of its five receives)."""
    send = Sends(client_error("Throttled", 429), EndpointConnectionError(endpoint_url="https://sns"), "mid-1")
    assert sent_once(send, send.pause, send.clock) == "mid-1"
    assert send.calls == 3 and len(send.pauses) == 2
    assert all(p <= s <= 2 * p for p, s in zip(PAUSES_SECONDS, send.pauses, strict=True))


def test_a_send_that_may_have_gone_out_or_was_refused_is_not_tried_again() -> None:
    for failure in (ReadTimeoutError(endpoint_url="https://sns"), client_error("MessageRejected", 400)):
        send = Sends(failure, "never")
        with pytest.raises(ProviderError):
            sent_once(send, send.pause, send.clock)
        assert (send.calls, send.pauses) == (1, [])


def test_a_throttle_that_lasts_goes_back_to_the_queue() -> None:
    send = Sends(*[client_error("TooManyRequestsException", 429)] * 3)
    with pytest.raises(ProviderError) as refused:
        sent_once(send, send.pause, send.clock)
    assert (refused.value.retryable, send.calls) == (True, 3)


def test_a_slow_failure_is_not_tried_again_past_the_retry_window() -> None:
    """Two connect timeouts (2 s each) would leave too little of dispatch's reserve for a third, full try."""
    send = Sends(EndpointConnectionError(endpoint_url="https://sns"), "never", took=2.0)
    with pytest.raises(ProviderError) as refused:
        sent_once(send, send.pause, send.clock)
    assert (refused.value.retryable, send.calls, send.pauses) == (True, 1, [])
