"""Postage, sheets of paper and letter costs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from tidings.domain.letters.postage import letter_postage, letter_price, sheets_for
from tidings.domain.notifications import Notification, cost

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)


@pytest.mark.parametrize(("pages", "sheets"), [(1, 1), (2, 1), (3, 2), (4, 2), (19, 10), (20, 10), (21, 11)])
def test_pages_print_on_both_sides_of_a_sheet(pages: int, sheets: int) -> None:
    assert sheets_for(pages) == sheets


def test_postage_is_the_template_s_unless_the_address_is_abroad() -> None:
    assert letter_postage("first", None) == "first"
    assert letter_postage("economy", None) == "economy"
    assert letter_postage(None, None) == "second"
    assert letter_postage("first", "europe") == "europe"
    assert letter_postage("second", "rest-of-world") == "rest-of-world"


def test_price_grows_with_sheets_and_postage() -> None:
    assert letter_price(0, "second") == 0
    assert letter_price(2, "second") > letter_price(1, "second") > letter_price(1, "economy")
    assert letter_price(1, "first") > letter_price(1, "second")
    assert letter_price(3, "second") - letter_price(1, "second") == Decimal("0.10")


def letter(**fields: Any) -> Notification:
    defaults = {
        "id": "n", "service_id": "s", "key_type": "normal", "type": "letter", "template_id": "t",
        "template_version": 1, "to": "A\nB\nC", "normalised_to": "A\nB\nC", "body": "Hi", "sender": "S",
        "created_at": NOW, "expires_at": NOW + timedelta(days=7), "postage": "second",
    }  # fmt: skip
    return Notification.model_validate({**defaults, **fields})


def test_cost_fields_follow_the_letter_s_life() -> None:
    assert cost(letter(status="created")) == (False, None, {})
    assert cost(letter(status="pending-virus-check", billable_sheets=1)) == (False, None, {})
    ready, pounds, details = cost(letter(status="sending", billable_sheets=2, postage="first"))
    assert (ready, pounds, details) == (
        True,
        float(letter_price(2, "first")),
        {"billable_sheets_of_paper": 2, "postage": "first"},
    )
    for never_sent in ("cancelled", "technical-failure", "validation-failed", "virus-scan-failed"):
        assert cost(letter(status=never_sent, billable_sheets=2)) == (
            True,
            0.0,
            {"billable_sheets_of_paper": 0, "postage": "second"},
        )


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("created", "accepted"), ("sending", "accepted"), ("delivered", "received"), ("returned-letter", "received"),
     ("pending-virus-check", "pending-virus-check"), ("validation-failed", "validation-failed")],
)  # fmt: skip
def test_letters_show_accepted_and_received(stored: str, shown: str) -> None:
    assert letter(status=stored).api_status == shown


def test_a_precompiled_letter_reads_pending_until_its_checks_pass() -> None:
    assert letter(status="sending", precompiled=True).api_status == "pending-virus-check"
    assert letter(status="created", precompiled=True).api_status == "pending-virus-check"
    assert letter(status="sending", precompiled=True, billable_sheets=1).api_status == "accepted"
