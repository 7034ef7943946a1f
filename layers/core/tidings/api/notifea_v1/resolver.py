"""The resolvers /v1 functions start from: v1 errors, then (for account routes) access-token auth."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from tidings.api.notifea_v1.errors import register_v1_errors
from tidings.api.notifea_v1.gate import authenticate


def v1_resolver(authenticated: bool = True) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver()
    register_v1_errors(app)
    if authenticated:
        app.use(middlewares=[authenticate])
    return app
