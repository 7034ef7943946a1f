"""POST /admin/services, GET and POST /admin/services/{service_id}: create, show and update services."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from tidings.api.admin.requests import CreateService, UpdateService, given, parse_body
from tidings.api.admin.resolver import admin_resolver
from tidings.api.admin.views import bundle_json, data, service_json
from tidings.api.entry import http_entry
from tidings.domain.limits import usage_today
from tidings.domain.service_admin import create_service, load_bundle, update_service
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


lambda_handler = http_entry(app)
