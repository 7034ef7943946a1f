"""POST /v2/template/{id}/preview: the template rendered with the caller's personalisation (200)."""

from __future__ import annotations

from typing import Any

from tidings.api.answer_size import check_showable
from tidings.api.entry import http_entry
from tidings.api.http import json_body, uuid_param
from tidings.api.notify_v2.auth import current_caller
from tidings.api.notify_v2.resolver import notify_v2_resolver
from tidings.api.notify_v2.template_views import PREVIEW_REQUEST, preview_json
from tidings.domain.template_queries import preview_template
from tidings.wiring import deps

app = notify_v2_resolver()


@app.post("/v2/template/<template_id>/preview")
def post_preview(template_id: str) -> dict[str, Any]:
    caller = current_caller(app)
    body = json_body(app, empty={})
    request = {**body, "id": template_id} if isinstance(body, dict) else body
    PREVIEW_REQUEST.check(request)
    template, rendered = preview_template(
        deps().templates,
        caller.service_id,
        uuid_param(request["id"], "id"),
        request.get("personalisation") or {},
    )
    answer = preview_json(template, rendered)
    check_showable(answer, "preview")  # Notify previews any length; a Lambda answer holds 6 MB
    return answer


lambda_handler = http_entry(app)
