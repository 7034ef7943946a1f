"""GET /docs (an interactive reference, served with its assets: no CDN) and GET /docs/openapi.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi import swagger_ui
from aws_lambda_powertools.event_handler.openapi.swagger_ui import generate_swagger_html

from tidings.api.entry import http_entry
from tidings.api.http import root_url
from tidings.api.openapi import openapi_document

app = APIGatewayHttpResolver()
ASSETS = Path(swagger_ui.__file__).parent


@app.get("/docs/openapi.json")
def openapi_json() -> dict[str, Any]:
    return openapi_document(root_url(app))


@app.get("/docs")
def reference() -> Response[str]:
    spec = json.dumps(openapi_document(root_url(app))).replace("</", "<\\/")
    html = generate_swagger_html(
        spec,
        (ASSETS / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (ASSETS / "swagger-ui.min.css").read_text(encoding="utf-8"),
        swagger_base_url="",
        oauth2_config=None,
    )
    return Response(200, content_types.TEXT_HTML, html)


lambda_handler = http_entry(app)
