"""Every DynamoDB table is on-demand and recoverable, and each table that holds what expires has TTL on the
attribute its adapter writes (a renamed attribute would keep every item for ever, silently)."""

from __future__ import annotations

from typing import Any

from tests.unit.local.resource_types import of_type
from tidings.adapters import notification_ttl

TABLE = "AWS::DynamoDB::Table"
# What expires, by the attribute TTL reads: the notifications table's own is its store's `delete_after`.
EXPIRING = {
    "NotificationsTable": notification_ttl.TTL_ATTRIBUTE,
    "NotificationContentsTable": "expires_at",
    "ProviderReferencesTable": "expires_at",
    "InboundSmsTable": "expires_at",
    "CountersTable": "expires_at",
}


def _tables(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return of_type(template["Resources"], TABLE)


def test_every_table_is_on_demand_with_point_in_time_recovery(template: dict[str, Any]) -> None:
    tables = _tables(template)
    assert len(tables) >= 8
    for name, table in tables.items():
        assert table["BillingMode"] == "PAY_PER_REQUEST", name
        assert table.get("PointInTimeRecoverySpecification") == {"PointInTimeRecoveryEnabled": True}, name


def test_ttl_is_on_where_items_expire_and_nowhere_else(template: dict[str, Any]) -> None:
    ttl = {
        name: table["TimeToLiveSpecification"]["AttributeName"]
        for name, table in _tables(template).items()
        if table.get("TimeToLiveSpecification", {}).get("Enabled") is True
    }
    assert ttl == EXPIRING
