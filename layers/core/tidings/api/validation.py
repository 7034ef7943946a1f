"""JSON Schema validation with Notify's message rules (spec §5.2), used by the /v2 dialect."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from tidings.domain.email_address import EmailAddressError, normalise_email_address
from tidings.domain.errors import ValidationFailed

FORMATS = FormatChecker(formats=())


@FORMATS.checks("uuid", raises=ValueError)
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(UUID(value))


@FORMATS.checks("phone_number", raises=ValueError)  # PhoneNumberError is a ValueError
def _is_phone_number(value: object) -> bool:
    from tidings.domain.phone import parse_phone_number  # noqa: PLC0415 (phone metadata only when a number comes)

    return not isinstance(value, str) or bool(parse_phone_number(value))


@FORMATS.checks("email_address", raises=EmailAddressError)
def _is_email_address(value: object) -> bool:
    return not isinstance(value, str) or bool(normalise_email_address(value))


@FORMATS.checks("https_url", raises=ValueError)
def _is_https_url(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in value):
        raise ValueError("is not a valid https url")
    return True


class Schema:
    """A request schema; its validator is built on first use (cold starts pay only for what they check)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._validator: Draft7Validator | None = None

    def check(self, instance: Any) -> None:
        if self._validator is None:
            self._validator = Draft7Validator(self.schema, format_checker=FORMATS)
        messages = list(dict.fromkeys(_message(e) for e in self._validator.iter_errors(instance)))
        if messages:
            raise ValidationFailed(messages)


def _message(error: ValidationError) -> str:
    field = error.path[0] if error.path else None
    if isinstance(error.schema, dict) and "validationMessage" in error.schema:
        return f"{field} {error.schema['validationMessage']}"
    text = (str(error.cause) if error.cause else error.message).replace("'", "")
    return f"{field} {text}" if field is not None else text
