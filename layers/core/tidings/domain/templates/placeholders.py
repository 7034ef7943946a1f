"""`((name))` and `((name??text))` placeholders, matched ignoring case, spaces, `_` and `-`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PLACEHOLDER = re.compile(r"\(\(([^()]+)\)\)")
CONDITIONAL_SEPARATOR = "??"
TRUTHY = frozenset({"yes", "y", "true", "t", "1", "include", "show"})


@dataclass(frozen=True)
class Placeholder:
    name: str
    conditional_text: str | None

    @classmethod
    def parse(cls, inner: str) -> Placeholder:
        name, separator, text = inner.partition(CONDITIONAL_SEPARATOR)
        return cls(name=name, conditional_text=text if separator else None)

    @property
    def key(self) -> str:
        return normalise_key(self.name)


def normalise_key(name: str) -> str:
    return "".join(char for char in name.lower() if char not in " _-")


def placeholders_in(*texts: str | None) -> list[Placeholder]:
    """Placeholders in order of first appearance across `texts`, one per normalised name."""
    seen: dict[str, Placeholder] = {}
    for text in texts:
        for match in PLACEHOLDER.finditer(text or ""):
            placeholder = Placeholder.parse(match.group(1))
            seen.setdefault(placeholder.key, placeholder)
    return list(seen.values())


class Personalisation:
    """The caller's values, looked up by normalised name. None counts as missing."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = {normalise_key(key): value for key, value in values.items()}

    def get(self, placeholder: Placeholder) -> Any:
        return self._values.get(placeholder.key)

    def missing(self, placeholders: Iterable[Placeholder]) -> list[str]:
        return [p.name for p in placeholders if self.get(p) is None]


def substitute(text: str, personalisation: Personalisation, format_value: Any, keep_missing: bool = False) -> str:
    """Replace every placeholder; `format_value` turns a supplied value into text for this channel. With
    `keep_missing`, one without a value stays as it is written."""

    def replace(match: re.Match[str]) -> str:
        placeholder = Placeholder.parse(match.group(1))
        value = personalisation.get(placeholder)
        if value is None and keep_missing:
            return match.group(0)
        if placeholder.conditional_text is not None:
            return placeholder.conditional_text if str(value).lower() in TRUTHY else ""
        return str(format_value(value))

    return PLACEHOLDER.sub(replace, text)
