"""The API's $default route: an unknown path or method answers JSON in its dialect's envelope
(or, under a file's link /d/, the HTML page of an unknown file).

/v2 gets Flask's legacy 404 `{"result": "error", "message": ...}`, as Notify answers, and /admin the v2
envelope; /v1 (and /docs, Notifea's reference) gets Notifea's (404 for an unknown path, 405 for a known path
with another method); anything else a plain JSON 404.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from tidings.api.download_pages import not_found_page
from tidings.api.notifea_v1.errors import v1_error
from tidings.api.notifea_v1.routes import DOCS_ROUTES, allowed_methods
from tidings.api.notify_v2.errors import NOT_FOUND_URL, register_v2_errors
from tidings.observability import logger

DOCS_PATHS = frozenset(path for _, path in DOCS_ROUTES)
v2_app = APIGatewayHttpResolver()  # no routes: every request reaches its not-found handler
register_v2_errors(v2_app)
admin_app = APIGatewayHttpResolver()
register_v2_errors(admin_app, legacy_not_found_shape=False)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    path = str(event.get("rawPath", "/"))
    if _under(path, ("/v2",)):
        return v2_app.resolve(event, context)
    if _under(path, ("/admin",)):
        return admin_app.resolve(event, context)
    if _under(path, ("/v1",)) or path == "/" or path in DOCS_PATHS:
        headers = {"Content-Type": "application/json"}
        if allowed := allowed_methods(path):
            response = v1_error(405, "method.not.allowed", "Method not allowed", [])
            headers["Allow"] = ", ".join(allowed)  # a 405 must name what the path does answer to (RFC 9110)
        else:
            response = v1_error(404, "route.not.found", "Route not found", [])
        return {"statusCode": response.status_code, "headers": headers, "body": json.dumps(response.body)}
    if _under(path, ("/d",)):  # a file's link, for people: the same page as an unknown file
        page = not_found_page()
        return {"statusCode": page.status_code, "headers": page.headers, "body": page.body}
    body = json.dumps({"message": NOT_FOUND_URL})
    return {"statusCode": 404, "headers": {"Content-Type": "application/json"}, "body": body}


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == prefix or path.startswith(f"{prefix}/") for prefix in prefixes)
