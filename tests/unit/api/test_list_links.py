"""GET /v2/notifications' `next` link: from the last notification shown, or from where a page stopped reading."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tidings.api.notify_v2.notification_views import list_json
from tidings.domain.notifications import Notification
from tidings.ports import ListedPage

NOW = datetime(2026, 12, 4, tzinfo=UTC)
ROOT = "https://api.example/"


def sms(notification_id: str) -> Notification:
    fields: dict[str, Any] = {
        "id": notification_id, "service_id": "svc", "key_type": "normal", "type": "sms", "template_id": "t",
        "template_version": 1, "to": "07700900123", "normalised_to": "447700900123", "body": "Hi", "sender": "S",
        "created_at": NOW, "expires_at": NOW + timedelta(days=7),
    }  # fmt: skip
    return Notification.model_validate(fields)


def test_a_page_that_stopped_reading_goes_on_from_where_it_stopped_even_when_empty() -> None:
    answer = list_json(ListedPage([], resume_after="0b7e0c1a-0000-4000-8000-000000000009"), {"reference": "r"}, ROOT)
    assert answer["notifications"] == []
    assert (
        answer["links"]["next"] == f"{ROOT}v2/notifications?older_than=0b7e0c1a-0000-4000-8000-000000000009&reference=r"
    )


def test_a_full_list_goes_on_from_its_last_notification_and_an_empty_one_has_no_next() -> None:
    shown = sms("0b7e0c1a-0000-4000-8000-000000000001")
    assert list_json(ListedPage([shown]), {}, ROOT)["links"]["next"].endswith(f"older_than={shown.id}")
    assert "next" not in list_json(ListedPage([]), {}, ROOT)["links"]
