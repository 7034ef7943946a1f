"""A letter's postal address from its personalisation, and Notify's rules for it (spec §3.3, §5.5 step 6).

The address is `address_line_1`…`address_line_7` when `address_line_7` is given at all (even empty), else
`address_line_1`…`address_line_6` plus `postcode` (the old name of the last line), as Notify reads it. Keys
match ignoring case, spaces, `_` and `-`, as placeholders do. Empty lines are dropped; 3 to 7 lines must
remain, the last a real UK postcode or (for services with international letters) a country, which sets the
postage zone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tidings.domain.errors import ValidationFailed
from tidings.domain.letters.countries import Zone, is_uk, zone_of

MIN_LINES, MAX_LINES = 3, 7
# A precompiled letter's `extra` says whether its service may send abroad, as it was when the letter was
# accepted: the dispatch checks the PDF's address without reading the service.
INTERNATIONAL_LETTERS = "international_letters"
SLOTS = 7  # address_line_1 … address_line_7 (or postcode)
INVALID_FIRST_CHARACTERS = set('@()=[]"”\\/,<>')
POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-BD-HJLNP-UW-Z]{2}")
BFPO = re.compile(r"^BFPO\s*(C/O\s*)?\d{1,4}$", re.IGNORECASE)
NO_FIXED_ABODE = re.compile(r"\bno\s*fixed\s*(abode|address)\b|^nfa$", re.IGNORECASE)

TOO_FEW = f"Address must be at least {MIN_LINES} lines"
TOO_MANY = f"Address must be no more than {MAX_LINES} lines"
FIRST_TWO = "The first 2 lines of the address must both include at least one alphanumeric character"
UK_POSTCODE = "Must be a real UK postcode"
POSTCODE_OR_COUNTRY = "Last line of address must be a real UK postcode or another country"
BAD_START = "Address lines must not start with any of the following characters: @ ( ) = [ ] ” \\ / , < >"
NOT_REAL = "Must be a real address"
BFPO_COUNTRY = "The last line of a BFPO address must not be a country."


@dataclass(frozen=True)
class PostalAddress:
    lines: tuple[str, ...]  # as printed: tidy, no empty lines, the postcode formatted
    zone: Zone | None  # None: a UK address (or BFPO)


def _key(name: str) -> str:
    return re.sub(r"[\s_-]", "", name.lower())


def address_slots(personalisation: Mapping[str, Any]) -> list[str | None]:
    """The 7 address values as given (None where absent): GET shows them as line_1…line_6 and postcode."""
    by_key = {_key(k): v for k, v in personalisation.items()}
    slots: list[str | None] = []
    last = f"addressline{SLOTS}" if f"addressline{SLOTS}" in by_key else "postcode"
    for number in range(1, SLOTS + 1):
        value = by_key.get(f"addressline{number}" if number < SLOTS else last)
        slots.append(None if value is None else str(value))
    return slots


def tidy_lines(slots: list[str | None]) -> list[str]:
    lines = [re.sub(r"\s+", " ", value).strip().rstrip(",").strip() for value in slots if value is not None]
    return [line for line in lines if line]


def normalise_postcode(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def is_real_uk_postcode(value: str) -> bool:
    return POSTCODE.fullmatch(normalise_postcode(value)) is not None


def format_postcode(value: str) -> str:
    code = normalise_postcode(value)
    return f"{code[:-3]} {code[-3:]}"


def validate_address(slots: list[str | None], international_allowed: bool) -> PostalAddress:
    """The address to print, or ValidationFailed with Notify's message for the first rule it breaks."""
    lines = tidy_lines(slots)
    if len(lines) > 1 and is_uk(lines[-1]):
        lines = lines[:-1]  # "United Kingdom" under a postcode says nothing a postcode does not
    if len(lines) < MIN_LINES:
        raise ValidationFailed([TOO_FEW])
    if len(lines) > MAX_LINES:
        raise ValidationFailed([TOO_MANY])
    if not all(any(c.isalnum() for c in line) for line in lines[:2]):
        raise ValidationFailed([FIRST_TWO])
    zone = zone_of(lines[-1])
    bfpo = any(BFPO.match(line) for line in lines) or normalise_postcode(lines[-1]).startswith("BF1")
    if not _valid_last_line(lines[-1], zone, international_allowed, bfpo):
        raise ValidationFailed([POSTCODE_OR_COUNTRY if international_allowed else UK_POSTCODE])
    if any(line[0] in INVALID_FIRST_CHARACTERS for line in lines):
        raise ValidationFailed([BAD_START])
    if any(NO_FIXED_ABODE.search(line) for line in lines):
        raise ValidationFailed([NOT_REAL])
    if bfpo and zone is not None:
        raise ValidationFailed([BFPO_COUNTRY])
    if zone is None and is_real_uk_postcode(lines[-1]):
        lines = [*lines[:-1], format_postcode(lines[-1])]
    return PostalAddress(tuple(lines), zone)


def _valid_last_line(line: str, zone: Zone | None, international_allowed: bool, bfpo: bool) -> bool:
    if zone is not None:
        return international_allowed or bfpo  # a BFPO address with a country gets the BFPO message instead
    return is_real_uk_postcode(line) or (bfpo and BFPO.match(line) is not None)
