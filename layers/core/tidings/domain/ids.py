"""Ids as Tidings issues them: uuid4 strings, lower case and hyphenated."""

from __future__ import annotations

from uuid import UUID


def is_canonical_uuid(value: str) -> bool:
    """True for an id in the form we issue. Anything else names nothing we issued, so a lookup can answer "not
    found" without asking DynamoDB (which refuses keys over 2,048 bytes with an error, not an empty answer)."""
    try:
        return str(UUID(value)) == value
    except ValueError:
        return False
