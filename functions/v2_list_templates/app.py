"""GET /v2/templates[?type=sms|email|letter]: the caller's live templates, by name then type."""

from __future__ import annotations

from typing import Any

from tidings.api.entry import http_entry
from tidings.api.http import first_values
from tidings.api.notify_v2.auth import current_caller
from tidings.api.notify_v2.resolver import notify_v2_resolver
from tidings.api.notify_v2.template_views import LIST_QUERY, check_listable, template_json
from tidings.domain.template_queries import list_templates
from tidings.wiring import deps

app = notify_v2_resolver()


@app.get("/v2/templates")
def get_templates() -> dict[str, Any]:
    caller = current_caller(app)
    query = first_values(app)
    LIST_QUERY.check(query)
    templates = list_templates(deps().templates, caller.service_id, query.get("type"))  # type: ignore[arg-type]
    listing = {"templates": [template_json(t) for t in templates]}
    check_listable(listing, app.current_event.headers.get("accept-encoding", ""))
    return listing


lambda_handler = http_entry(app)
