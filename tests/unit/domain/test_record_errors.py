"""A stored record that fails validation says which field is wrong, never what it holds: the error is logged."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from tidings.domain.notifications import Notification

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def test_a_bad_notification_names_the_field_and_hides_the_values() -> None:
    fields = {
        "id": "n1",
        "service_id": "s1",
        "key_type": "normal",
        "type": "sms",
        "template_id": "t1",
        "template_version": 1,
        "to": "07700 900123",
        "normalised_to": "447700900123",
        "body": "Your code is 424242",
        "sender": "Tidings",
        "created_at": NOW,
        "expires_at": NOW,
        "billable_units": "not a number",
    }
    with pytest.raises(ValidationError) as caught:
        Notification.model_validate(fields)
    shown = str(caught.value)
    assert "billable_units" in shown
    assert "not a number" not in shown
    assert "447700900123" not in shown and "424242" not in shown
