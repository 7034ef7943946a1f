"""The resolver every /v2 function starts from: v2 errors, then authentication on every route."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from tidings.api.notify_v2.auth import authenticate
from tidings.api.notify_v2.errors import register_v2_errors


def notify_v2_resolver() -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver()
    register_v2_errors(app)
    app.use(middlewares=[authenticate])
    return app
