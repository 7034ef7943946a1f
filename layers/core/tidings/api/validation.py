"""JSON Schema validation with Notify's message rules (spec §5.2), used by the /v2 dialect.

jsonschema (and the phone metadata) load on the first check, not at import: a function's cold start pays
only for what its requests use.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tidings.domain.email_address import normalise_email_address
from tidings.domain.errors import ValidationFailed
from tidings.domain.urls import hostname_of, is_uri_text

if TYPE_CHECKING:
    from jsonschema import Draft7Validator, FormatChecker
    from jsonschema.exceptions import ValidationError


def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(UUID(value))


def _is_phone_number(value: object) -> bool:
    from tidings.domain.phone import parse_phone_number  # noqa: PLC0415

    return not isinstance(value, str) or bool(parse_phone_number(value))


def _is_email_address(value: object) -> bool:
    return not isinstance(value, str) or bool(normalise_email_address(value))


def _is_https_url(value: object) -> bool:
    """Notify's rule (spec §3.2): a valid URI that matches `^https` (so in lower case). It goes in a
    List-Unsubscribe header as `<url>`, so a character no URI holds (`<`, `>`, `"`, a space) is refused. Stricter
    than Notify in one way: the URI must name a host (`https:x.com` could unsubscribe nobody)."""
    if not isinstance(value, str):
        return True
    if not value.startswith("https://") or not hostname_of(value) or not is_uri_text(value):
        raise ValueError("is not a valid https url")
    return True


def _is_postage(value: object) -> bool:
    if isinstance(value, str) and value not in ("first", "second", "economy"):
        raise ValueError("invalid. It must be either first, second or economy.")
    return True


@cache
def formats() -> FormatChecker:
    """Our formats; each raises a ValueError (PhoneNumberError and EmailAddressError are ones) with the message."""
    from jsonschema import FormatChecker  # noqa: PLC0415

    checker = FormatChecker(formats=())
    for name, check in (
        ("uuid", _is_uuid),
        ("phone_number", _is_phone_number),
        ("email_address", _is_email_address),
        ("https_url", _is_https_url),
        ("postage", _is_postage),
    ):
        checker.checks(name, raises=ValueError)(check)
    return checker


class Schema:
    """A request schema; its validator is built on first use."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._validator: Draft7Validator | None = None

    def check(self, instance: Any, more: Sequence[str] = ()) -> None:
        """Every message the schema gives, then `more` (the request's own rules'), in one ValidationError."""
        if self._validator is None:
            from jsonschema import Draft7Validator  # noqa: PLC0415

            self._validator = Draft7Validator(self.schema, format_checker=formats())
        messages = list(dict.fromkeys([*(_message(e) for e in self._validator.iter_errors(instance)), *more]))
        if messages:
            raise ValidationFailed(messages)


def _message(error: ValidationError) -> str:
    field = error.path[0] if error.path else None
    if isinstance(error.schema, dict) and "validationMessage" in error.schema:
        return f"{field} {error.schema['validationMessage']}"
    text = (str(error.cause) if error.cause else error.message).replace("'", "")
    return f"{field} {text}" if field is not None else text
