"""GET /v2/notifications: the caller's key type's notifications, 250 a page, newest first."""

from __future__ import annotations

from typing import Any

from tidings.api.entry import http_entry
from tidings.api.http import optional_uuid, query_pairs, root_url
from tidings.api.notify_v2.auth import current_caller
from tidings.api.notify_v2.notification_views import LIST_QUERY, list_json, list_query
from tidings.api.notify_v2.resolver import notify_v2_resolver
from tidings.domain.notification_queries import list_notifications
from tidings.wiring import deps

app = notify_v2_resolver()


@app.get("/v2/notifications")
def get_list() -> dict[str, Any]:
    d = deps()
    caller = current_caller(app)
    query = list_query(query_pairs(app))
    LIST_QUERY.check(query)
    found = list_notifications(
        d.notifications,
        caller.service_id,
        caller.key.key_type,
        d.clock.now(),
        statuses=query.get("status", []),
        types=query.get("template_type", []),
        reference=query.get("reference"),
        older_than=optional_uuid(query.get("older_than"), "older_than"),
    )
    return list_json(found, query, root_url(app))


lambda_handler = http_entry(app)
