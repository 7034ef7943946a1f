"""GET /v2/received-text-messages[?older_than=id]: the service's inbound SMS, 250 a page, newest first."""

from __future__ import annotations

from typing import Any

from tidings.api.entry import http_entry
from tidings.api.http import first_values, root_url, uuid_param
from tidings.api.notify_v2.auth import current_caller
from tidings.api.notify_v2.received_texts_query import RECEIVED_QUERY
from tidings.api.notify_v2.resolver import notify_v2_resolver
from tidings.domain.timefmt import iso_z
from tidings.wiring import deps

app = notify_v2_resolver()


@app.get("/v2/received-text-messages")
def received() -> dict[str, Any]:
    d, caller = deps(), current_caller(app)
    query = first_values(app)
    RECEIVED_QUERY.check(query)
    now, anchor = d.clock.now(), None
    if "older_than" in query:
        anchor = d.inbound.find(uuid_param(query["older_than"], "older_than"), now)
        if anchor is None or anchor.service_id != caller.service_id:
            return {"received_text_messages": [], "links": {"current": _url()}}
    messages = d.inbound.page(caller.service_id, now, anchor)
    links = {"current": _url()}
    if messages:
        links["next"] = f"{_url()}?older_than={messages[-1].id}"
    items = [
        {
            "id": m.id,
            "created_at": iso_z(m.created_at),
            "service_id": m.service_id,
            "notify_number": m.notify_number,
            "user_number": m.user_number,
            "content": m.content,
        }
        for m in messages
    ]
    return {"received_text_messages": items, "links": links}


def _url() -> str:
    return f"{root_url(app)}v2/received-text-messages"


lambda_handler = http_entry(app)
