"""POST /admin/services/{service_id}/guest-list: replace the team and guest-list recipients."""

from __future__ import annotations

from typing import Any

from tidings.api.admin.requests import ReplaceGuestList, parse_body
from tidings.api.admin.resolver import admin_resolver
from tidings.api.admin.views import data
from tidings.api.entry import http_entry
from tidings.domain.service_admin import replace_guest_list
from tidings.wiring import deps

app = admin_resolver()


@app.post("/admin/services/<service_id>/guest-list")
def post_guest_list(service_id: str) -> dict[str, Any]:
    request = parse_body(app, ReplaceGuestList)
    guest_list = replace_guest_list(deps().services, service_id, request.phone_numbers, request.email_addresses)
    return data(guest_list.model_dump(mode="json"))


lambda_handler = http_entry(app)
