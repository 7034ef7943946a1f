"""GET /v2/template/{id} and GET /v2/template/{id}/version/{n}: one template of the caller's service."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from tidings.api.entry import http_entry
from tidings.api.http import uuid_param
from tidings.api.notify_v2.auth import current_caller
from tidings.api.notify_v2.resolver import notify_v2_resolver
from tidings.api.notify_v2.template_views import template_json
from tidings.domain.errors import NotFound
from tidings.domain.template_queries import MAX_VERSION, get_template
from tidings.wiring import deps


def version_is_a_number(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[object]:
    """Notify's route takes only digits for the version (Flask's int converter), and a URL no route matches is
    a 404 before authentication: "one" or "-1" never reach the key check."""
    version = (app.current_event.path_parameters or {}).get("version")
    if version is not None and not version.isdecimal():
        raise NotFoundError()
    return next_middleware(app)


app = notify_v2_resolver(before_auth=[version_is_a_number])


@app.get("/v2/template/<template_id>")
def get_latest(template_id: str) -> dict[str, Any]:
    return _template(template_id, None)


@app.get("/v2/template/<template_id>/version/<version>")
def get_version(template_id: str, version: str) -> dict[str, Any]:
    # Digits (version_is_a_number let them through); measured before int() reads thousands of them.
    if len(version) > len(str(MAX_VERSION)) or int(version) > MAX_VERSION:
        raise NotFound()
    return _template(template_id, int(version))


def _template(template_id: str, version: int | None) -> dict[str, Any]:
    caller = current_caller(app)
    template = get_template(deps().templates, caller.service_id, uuid_param(template_id, "id"), version)
    return template_json(template)


lambda_handler = http_entry(app)
