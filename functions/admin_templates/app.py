"""POST /admin/services/{service_id}/templates and .../templates/{template_id} (new version on edits)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from tidings.api.admin.requests import CreateTemplate, UpdateTemplate, given, parse_body
from tidings.api.admin.resolver import admin_resolver
from tidings.api.admin.views import data
from tidings.api.entry import http_entry
from tidings.api.http import uuid_param
from tidings.api.notify_v2.template_views import template_json
from tidings.domain.service_admin import load_bundle
from tidings.domain.template_admin import create_template, update_template
from tidings.wiring import deps

app = admin_resolver()


@app.post("/admin/services/<service_id>/templates")
def post_template(service_id: str) -> Response[dict[str, Any]]:
    request = parse_body(app, CreateTemplate)
    load_bundle(deps().services, service_id)
    template = create_template(deps().templates, deps().clock, service_id, given(request))
    return Response(201, content_types.APPLICATION_JSON, data(template_json(template)))


@app.post("/admin/services/<service_id>/templates/<template_id>")
def post_template_update(service_id: str, template_id: str) -> dict[str, Any]:
    request = parse_body(app, UpdateTemplate)
    template_id = uuid_param(template_id, "template_id")
    template = update_template(deps().templates, deps().clock, service_id, template_id, given(request))
    return data(template_json(template))


lambda_handler = http_entry(app)
