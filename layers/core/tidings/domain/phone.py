"""Phone number rules of the v2 schema (spec §5.3), on top of libphonenumber's metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from tidings.domain.rates import rate_table

# Notify's rule: ASCII digits, its whitespace (string.whitespace plus the zero-width and no-break spaces
# of notifications-utils' ALL_WHITESPACE) and ()+-. Python's \d and \s would also pass other scripts'
# digits and spaces.
WHITESPACE = " \t\n\r\x0b\x0c\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029\u00a0\u202f"
ALLOWED_CHARACTERS = re.compile(f"^[0-9(){re.escape(WHITESPACE)}+\\-]*$")
NOT_VALID = "Number is not valid – double check the phone number you entered"
NO_COUNTRY_PREFIX = "Not a valid country prefix"
UK_COUNTRY_CODE = 44
OFCOM_DRAMA_PREFIX = "7700900"  # 07700 900xxx: reserved for TV and tests, always a valid UK mobile
MIN_INTERNATIONAL_DIGITS, MAX_INTERNATIONAL_DIGITS = 8, 15


@cache
def _lib() -> ModuleType:
    """libphonenumber's metadata is large: load it when the first number arrives, not at cold start."""
    import phonenumbers  # noqa: PLC0415

    return phonenumbers


@cache
def _rules() -> dict[str, Any]:
    lib = _lib()
    result, kind = lib.ValidationResult, lib.PhoneNumberType
    return {
        "accepted": frozenset({kind.MOBILE, kind.FIXED_LINE, kind.FIXED_LINE_OR_MOBILE}),
        "uk": {
            result.TOO_SHORT: "Not enough digits",
            result.TOO_LONG: "Too many digits",
            result.INVALID_COUNTRY_CODE: NO_COUNTRY_PREFIX,
            result.INVALID_LENGTH: NOT_VALID,
        },
        "international": {result.INVALID_COUNTRY_CODE: NO_COUNTRY_PREFIX},
    }


class PhoneNumberError(ValueError):
    """The number breaks a schema rule; the message is Notify's."""


@dataclass(frozen=True)
class PhoneNumber:
    e164: str  # digits only, no "+" (447700900855), as Notify normalises
    country_code: int
    is_mobile: bool
    region: str = "GB"

    @property
    def is_uk(self) -> bool:  # crown dependencies share +44 and count as UK
        return self.country_code == UK_COUNTRY_CODE

    @property
    def is_uk_landline(self) -> bool:
        return self.is_uk and not self.is_mobile


def parse_phone_number(raw: str) -> PhoneNumber:
    if not ALLOWED_CHARACTERS.match(raw):
        raise PhoneNumberError("Must not contain letters or symbols")
    lib = _lib()
    try:
        number = lib.parse(_with_country_code(raw), "GB")
    except lib.NumberParseException as error:
        raise PhoneNumberError("Not enough digits") from error
    national = str(number.national_number)
    if number.country_code == UK_COUNTRY_CODE and national.startswith(OFCOM_DRAMA_PREFIX):
        if len(national) != 10:
            raise PhoneNumberError("Not enough digits" if len(national) < 10 else "Too many digits")
        return PhoneNumber(e164=f"44{national}", country_code=UK_COUNTRY_CODE, is_mobile=True, region="GB")
    _check_length(number)
    if not rate_table().supports_dial_code(number.country_code or 0):
        raise PhoneNumberError(NO_COUNTRY_PREFIX)
    number_type = lib.number_type(number)
    if not lib.is_valid_number(number) or number_type not in _rules()["accepted"]:
        raise PhoneNumberError(NOT_VALID)
    return PhoneNumber(
        e164=f"{number.country_code}{national}",
        country_code=number.country_code or 0,
        is_mobile=number_type != lib.PhoneNumberType.FIXED_LINE,
        region=lib.region_code_for_number(number) or "",
    )


def _check_length(number: Any) -> None:
    if number.country_code != UK_COUNTRY_CODE:
        # Outside the UK Notify counts digits (8 to 15 with the country code), then asks for validity.
        digits = len(f"{number.country_code}{number.national_number}")
        if digits < MIN_INTERNATIONAL_DIGITS:
            raise PhoneNumberError("Not enough digits")
        if digits > MAX_INTERNATIONAL_DIGITS:
            raise PhoneNumberError("Too many digits")
    reasons = _rules()["uk" if number.country_code == UK_COUNTRY_CODE else "international"]
    reason = _lib().is_possible_number_with_reason(number)
    if reason in reasons:
        raise PhoneNumberError(reasons[reason])


def _with_country_code(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    if digits.startswith("00"):
        return f"+{digits[2:]}"
    if raw.lstrip().startswith("+") or (digits.startswith("44") and len(digits) > 11):
        return f"+{digits}"
    return digits
