"""GET / and GET /v1: is the API up, and which version is it."""

from __future__ import annotations

from typing import Any

from tidings import __version__
from tidings.api.entry import http_entry
from tidings.api.notifea_v1.gate import throttle
from tidings.api.notifea_v1.resolver import v1_resolver
from tidings.api.notifea_v1.views import ok

app = v1_resolver(authenticated=False)


@app.get("/", middlewares=[throttle])
@app.get("/v1", middlewares=[throttle])
def status() -> dict[str, Any]:
    return ok({"name": f"Tidings API {__version__}"})


lambda_handler = http_entry(app)
