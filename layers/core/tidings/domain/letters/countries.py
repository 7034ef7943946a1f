"""Which countries an international letter may go to, and their postage zone (data/letter_countries.json)."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Literal

Zone = Literal["europe", "rest-of-world"]


def normalised(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@cache
def _table() -> tuple[frozenset[str], dict[str, Zone]]:
    document = json.loads(resources.files("tidings.data").joinpath("letter_countries.json").read_text())
    return frozenset(document["uk"]), dict(document["countries"])


def is_uk(line: str) -> bool:
    return normalised(line) in _table()[0]


def zone_of(line: str) -> Zone | None:
    """The postage zone when `line` names a country other than the UK, else None."""
    return _table()[1].get(normalised(line))
