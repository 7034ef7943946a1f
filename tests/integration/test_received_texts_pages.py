"""GET /v2/received-text-messages pages at most 250 texts, newest first, and `next` goes on (spec §3.9)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

from tests.integration.conftest import InProcessApi, seed_service
from tidings import wiring
from tidings.domain.models import InboundSms


def test_251_texts_are_a_page_of_250_then_one(api: InProcessApi) -> None:
    service = seed_service(api, "Received pages", ("normal",))
    key, now = service.keys["normal"], datetime.now(UTC)
    texts = [
        InboundSms(
            id=str(uuid.uuid4()),
            service_id=service.id,
            notify_number="447700900111",
            user_number="447700900999",
            content=f"text {i}",
            created_at=now - timedelta(seconds=i),  # text 0 the newest
            expires_at=now + timedelta(days=7),
        )
        for i in range(251)
    ]
    for text in texts:
        wiring.deps().inbound.put(text)
    first = api.v2("GET", "/v2/received-text-messages", key).json()
    assert [t["content"] for t in first["received_text_messages"]] == [f"text {i}" for i in range(250)]
    older_than = parse_qs(urlparse(first["links"]["next"]).query)["older_than"]
    assert older_than == [texts[249].id]
    rest = api.v2("GET", f"/v2/received-text-messages?older_than={older_than[0]}", key).json()
    assert [t["content"] for t in rest["received_text_messages"]] == ["text 250"]
