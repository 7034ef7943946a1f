"""Domain errors. Each dialect maps them to its own envelope in one exception table."""

from __future__ import annotations

# Notify's words for a service without the channel's permission (both dialects use them).
NOT_ALLOWED = {
    "sms": "Service is not allowed to send text messages",
    "email": "Service is not allowed to send emails",
}
# Notify's words for a recipient outside a trial-mode service's guest list (both dialects use them).
TRIAL_MODE = (
    "Can’t send to this recipient when service is in trial mode – see "
    "https://www.notifications.service.gov.uk/trial-mode"
)


class TidingsError(Exception):
    """Base class: a failure the caller can be told about (never a 500)."""

    # Raised once the recipient had passed as an international mobile number: its daily limit comes first (spec
    # §5.5 step 7), so a refusal of what follows (files, length) is a 429 once that limit is spent.
    after_international_recipient = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AuthError(TidingsError):
    """Authentication failed; `status` is 401 or 403 as Notify's auth table says."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.status = status


class ValidationFailed(TidingsError):
    """Input failed schema validation; one message per distinct problem. `details` go beside each message
    (a QR code's data and sizes, spec §5.1)."""

    def __init__(self, messages: list[str], details: dict[str, object] | None = None) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages
        self.details = details or {}


class BadRequest(TidingsError):
    """A business rule refused the request (400 unless a status is given)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class PdfNotReady(TidingsError):
    """A letter's PDF does not exist yet (Notify's PDFNotReadyError, 400)."""

    def __init__(self, message: str = "PDF not available yet, try again later") -> None:
        super().__init__(message)


class InvalidPhone(TidingsError):
    """A phone number is valid but not allowed for this service (Notify's InvalidPhoneError)."""


class NotFound(TidingsError):
    """The thing does not exist for this caller (other tenants' ids included)."""

    def __init__(self, message: str = "No result found") -> None:
        super().__init__(message)


class QueueUnavailable(Exception):
    """The dispatch queue refused a message; the sweeper will enqueue it later."""


class ProviderError(Exception):
    """A provider refused a send. `retryable` errors go back to the queue; others end the notification."""

    def __init__(self, reason: str, retryable: bool, final_status: str = "technical-failure") -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.final_status = final_status


class Refused(TidingsError):
    """A rule refused the request, with a machine-readable `code` (the /v1 dialect shows it as is)."""

    def __init__(self, code: str, message: str, status: int = 422, fields: list[str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.fields = fields or []
