"""The API's $default route: an unknown path or method answers a JSON 404 in its dialect's envelope."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from tidings.api.notify_v2.errors import NOT_FOUND_URL, register_v2_errors
from tidings.observability import logger

V2_ENVELOPE_PREFIXES = ("/v2", "/admin")

v2_app = APIGatewayHttpResolver()  # no routes: every request reaches its v2 not-found handler
register_v2_errors(v2_app)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    path = str(event.get("rawPath", "/"))
    if any(path == prefix or path.startswith(f"{prefix}/") for prefix in V2_ENVELOPE_PREFIXES):
        return v2_app.resolve(event, context)
    body = json.dumps({"message": NOT_FOUND_URL})
    return {"statusCode": 404, "headers": {"Content-Type": "application/json"}, "body": body}
