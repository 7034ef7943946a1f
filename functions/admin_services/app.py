"""POST /admin/services, GET and POST /admin/services/{service_id}: create, show and update services."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from tidings.api.admin.requests import CreateService, UpdateService, given, parse_body
from tidings.api.admin.resolver import admin_resolver
from tidings.api.admin.views import bundle_json, data, service_json
from tidings.api.entry import http_entry
from tidings.domain.errors import NotFound
from tidings.domain.limits import usage_today
from tidings.domain.service_admin import create_service, load_bundle, update_service
from tidings.domain.timefmt import iso_z
from tidings.wiring import deps

app = admin_resolver()


@app.post("/admin/services")
def post_service() -> Response[dict[str, Any]]:
    request = parse_body(app, CreateService)
    service = create_service(deps().services, deps().clock, given(request))
    return Response(201, content_types.APPLICATION_JSON, data(service_json(service)))


@app.get("/admin/services/<service_id>")
def get_service(service_id: str) -> dict[str, Any]:
    d = deps()
    bundle = load_bundle(d.services, service_id)
    return data(bundle_json(bundle) | {"usage_today": usage_today(d.counters, service_id, d.clock.now())})


@app.post("/admin/services/<service_id>")
def post_service_update(service_id: str) -> dict[str, Any]:
    request = parse_body(app, UpdateService)
    return data(service_json(update_service(deps().services, service_id, given(request))))


@app.get("/admin/services/<service_id>/notifications/<notification_id>")
def get_notification(service_id: str, notification_id: str) -> dict[str, Any]:
    """The stored notification as the platform sees it, with why it failed (e.g. the recipient opted out)."""
    d = deps()
    # Its status, not its content; past its retention it is gone here too (TTL may not have deleted it yet).
    found = d.notifications.find(notification_id, d.clock.now(), content=False)
    if found is None or found.service_id != service_id:
        raise NotFound()
    return data(
        {
            "id": found.id,
            "type": found.type,
            "status": found.status,
            "failure_reason": found.failure_reason,
            "created_at": iso_z(found.created_at),
            "sent_at": iso_z(found.sent_at),
            "updated_at": iso_z(found.updated_at),
            "key_type": found.key_type,
            "dialect": found.dialect,
        }
    )


lambda_handler = http_entry(app)
