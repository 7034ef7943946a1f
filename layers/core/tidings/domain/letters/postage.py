"""Postage, sheets of paper and what a letter costs (GET's cost fields, spec §3.5)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, cast

from tidings.domain.letters.countries import Zone
from tidings.domain.models import Postage

if TYPE_CHECKING:
    from tidings.domain.notifications import Notification

UK_POSTAGE = ("first", "second", "economy")
DEFAULT_POSTAGE: Postage = "second"
MAX_SHEETS = 10  # printed on both sides: at most 20 pages
PAGES_PER_SHEET = 2
# Tidings's letter prices in GBP: the first sheet by postage, and each further sheet. Edit here to change them.
FIRST_SHEET: dict[str, Decimal] = {
    "economy": Decimal("0.59"),
    "second": Decimal("0.68"),
    "first": Decimal("1.31"),
    "europe": Decimal("1.54"),
    "rest-of-world": Decimal("1.54"),
}
FURTHER_SHEET = Decimal("0.05")
# Days from acceptance to the doormat, roughly (printing the next working day, then the post).
DELIVERY_DAYS = {"first": 2, "second": 3, "economy": 8, "europe": 6, "rest-of-world": 8}
PostageChoice = Literal["first", "second", "economy"]


def sheets_for(pages: int) -> int:
    """Sheets of paper a letter of `pages` pages takes, printed double-sided."""
    return -(-pages // PAGES_PER_SHEET)


def letter_postage(chosen: str | None, zone: Zone | None) -> Postage:
    """An international address sets the zone's postage; otherwise the template's (or the request's) choice."""
    if zone is not None:
        return zone
    return cast(Postage, chosen) if chosen in UK_POSTAGE else DEFAULT_POSTAGE


def letter_price(sheets: int, postage: str) -> Decimal:
    if sheets <= 0:
        return Decimal(0)
    return FIRST_SHEET.get(postage, FIRST_SHEET[DEFAULT_POSTAGE]) + FURTHER_SHEET * (sheets - 1)


def estimated_delivery(notification: Notification) -> datetime:
    return notification.created_at + timedelta(days=DELIVERY_DAYS.get(notification.postage or DEFAULT_POSTAGE, 3))
