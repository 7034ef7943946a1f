"""POST /admin/services/{service_id}/inbound-numbers: a two-way number owned by the service."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from tidings.api.admin.requests import CreateInboundNumber, parse_body
from tidings.api.admin.resolver import admin_resolver
from tidings.api.admin.views import data
from tidings.api.entry import http_entry
from tidings.domain.service_admin import add_inbound_number
from tidings.wiring import deps

app = admin_resolver()


@app.post("/admin/services/<service_id>/inbound-numbers")
def post_inbound_number(service_id: str) -> Response[dict[str, Any]]:
    request = parse_body(app, CreateInboundNumber)
    d = deps()
    inbound = add_inbound_number(d.services, d.senders, d.clock, service_id, request.number)
    return Response(201, content_types.APPLICATION_JSON, data({"number": inbound.number, "service_id": service_id}))


lambda_handler = http_entry(app)
