"""GET / and GET /v1: is the API up. It answers Notifea's own name and version (spec E12, check 29), which
health checks compare; Tidings' version is in /docs/openapi.json."""

from __future__ import annotations

from typing import Any

from tidings.api.entry import http_entry
from tidings.api.notifea_v1.gate import throttle
from tidings.api.notifea_v1.resolver import v1_resolver
from tidings.api.notifea_v1.views import ok

app = v1_resolver(authenticated=False)
NOTIFEA_NAME = "Notifea API 1.0.0"


@app.get("/", middlewares=[throttle])
@app.get("/v1", middlewares=[throttle])
def status() -> dict[str, Any]:
    return ok({"name": NOTIFEA_NAME})


lambda_handler = http_entry(app)
