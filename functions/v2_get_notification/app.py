"""GET /v2/notifications/{id}: one of the caller's notifications, whatever key type sent it."""

from __future__ import annotations

from typing import Any

from tidings.api.entry import http_entry
from tidings.api.http import root_url, uuid_param
from tidings.api.notify_v2.auth import current_caller
from tidings.api.notify_v2.notification_views import notification_json
from tidings.api.notify_v2.resolver import notify_v2_resolver
from tidings.domain.notification_queries import get_notification
from tidings.wiring import deps

app = notify_v2_resolver()


@app.get("/v2/notifications/<notification_id>")
def get_one(notification_id: str) -> dict[str, Any]:
    d = deps()
    found = get_notification(
        d.notifications,
        current_caller(app).service_id,
        uuid_param(notification_id, "notification_id"),
        d.clock.now(),
    )
    return notification_json(found, root_url(app))


lambda_handler = http_entry(app)
