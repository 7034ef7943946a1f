"""GET /v1/user-sms-senders (paginated, newest first) and POST /v1/user-sms-senders."""

from __future__ import annotations

from typing import Any

from tidings.api.entry import http_entry
from tidings.api.http import root_url
from tidings.api.notifea_v1.gate import current_v1_caller, throttle
from tidings.api.notifea_v1.requests import PageQuery, SenderCreate, parse_body, parse_query
from tidings.api.notifea_v1.resolver import v1_resolver
from tidings.api.notifea_v1.views import ok, paginated, sender_json
from tidings.domain.v1_senders import check_webhook_url, create_sender
from tidings.wiring import deps

app = v1_resolver()


@app.get("/v1/user-sms-senders", middlewares=[throttle])
def list_senders() -> dict[str, Any]:
    d, caller = deps(), current_v1_caller(app)
    query = parse_query(app, PageQuery)
    senders = d.senders.list_for_service(caller.service_id)
    start = (query.page - 1) * query.pageSize
    retention = caller.bundle.service.retention_days
    items = [sender_json(s, retention) for s in senders[start : start + query.pageSize]]
    path = f"{root_url(app)}{app.current_event.path.lstrip('/')}"
    return ok(paginated(items, len(senders), query.page, query.pageSize, path))


@app.post("/v1/user-sms-senders", middlewares=[throttle])
def post_sender() -> dict[str, Any]:
    d, caller = deps(), current_v1_caller(app)
    request = parse_body(app, SenderCreate)
    sender = create_sender(
        d.senders,
        service_id=caller.service_id,
        name=request.sender_name,
        sms_live_time=request.sms_live_time,
        test_mode=bool(request.test_mode),
        now=d.clock.now(),
        owner_of_number=d.services.owner_of_number,
        webhook_url=_checked(request.webhook_url, d.settings.local_mode),
    )
    d.service_senders.invalidate(caller.service_id)
    return ok(sender_json(sender, caller.bundle.service.retention_days))


def _checked(url: str | None, local_mode: bool) -> str | None:
    if url:
        check_webhook_url(url, local_mode)
    return url


lambda_handler = http_entry(app)
