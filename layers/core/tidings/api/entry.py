"""The Lambda entry point every HTTP function exposes: logging context, tracing, the resolver, then an answer
that fits Lambda's limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from tidings.api.answer_size import fitted
from tidings.observability import logger

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def http_entry(app: APIGatewayHttpResolver) -> Handler:
    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        response: dict[str, Any] = app.resolve(event, context)
        return fitted(response, (event.get("headers") or {}).get("accept-encoding", ""))

    entry: Handler = lambda_handler  # the Powertools decorators erase the signature
    return entry
