"""Postal addresses (spec §3.3, §5.5 step 6): every validation message, the postcode, countries and BFPO."""

from __future__ import annotations

import pytest

from tidings.domain.errors import ValidationFailed
from tidings.domain.letters.address import (
    BAD_START,
    BFPO_COUNTRY,
    FIRST_TWO,
    NOT_REAL,
    POSTCODE_OR_COUNTRY,
    TOO_FEW,
    TOO_MANY,
    UK_POSTCODE,
    address_slots,
    is_real_uk_postcode,
    validate_address,
)


def slots(*lines: str | None) -> list[str | None]:
    return [*lines, *[None] * (7 - len(lines))]


def refusal(lines: list[str | None], international: bool = False) -> str:
    with pytest.raises(ValidationFailed) as caught:
        validate_address(lines, international)
    [message] = caught.value.messages
    return message


def test_the_messages_are_notify_s() -> None:
    assert TOO_FEW == "Address must be at least 3 lines"
    assert TOO_MANY == "Address must be no more than 7 lines"
    assert FIRST_TWO == "The first 2 lines of the address must both include at least one alphanumeric character"
    assert UK_POSTCODE == "Must be a real UK postcode"
    assert POSTCODE_OR_COUNTRY == "Last line of address must be a real UK postcode or another country"
    assert BAD_START == "Address lines must not start with any of the following characters: @ ( ) = [ ] ” \\ / , < >"
    assert NOT_REAL == "Must be a real address"
    assert BFPO_COUNTRY == "The last line of a BFPO address must not be a country."


def test_a_uk_address_is_tidied_and_its_postcode_formatted() -> None:
    address = validate_address(slots("  A  Person ", "", "1 High St,", "sw1a1aa"), False)
    assert (address.lines, address.zone) == (("A Person", "1 High St", "SW1A 1AA"), None)


@pytest.mark.parametrize(
    ("lines", "international", "message"),
    [
        (slots("A Person", "SW1A 1AA"), False, TOO_FEW),
        (slots("A Person", "", "   ", "SW1A 1AA"), False, TOO_FEW),  # empty lines do not count
        (["1", "2", "3", "4", "5", "6", "7", "SW1A 1AA"], False, TOO_MANY),
        (slots("A Person", "---", "SW1A 1AA"), False, FIRST_TWO),
        (slots("A Person", "1 High St", "NOT A POSTCODE"), False, UK_POSTCODE),
        (slots("A Person", "1 High St", "France"), False, UK_POSTCODE),  # no international letters
        (slots("A Person", "1 High St", "Atlantis"), True, POSTCODE_OR_COUNTRY),
        (slots("A Person", "(1 High St)", "SW1A 1AA"), False, BAD_START),
        (slots("A Person", "1 High St", "=London", "SW1A 1AA"), False, BAD_START),
        (slots("”Quoted", "1 High St", "SW1A 1AA"), False, BAD_START),
        (slots("A Person", "No fixed abode", "SW1A 1AA"), False, NOT_REAL),
        (slots("A Person", "NFA", "SW1A 1AA"), False, NOT_REAL),
        (slots("Sgt A Person", "BFPO 1234", "Germany"), True, BFPO_COUNTRY),
    ],
)
def test_each_rule_refuses_with_its_message(lines: list[str | None], international: bool, message: str) -> None:
    assert refusal(lines, international) == message


def test_the_first_rule_broken_wins() -> None:
    assert refusal(slots("@A Person", "NOT A POSTCODE")) == TOO_FEW
    assert refusal(slots("@A Person", "1 High St", "NOT A POSTCODE")) == UK_POSTCODE


def test_a_country_sets_the_international_zone_when_allowed() -> None:
    assert validate_address(slots("A Person", "1 Rue X", "75001 Paris", "France"), True).zone == "europe"
    assert validate_address(slots("A Person", "1 Main St", "NY 10001", "USA"), True).zone == "rest-of-world"


def test_united_kingdom_under_a_postcode_is_dropped() -> None:
    address = validate_address(slots("A Person", "1 High St", "SW1A 1AA", "United Kingdom"), True)
    assert (address.lines, address.zone) == (("A Person", "1 High St", "SW1A 1AA"), None)


def test_bfpo_addresses_may_end_with_their_bfpo_number_or_a_bf1_postcode() -> None:
    assert validate_address(slots("Sgt A Person", "Unit 1", "BFPO 1234"), False).lines[-1] == "BFPO 1234"
    assert validate_address(slots("Sgt A Person", "BFPO 1234", "BF1 4AA"), False).lines[-1] == "BF1 4AA"


@pytest.mark.parametrize("postcode", ["SW1A 1AA", "sw1a1aa", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB"])
def test_real_postcodes(postcode: str) -> None:
    assert is_real_uk_postcode(postcode)


@pytest.mark.parametrize("postcode", ["NOT A POSTCODE", "SW1A", "12345", "SW1A 1CA", "SW1A 1AAA"])
def test_unreal_postcodes(postcode: str) -> None:
    assert not is_real_uk_postcode(postcode)


def test_slots_come_from_address_lines_or_postcode_ignoring_case_and_separators() -> None:
    given = {"ADDRESS_LINE_1": "A", "address line 2": "B", "address-line-7": "SW1A 1AA", "postcode": "X", "name": 3}
    assert address_slots(given) == ["A", "B", None, None, None, None, "SW1A 1AA"]  # line 7 given: postcode unread
    assert address_slots({"address_line_7": None, "postcode": "SW1A 1AA"})[6] is None  # given, even empty
    assert address_slots({"address_line_1": "A", "postcode": "SW1A 1AA"})[6] == "SW1A 1AA"  # no line 7
