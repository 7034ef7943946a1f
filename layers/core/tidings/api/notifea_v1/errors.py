"""The v1 error envelope `{"data": {"message", "metadata"}, "code"}` and its exception table."""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from tidings.api.http import rate_limit_headers as ietf_rate_limit_headers
from tidings.api.http import unavailable_retry_after
from tidings.domain.errors import BadRequest, InvalidPhone, NotFound, Refused, ValidationFailed
from tidings.domain.limits import V1_TOO_MANY, LimitExceeded, Usage
from tidings.observability import logger

V1_LIMIT_CODES = {"RateLimitError": "too.many.attempts", "TooManyRequestsError": "daily.limit.exceeded"}


def v1_error(
    status: int, code: str, message: str, metadata: list[str] | None = None, headers: dict[str, str] | None = None
) -> Response[dict[str, object]]:
    data: dict[str, object] = {"message": message}
    if metadata is not None:
        data["metadata"] = metadata
    body: dict[str, object] = {"data": data, "code": code}
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body, headers=headers)


def rate_limit_headers(limit: int, remaining: int, reset_seconds: int) -> dict[str, str]:
    """The IETF draft headers, plus the X-RateLimit-* pair Laravel's throttle (so Notifea) sends."""
    legacy = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining)}
    return {**ietf_rate_limit_headers(limit, remaining, reset_seconds), **legacy}


def register_v1_errors(app: APIGatewayHttpResolver) -> None:
    def counted(response: Response[dict[str, object]]) -> Response[dict[str, object]]:
        """A refusal of a request the limit counted carries the limit's headers too (Laravel's throttle puts them
        on every response)."""
        usage = app.context.get("v1_usage")
        if isinstance(usage, Usage):
            response.headers.update(rate_limit_headers(usage.limit, usage.remaining, usage.reset_seconds))
        return response

    @app.exception_handler(Refused)
    def _refused(error: Refused) -> Response[dict[str, object]]:
        return counted(v1_error(error.status, error.code, error.message, error.fields))

    @app.exception_handler(LimitExceeded)
    def _limited(error: LimitExceeded) -> Response[dict[str, object]]:
        retry = error.retry_after
        headers = {"Retry-After": str(retry), **rate_limit_headers(error.counter.limit, 0, retry)}
        headers["X-RateLimit-Reset"] = str(error.reset_at)  # Laravel's: the epoch second it frees
        code = V1_LIMIT_CODES.get(error.counter.refusal, error.counter.refusal)
        # Notifea's one message for its code, whichever per-minute limit was spent (the IP's, or the service's
        # sends); the day's limit, Tidings' own, says which. Notifea's 429 has no metadata.
        message = V1_TOO_MANY if code == "too.many.attempts" else error.message
        return v1_error(429, code, message, None, headers)

    @app.exception_handler(ValidationFailed)
    def _invalid(error: ValidationFailed) -> Response[dict[str, object]]:
        fields = [message.split(" ", 1)[0] for message in error.messages]
        return counted(v1_error(422, "validation.failed", "; ".join(error.messages), fields))

    @app.exception_handler(BadRequest)
    def _bad(error: BadRequest) -> Response[dict[str, object]]:
        # A body that is not JSON fails validation as a whole: one code for every invalid request (spec §1.5)
        return counted(v1_error(422, "validation.failed", error.message, []))

    @app.exception_handler(InvalidPhone)
    def _phone(error: InvalidPhone) -> Response[dict[str, object]]:
        return counted(v1_error(422, "recipient.not.valid", error.message, ["recipient"]))

    @app.exception_handler(NotFound)
    def _not_found(error: NotFound) -> Response[dict[str, object]]:
        return counted(v1_error(404, "not.found", error.message, []))

    @app.not_found
    def _no_route(_: NotFoundError) -> Response[dict[str, object]]:
        return v1_error(404, "route.not.found", "Route not found", [])

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[dict[str, object]]:
        retry = unavailable_retry_after(error)
        if retry is not None:  # throttled or down: nothing was accepted, and a retry will work
            logger.warning("backend unavailable", extra={"error_type": type(error).__name__})
            headers = {"Retry-After": str(retry)}
            return v1_error(
                503, "service.unavailable", "Service temporarily unavailable. Please try again.", [], headers
            )
        logger.exception("unhandled error", extra={"error_type": type(error).__name__})
        return v1_error(HTTPStatus.INTERNAL_SERVER_ERROR, "server.error", "Server error", [])
