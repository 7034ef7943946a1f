"""GET /docs (an interactive reference, served with its assets: no CDN) and GET /docs/openapi.json (no auth).

Notifea serves its reference beside its API (E13), under the same per-IP limit (spec §1.5: the limit is global)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from tidings.api.entry import http_entry
from tidings.api.http import root_url
from tidings.api.notifea_v1.gate import throttle
from tidings.api.notifea_v1.resolver import v1_resolver

app = v1_resolver(authenticated=False)


@app.get("/docs/openapi.json", middlewares=[throttle])
def openapi_json() -> dict[str, Any]:
    from tidings.api.openapi import openapi_document  # noqa: PLC0415 (every model: loaded to serve, not to refuse)

    return openapi_document(root_url(app))


@app.get("/docs", middlewares=[throttle])
def reference() -> Response[str]:
    # Powertools' swagger_ui package brings its OpenAPI models (about a third of this function's start-up):
    # only the page needs it, not the JSON document.
    from aws_lambda_powertools.event_handler.openapi import swagger_ui  # noqa: PLC0415

    from tidings.api.openapi import openapi_document  # noqa: PLC0415

    assets = Path(swagger_ui.__file__).parent
    spec = json.dumps(openapi_document(root_url(app))).replace("</", "<\\/")
    html = swagger_ui.generate_swagger_html(
        spec,
        (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        swagger_base_url="",
        oauth2_config=None,
    )
    return Response(200, content_types.TEXT_HTML, html)


lambda_handler = http_entry(app)
