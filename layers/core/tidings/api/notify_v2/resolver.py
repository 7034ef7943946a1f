"""The resolver every /v2 function starts from: v2 errors, then authentication on every route."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from tidings.api.notify_v2.auth import authenticate
from tidings.api.notify_v2.errors import register_v2_errors


def notify_v2_resolver(before_auth: Sequence[Callable[..., Response[object]]] = ()) -> APIGatewayHttpResolver:
    """`before_auth`: middlewares that refuse what Notify's routing refuses before it authenticates (a URL that
    matches none of its routes is a 404 whoever asks)."""
    app = APIGatewayHttpResolver()
    register_v2_errors(app)
    app.use(middlewares=[*before_auth, authenticate])
    return app
