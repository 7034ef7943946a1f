"""Writes layers/core/tidings/data/letter_countries.json: the country names an international letter's last
line may be, each with its postage zone (`europe` or `rest-of-world`), and the names that mean the UK.

Names are kept normalised (lowercase, letters and digits only) as `tidings.domain.letters.countries` compares
them. Run it again only to change the table, then review the diff: `python tools/make_letter_countries.py`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pycountry

# Royal Mail's Europe zone (as Notify sorts international letters); every other country is rest-of-world.
EUROPE = {
    "AD", "AL", "AM", "AT", "AX", "AZ", "BA", "BE", "BG", "BY", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI",
    "FO", "FR", "GE", "GI", "GL", "GR", "HR", "HU", "IE", "IS", "IT", "KG", "KZ", "LI", "LT", "LU", "LV", "MC",
    "MD", "ME", "MK", "MT", "NL", "NO", "PL", "PT", "RO", "RS", "RU", "SE", "SI", "SK", "SM", "TJ", "TM", "TR",
    "UA", "UZ", "VA", "XK",
}  # fmt: skip
UK = {"GB"}
UK_NAMES = ["United Kingdom", "UK", "U.K.", "Great Britain", "GB", "England", "Scotland", "Wales", "Northern Ireland"]
# Everyday names that ISO's do not spell out (ISO's own names are added below).
ALIASES = {
    "US": ["USA", "United States of America", "America"],
    "KR": ["South Korea"],
    "KP": ["North Korea"],
    "RU": ["Russia"],
    "IR": ["Iran"],
    "SY": ["Syria"],
    "VN": ["Vietnam"],
    "LA": ["Laos"],
    "TZ": ["Tanzania"],
    "BO": ["Bolivia"],
    "VE": ["Venezuela"],
    "MD": ["Moldova"],
    "CZ": ["Czech Republic"],
    "TR": ["Turkey"],
    "VA": ["Vatican", "Vatican City", "Holy See"],
    "XK": ["Kosovo"],
    "CI": ["Ivory Coast"],
    "CV": ["Cape Verde"],
    "SZ": ["Swaziland"],
    "MK": ["Macedonia"],
    "TW": ["Taiwan"],
    "BN": ["Brunei"],
    "CD": ["Democratic Republic of the Congo", "DR Congo"],
    "CG": ["Republic of the Congo", "Congo"],
    "FM": ["Micronesia"],
    "PS": ["Palestine"],
}
OUT = Path(__file__).resolve().parents[1] / "layers/core/tidings/data/letter_countries.json"


def normalised(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def main() -> None:
    zones: dict[str, str] = {}
    for country in pycountry.countries:
        if country.alpha_2 in UK:
            continue
        zone = "europe" if country.alpha_2 in EUROPE else "rest-of-world"
        names = [country.name, getattr(country, "common_name", ""), getattr(country, "official_name", "")]
        for name in [*names, *ALIASES.get(country.alpha_2, [])]:
            if name:
                zones[normalised(name)] = zone
    zones["kosovo"] = "europe"  # not in ISO 3166-1
    document = {"uk": sorted({normalised(n) for n in UK_NAMES}), "countries": dict(sorted(zones.items()))}
    OUT.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
