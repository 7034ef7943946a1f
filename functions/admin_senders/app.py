"""POST /admin/services/{service_id}/sms-senders and .../email-reply-to."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from tidings.api.admin.requests import CreateReplyTo, CreateSmsSender, given, parse_body
from tidings.api.admin.resolver import admin_resolver
from tidings.api.admin.views import data, reply_to_json, sms_sender_json
from tidings.api.entry import http_entry
from tidings.domain.sender_admin import add_sms_sender
from tidings.domain.service_admin import add_reply_to, load_bundle
from tidings.domain.urls import check_callback_url
from tidings.wiring import deps

app = admin_resolver()


@app.post("/admin/services/<service_id>/sms-senders")
def post_sms_sender(service_id: str) -> Response[dict[str, Any]]:
    request = parse_body(app, CreateSmsSender)
    if request.webhook_url is not None:  # blank included: a webhook is a URL or absent
        check_callback_url(request.webhook_url, deps().settings.local_mode, "webhook_url")
    bundle = load_bundle(deps().services, service_id)
    d = deps()
    sender = add_sms_sender(d.senders, d.clock, bundle, given(request), d.services.owner_of_number)
    return Response(201, content_types.APPLICATION_JSON, data(sms_sender_json(sender)))


@app.post("/admin/services/<service_id>/email-reply-to")
def post_reply_to(service_id: str) -> Response[dict[str, Any]]:
    request = parse_body(app, CreateReplyTo)
    reply_to = add_reply_to(deps().services, deps().clock, service_id, request.email_address, request.is_default)
    return Response(201, content_types.APPLICATION_JSON, data(reply_to_json(reply_to)))


lambda_handler = http_entry(app)
