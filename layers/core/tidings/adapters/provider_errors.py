"""Which provider errors are worth retrying (throttling, outages) and which end a notification."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

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


def classify(error: Exception) -> ProviderError:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "Unknown")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 400)
        # SNS answers `Throttled` (429), KMS `KMSThrottling` (400): any throttle is worth waiting for
        if code in RETRYABLE_CODES or status >= 500 or status == 429 or "Throttl" in code:
            return ProviderError(code, retryable=True)
        message = str(error.response.get("Error", {}).get("Message", ""))
        recipient = code in RECIPIENT_CODES or (code in PARAMETER_CODES and "PhoneNumber" in message)
        final = "permanent-failure" if recipient else "technical-failure"
        return ProviderError(code, retryable=False, final_status=final)
    if isinstance(error, BotoCoreError):  # connection errors, timeouts
        return ProviderError(type(error).__name__, retryable=True)
    raise error
