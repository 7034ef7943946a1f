"""Writes layers/core/tidings/data/sms_rates.json: the countries Tidings sends SMS to, and their rates.

One table serves /v2 cost fields and /v1 prices. Run it again only to change the table, then review the
diff: `python tools/make_sms_rates.py`. Rates are in GBP per fragment: the UK rate times the multiplier.
"""

from __future__ import annotations

import json
from pathlib import Path

import phonenumbers
import pycountry

UK_RATE_GBP = "0.0227"
UK_REGIONS = {"GB", "GG", "JE", "IM"}
EUROPE = {
    "AD", "AL", "AT", "BA", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FO", "FR", "GI", "GR",
    "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MD", "ME", "MK", "MT", "NL", "NO", "PL", "PT",
    "RO", "RS", "SE", "SI", "SK", "SM", "UA", "VA", "AX",
}  # fmt: skip
UNSUPPORTED = {"KP"}  # no route to North Korea, as in Notify
OUT = Path(__file__).resolve().parents[1] / "layers/core/tidings/data/sms_rates.json"


def multiplier(region: str) -> int:
    if region in UK_REGIONS:
        return 1
    return 2 if region in EUROPE else 3


def main() -> None:
    countries = []
    for dial_code, regions in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()):
        for region in regions:
            country = pycountry.countries.get(alpha_2=region)
            if country is None or region in UNSUPPORTED:
                continue  # non-geographic codes (001) and retired regions
            countries.append(
                {
                    "iso2": region,
                    "iso3": country.alpha_3,
                    "id": int(country.numeric),  # ISO 3166 numeric: a stable id for /v1
                    "name": getattr(country, "common_name", country.name),
                    "dial_code": dial_code,
                    "multiplier": multiplier(region),
                }
            )
    table = {"currency": "GBP", "sms_rate": UK_RATE_GBP, "countries": countries}
    OUT.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(countries)} countries written to {OUT}")


if __name__ == "__main__":
    main()
