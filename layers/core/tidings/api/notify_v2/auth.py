"""Authenticates every /v2 request (a Powertools middleware) and exposes the caller to routes."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from tidings.domain.auth import Caller, authenticate_api_key
from tidings.domain.errors import AuthError
from tidings.wiring import Deps, deps

# A cached bundle may predate a key or the service's first key: look again before refusing.
_RETRY_WITH_FRESH_BUNDLE = frozenset({"Invalid token: API key not found", "Invalid token: service has no API keys"})


def authenticate(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[object]:
    caller = authenticate_caller(app.current_event.headers.get("authorization"), deps())
    app.append_context(caller=caller)
    return next_middleware(app)


def authenticate_caller(header: str | None, d: Deps) -> Caller:
    now = d.clock.now()
    try:
        return authenticate_api_key(header, d.bundles.get, now)
    except AuthError as error:
        if error.message not in _RETRY_WITH_FRESH_BUNDLE:
            raise
    return authenticate_api_key(header, lambda service_id: d.bundles.get(service_id, fresh=True), now)


def current_caller(app: APIGatewayHttpResolver) -> Caller:
    caller = app.context.get("caller")
    if not isinstance(caller, Caller):
        raise RuntimeError("route registered without the authenticate middleware")
    return caller
