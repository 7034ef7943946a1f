"""`tidings local` holds each function to its role, as AWS does: a grant missing from template.yaml fails here,
not only once deployed. The template below differs from the real one by one statement."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.fakes import FixedClock
from tests.integration.conftest import InProcessApi, SeededService
from tidings import wiring
from tidings_local.roles import Refusal
from tidings_local.stack import TEMPLATE, LocalStack

COUNTERS_READ = """        - Statement: # limits: a rate window still open at midnight is read from yesterday's counter item
            - Effect: Allow
              Action: dynamodb:GetItem
              Resource: !GetAtt CountersTable.Arn
"""


def without(text: str, function: str, tmp_path: Path) -> Path:
    """template.yaml with `text` taken out of the function's properties."""
    written = TEMPLATE.read_text()
    start = written.index(f"\n  {function}:\n")
    following = re.compile(r"\n  \S").search(written, start + 1)  # the next resource (or comment)
    assert following is not None
    end = following.start()
    assert written.count(text, start, end) == 1
    changed = tmp_path / "template.yaml"
    changed.write_text(written[:start] + written[start:end].replace(text, "") + written[end:])
    return changed


def send_sms_at(api: InProcessApi, service: SeededService, moment: datetime) -> int:
    """POST /v2/notifications/sms with the handlers' clock at `moment`: its status."""
    base = f"/admin/services/{service.id}"
    template = api.admin("POST", f"{base}/templates", {"name": "T", "type": "sms", "content": "Hi"}).json()["data"]
    body = {"phone_number": "07700900123", "template_id": template["id"]}
    wiring.override(replace(wiring.deps(), clock=FixedClock(moment)))
    try:
        return api.v2("POST", "/v2/notifications/sms", service.keys["normal"], body, iat=int(moment.timestamp())).status
    finally:
        wiring.override(None)


def test_a_role_that_cannot_read_the_counters_fails_the_first_minute_of_a_day(
    stack: LocalStack, api: InProcessApi, service: SeededService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fault 9c9fdb9 fixed: the send may update the counters but not read them. Every test passed on moto;
    deployed, the first request after midnight fails. With the role enforced it fails here too."""
    roles = stack.roles_from(without(COUNTERS_READ, "V2SendNotificationFunction", tmp_path))
    monkeypatch.setattr(stack.functions, "roles", roles)
    late = datetime(2026, 11, 22, 23, 59, 50, tzinfo=UTC)
    assert send_sms_at(api, service, late) == 201  # an update of today's item: allowed
    assert roles.refused == []
    assert send_sms_at(api, service, late + timedelta(seconds=15)) == 500  # 00:00:05 reads yesterday's item
    counters = stack.resources.attributes[("CountersTable", "Arn")]
    assert roles.refused == [Refusal("V2SendNotificationFunction", "dynamodb:GetItem", counters)]


def test_the_real_template_lets_that_request_through(
    stack: LocalStack, api: InProcessApi, service: SeededService
) -> None:
    """The same requests on the roles as written (the autouse check asserts that none was refused)."""
    late = datetime(2026, 11, 22, 23, 59, 50, tzinfo=UTC)
    assert [send_sms_at(api, service, late), send_sms_at(api, service, late + timedelta(seconds=15))] == [201, 201]
