"""Which provider errors are worth retrying (throttling, outages) and which end a notification."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError

from tidings.domain.errors import ProviderError

RETRYABLE_CODES = frozenset(
    {
        "Throttling", "ThrottlingException", "ThrottledException", "TooManyRequestsException",
        "LimitExceededException", "InternalFailure", "InternalError", "InternalErrorException",
        "ServiceUnavailable", "ServiceUnavailableException", "KMSThrottlingException",
        "AccountSuspendedException", "SendingPausedException",  # an operator must act; keep the messages
    }
)  # fmt: skip
RECIPIENT_CODES = frozenset({"MessageRejected", "OptedOut"})
# SNS answers InvalidParameter for any parameter: the recipient's fault only when it names the phone number
# ("Invalid parameter: PhoneNumber Reason: ..."); otherwise the request was ours (a sender ID, an attribute).
PARAMETER_CODES = frozenset({"InvalidParameter", "InvalidParameterException"})


# A send is tried once by botocore (adapters/aws.py). Only what says no message went out is tried again here,
# after a short pause: a throttle, or a connection never made. Two more tries at most, and only while the send
# has taken less than RETRY_WINDOW_SECONDS: with one full try after it (PROVIDER_CALL_SECONDS), a send stays
# within dispatch's reserve. A timeout once connected may have sent, so it goes back to the queue, as every
# other failure does.
PAUSES_SECONDS = (0.1, 0.3)
RETRY_WINDOW_SECONDS = 1.5


def sent_once(
    send: Callable[[], str],
    pause: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """The provider's message id for `send`, or the ProviderError its last failure classifies as."""
    started = clock()
    for wait in PAUSES_SECONDS:
        try:
            return send()
        except (BotoCoreError, ClientError) as error:
            jittered = wait * (1 + random.random())  # noqa: S311 (jitter, not a secret)
            if not _nothing_sent(error) or clock() - started + jittered > RETRY_WINDOW_SECONDS:
                raise classify(error) from error
        pause(jittered)
    try:
        return send()
    except (BotoCoreError, ClientError) as error:
        raise classify(error) from error


def _nothing_sent(error: Exception) -> bool:
    if isinstance(error, ClientError):
        return _throttled(error)
    return isinstance(error, (EndpointConnectionError, ConnectTimeoutError))  # never connected


def _throttled(error: ClientError) -> bool:
    """SNS answers `Throttled` (429), KMS `KMSThrottling` (400), SES `TooManyRequestsException` (429)."""
    code = error.response.get("Error", {}).get("Code", "")
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
    return status == 429 or "Throttl" in code or code == "TooManyRequestsException"


def classify(error: Exception) -> ProviderError:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "Unknown")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
        if code in RETRYABLE_CODES or status >= 500 or _throttled(error):  # any throttle is worth waiting for
            return ProviderError(code, retryable=True)
        message = str(error.response.get("Error", {}).get("Message", ""))
        recipient = code in RECIPIENT_CODES or (code in PARAMETER_CODES and "PhoneNumber" in message)
        final = "permanent-failure" if recipient else "technical-failure"
        return ProviderError(code, retryable=False, final_status=final)
    if isinstance(error, BotoCoreError):  # connection errors, timeouts
        return ProviderError(type(error).__name__, retryable=True)
    raise error
