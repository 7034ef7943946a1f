"""GET /admin/services/{service_id}/opt-outs and DELETE .../opt-outs/{number}: who texted STOP."""

from __future__ import annotations

from typing import Any

from tidings.api.admin.resolver import admin_resolver
from tidings.api.admin.views import data
from tidings.api.entry import http_entry
from tidings.domain.errors import NotFound
from tidings.domain.inbound import normalised
from tidings.domain.service_admin import load_bundle
from tidings.domain.timefmt import iso_z
from tidings.wiring import deps

app = admin_resolver()


@app.get("/admin/services/<service_id>/opt-outs")
def list_opt_outs(service_id: str) -> dict[str, Any]:
    bundle = load_bundle(deps().services, service_id)
    return data([{"number": o.number, "created_at": iso_z(o.created_at)} for o in bundle.opt_outs])


@app.delete("/admin/services/<service_id>/opt-outs/<number>")
def delete_opt_out(service_id: str, number: str) -> dict[str, Any]:
    d = deps()
    load_bundle(d.services, service_id)
    if not d.services.remove_opt_out(service_id, normalised(number)):
        raise NotFound()
    return data({"number": normalised(number), "removed": True})


lambda_handler = http_entry(app)
