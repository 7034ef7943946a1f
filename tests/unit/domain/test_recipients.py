"""Phone (spec §5.3) and email (§5.4) rules, with Notify's messages."""

from __future__ import annotations

import pytest

from tidings.domain.email_address import EmailAddressError, normalise_email_address
from tidings.domain.phone import NOT_VALID, PhoneNumberError, parse_phone_number


@pytest.mark.parametrize(
    "number", ["07700900855", "+447700900855", "0044 7700 900855", "+(44) 77009-00855", "447700900855"]
)
def test_uk_mobile_forms_normalise_alike(number: str) -> None:
    parsed = parse_phone_number(number)
    assert (parsed.e164, parsed.is_uk, parsed.is_mobile) == ("447700900855", True, True)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("07700900abc", "Must not contain letters or symbols"),
        ("+447700900855.", "Must not contain letters or symbols"),
        ("", "Not enough digits"),
        ("123", "Not enough digits"),
        ("07700900855123", "Too many digits"),
        ("+44770090085512345", "Too many digits"),
        ("0800 123 4567", NOT_VALID),
        ("+2351234567", NOT_VALID),
    ],
)
def test_invalid_numbers(number: str, message: str) -> None:
    with pytest.raises(PhoneNumberError) as error:
        parse_phone_number(number)
    assert str(error.value) == message


def test_landlines_and_international_numbers_pass_the_schema() -> None:
    landline, american = parse_phone_number("020 7946 0000"), parse_phone_number("+12025550123")
    assert (landline.e164, landline.is_uk_landline) == ("442079460000", True)
    assert (american.e164, american.is_uk) == ("12025550123", False)


def test_the_ofcom_drama_range_is_always_a_uk_mobile() -> None:
    assert parse_phone_number("07700900000").is_mobile


@pytest.mark.parametrize(
    "address",
    ["team@example.gov.uk", "perm-fail@simulator.notify", "a.b+c@xn--bcher-kva.example", "x@bücher.de"],
)
def test_valid_email_addresses(address: str) -> None:
    assert normalise_email_address(f"  {address} ") == address


@pytest.mark.parametrize(
    "address",
    ["not-an-email", "a..b@x.com", "x@y", "a@b.c", "a b@x.com", "a@-x.com", "a@x.123", f"{'a' * 320}@x.com"],
)
def test_invalid_email_addresses(address: str) -> None:
    with pytest.raises(EmailAddressError, match="Not a valid email address"):
        normalise_email_address(address)
