"""GET, PUT and DELETE /v1/user-sms-senders/{uuid}."""

from __future__ import annotations

from typing import Any

from tidings.api.entry import http_entry
from tidings.api.notifea_v1.gate import current_v1_caller, throttle
from tidings.api.notifea_v1.requests import SenderUpdate, parse_body
from tidings.api.notifea_v1.resolver import v1_resolver
from tidings.api.notifea_v1.views import ok, sender_json
from tidings.domain.v1_senders import (
    check_webhook_change,
    check_webhook_url,
    delete_sender,
    own_sender,
    update_sender,
)
from tidings.wiring import deps

app = v1_resolver()


@app.get("/v1/user-sms-senders/<sender_id>", middlewares=[throttle])
def get_sender(sender_id: str) -> dict[str, Any]:
    caller = current_v1_caller(app)
    sender = own_sender(deps().senders, caller.service_id, sender_id)
    return ok(sender_json(sender, caller.bundle.service.retention_days))


@app.put("/v1/user-sms-senders/<sender_id>", middlewares=[throttle])
def put_sender(sender_id: str) -> dict[str, Any]:
    d, caller = deps(), current_v1_caller(app)
    sender = own_sender(d.senders, caller.service_id, sender_id)  # an unknown one is 404 whatever the body, as Laravel
    request = parse_body(app, SenderUpdate)
    check_webhook_change(caller.token, sender.id, request.webhook_url)
    if request.webhook_url:
        check_webhook_url(request.webhook_url, d.settings.local_mode)
    test_mode = None if request.test_mode is None else bool(request.test_mode)
    updated = update_sender(
        d.senders,
        sender,
        name=request.sender_name,
        sms_live_time=request.sms_live_time,
        test_mode=test_mode,
        owner_of_number=d.services.owner_of_number,
        webhook_url=request.webhook_url,
    )
    d.service_senders.invalidate(caller.service_id)
    return ok(sender_json(updated, caller.bundle.service.retention_days))


@app.delete("/v1/user-sms-senders/<sender_id>", middlewares=[throttle])
def remove_sender(sender_id: str) -> dict[str, Any]:
    d, caller = deps(), current_v1_caller(app)
    delete_sender(d.senders, caller.service_id, sender_id)
    d.service_senders.invalidate(caller.service_id)
    return ok([])


lambda_handler = http_entry(app)
