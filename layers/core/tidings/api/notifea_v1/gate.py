"""The /v1 middlewares: who is calling (access tokens), and the per-client-IP request limit."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from tidings.api.notifea_v1.errors import rate_limit_headers
from tidings.domain.access_tokens import authenticate_access_token
from tidings.domain.errors import Refused
from tidings.domain.limits import Usage, take, v1_request_counter
from tidings.domain.models import AccessToken, ServiceBundle
from tidings.wiring import deps

_RETRY_WITH_FRESH_BUNDLE = frozenset({"unauthorized"})


@dataclass(frozen=True)
class V1Caller:
    bundle: ServiceBundle
    token: AccessToken

    @property
    def service_id(self) -> str:
        return self.bundle.service.id


def client_ip(app: APIGatewayHttpResolver) -> str:
    return str(app.current_event.request_context.http.source_ip)


def authenticate(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[object]:
    d = deps()
    header, now, ip = app.current_event.headers.get("authorization"), d.clock.now(), client_ip(app)
    try:
        try:
            bundle, token = authenticate_access_token(header, d.bundles.get, now, ip)
        except Refused as error:
            if error.code not in _RETRY_WITH_FRESH_BUNDLE or not header:
                raise
            bundle, token = authenticate_access_token(header, lambda s: d.bundles.get(s, fresh=True), now, ip)
    except Refused:
        # Failed attempts count against the IP, so guessing tokens is throttled too; their refusal carries the
        # limit's headers, as every counted answer does.
        app.append_context(v1_usage=_count_request(None, ip))
        raise
    app.append_context(v1_caller=V1Caller(bundle, token))
    return next_middleware(app)


def throttle(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[object]:
    """Count the request, then answer with the limit's headers (errors get them from the context: see errors.py)."""
    caller = app.context.get("v1_caller")
    usage = _count_request(caller.bundle if isinstance(caller, V1Caller) else None, client_ip(app))
    app.append_context(v1_usage=usage)
    response = next_middleware(app)
    response.headers.update(rate_limit_headers(**asdict(usage)))
    return response


def count_refused(app: APIGatewayHttpResolver) -> None:
    """POST /v1/sms counts the caller's request in the write that counts its send; one refused before that write
    (bad fields, recipient or sender) still counts, as under Laravel's throttle, which runs first."""
    usage = _count_request(current_v1_caller(app).bundle, client_ip(app))
    app.append_context(v1_usage=usage)


def current_v1_caller(app: APIGatewayHttpResolver) -> V1Caller:
    caller = app.context.get("v1_caller")
    if not isinstance(caller, V1Caller):
        raise RuntimeError("route registered without the v1 authenticate middleware")
    return caller


def _count_request(bundle: ServiceBundle | None, ip: str) -> Usage:
    d = deps()
    now = d.clock.now()
    item, counter = v1_request_counter(bundle.service if bundle else None, ip, now)
    return take(d.counters, item, [counter], now)
