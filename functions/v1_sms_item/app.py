"""GET /v1/sms/{uuid} and DELETE /v1/sms/{uuid} (removes the stored SMS; a second DELETE is 404)."""

from __future__ import annotations

from typing import Any

from tidings.api.entry import http_entry
from tidings.api.notifea_v1.gate import current_v1_caller, throttle
from tidings.api.notifea_v1.resolver import v1_resolver
from tidings.api.notifea_v1.views import ok, sms_json
from tidings.domain.v1_sms import SMS_NOT_FOUND, own_sms
from tidings.wiring import deps

app = v1_resolver()


@app.get("/v1/sms/<sms_id>", middlewares=[throttle])
def get_sms(sms_id: str) -> dict[str, Any]:
    d = deps()
    return ok(sms_json(own_sms(d.notifications, current_v1_caller(app).service_id, sms_id, d.clock.now())))


@app.delete("/v1/sms/<sms_id>", middlewares=[throttle])
def delete_sms(sms_id: str) -> dict[str, Any]:
    d = deps()
    found = own_sms(d.notifications, current_v1_caller(app).service_id, sms_id, d.clock.now())
    if not d.notifications.delete(found.id):
        raise SMS_NOT_FOUND  # deleted by someone else in between
    return ok([])


lambda_handler = http_entry(app)
