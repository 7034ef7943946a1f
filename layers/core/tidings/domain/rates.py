"""The SMS rate table shipped with the layer: which countries Tidings sends to, and at what price."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Country:
    iso2: str
    iso3: str
    id: int
    name: str
    dial_code: int
    multiplier: int


@dataclass(frozen=True)
class RateTable:
    sms_rate: Decimal  # GBP per fragment at multiplier 1 (the UK)
    countries: tuple[Country, ...]

    def by_region(self, iso2: str) -> Country | None:
        return next((c for c in self.countries if c.iso2 == iso2), None)

    def by_iso3(self, iso3: str) -> Country | None:
        return next((c for c in self.countries if c.iso3 == iso3), None)

    def price(self, country: Country) -> Decimal:
        return self.sms_rate * country.multiplier

    def supports_dial_code(self, dial_code: int) -> bool:
        return any(c.dial_code == dial_code for c in self.countries)


@cache
def rate_table() -> RateTable:
    raw = json.loads(resources.files("tidings.data").joinpath("sms_rates.json").read_text())
    return RateTable(
        sms_rate=Decimal(raw["sms_rate"]),
        countries=tuple(Country(**country) for country in raw["countries"]),
    )
