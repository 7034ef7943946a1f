"""Statuses only move forward: a late `sending` or a repeated receipt never overwrites a final status."""

from __future__ import annotations

from tidings.domain.notifications import STATUSES

RANK = {
    "created": 0,
    "sending": 1,
    "pending": 2,
    "sent": 3,  # international SMS with no receipt end here; a receipt may still move them on
    "delivered": 4,
    "permanent-failure": 4,
    "temporary-failure": 4,
    "technical-failure": 4,
}


def may_move(current: str, new: str) -> bool:
    """True when `new` is further along than `current` (finals are never left)."""
    return RANK.get(current, 4) < RANK.get(new, 0)


def statuses_before(new: str) -> list[str]:
    """The statuses a notification may be in for `new` to apply (the store's condition)."""
    return [status for status in STATUSES if status in RANK and may_move(status, new)]
