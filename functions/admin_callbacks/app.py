"""POST /admin/services/{service_id}/callbacks: the delivery-status or inbound-SMS webhook."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from tidings.api.admin.requests import CreateCallback, parse_body
from tidings.api.admin.resolver import admin_resolver
from tidings.api.admin.views import callback_json, data
from tidings.api.entry import http_entry
from tidings.domain.service_admin import set_callback
from tidings.wiring import deps

app = admin_resolver()


@app.post("/admin/services/<service_id>/callbacks")
def post_callback(service_id: str) -> Response[dict[str, Any]]:
    request = parse_body(app, CreateCallback)
    d = deps()
    callback = set_callback(
        d.services,
        d.clock,
        service_id=service_id,
        callback_type=request.type,
        url=request.url,
        bearer_token=request.bearer_token,
        allow_loopback_http=d.settings.local_mode,
    )
    return Response(201, content_types.APPLICATION_JSON, data(callback_json(callback)))


lambda_handler = http_entry(app)
