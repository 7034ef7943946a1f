"""`sanitise_content_for`: make personalisation values inert in an email (spec §3.2)."""

from __future__ import annotations

import re

URL = re.compile(r"\b(?:https?://|www\.)[^\s()<>]+", re.IGNORECASE)  # a link in (...) keeps its ")"
BARE_DOMAIN = re.compile(r"\b([a-z0-9-]+)\.([a-z]{2,63})\b", re.IGNORECASE)
MARKDOWN = re.compile(r"([`*_(){}\[\]<>#+\-.!|\\])")


def sanitise_value(value: str) -> str:
    without_links = BARE_DOMAIN.sub(r"\1. \2", URL.sub("", value))
    return MARKDOWN.sub(r"\\\1", without_links)
