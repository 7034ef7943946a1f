"""The resolver every /admin function starts from: v2 errors, admin-token auth, cache invalidation."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from tidings.adapters.secrets import admin_secret
from tidings.api.http import canonical_id
from tidings.api.notify_v2.errors import register_v2_errors
from tidings.domain.auth import authenticate_admin
from tidings.domain.errors import NotFound
from tidings.wiring import deps

# Longer than any id or number we issue: such a path names nothing (and DynamoDB refuses keys over 2,048 bytes).
MAX_PATH_PARAMETER_LENGTH = 128


def admin_resolver() -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver()
    register_v2_errors(app, legacy_not_found_shape=False)
    app.use(middlewares=[_authenticate_admin, _known_lengths, _canonical_ids, _forget_cached_service])
    return app


def _authenticate_admin(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[object]:
    d = deps()
    authenticate_admin(app.current_event.headers.get("authorization"), admin_secret(d.settings), d.clock.now())
    return next_middleware(app)


def _known_lengths(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[object]:
    if any(len(value) > MAX_PATH_PARAMETER_LENGTH for value in (app.current_event.path_parameters or {}).values()):
        raise NotFound()
    return next_middleware(app)


def _canonical_ids(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[object]:
    """Every id we issue is a lower-case, hyphenated UUID; an id in a path in another form Python's UUID reads
    (upper case, no hyphens) names the same thing, as it does in /v2. Other values (numbers) pass unchanged."""
    arguments: dict[str, str] = app.context.get("_route_args", {})  # what Powertools calls the handler with
    for name, value in arguments.items():
        if name.endswith("_id"):
            arguments[name] = canonical_id(value)  # another value: the handler answers 404 (or 400 on its form)
    return next_middleware(app)


def _forget_cached_service(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[object]:
    # Other warm containers see the change within CACHE_TTL_SECONDS; this one sees it at once.
    response = next_middleware(app)
    path: dict[str, str] = app.context.get("_route_args", {})  # canonical by now: the form the handler saved
    d = deps()
    if "service_id" in path:
        d.bundles.invalidate(path["service_id"])
        d.service_senders.invalidate(path["service_id"])
    if "template_id" in path:
        d.latest_templates.invalidate(path["template_id"])
    return response
