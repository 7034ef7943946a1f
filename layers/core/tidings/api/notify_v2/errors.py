"""The v2 error envelope `{"status_code", "errors": [{"error", "message"}]}` and its exception table.

/admin uses the same envelope, so both register it here. A /v2 URL no route matches is the one exception: Flask
answers it, before Notify's own handlers, in the legacy shape `{"result": "error", "message": ...}` (spec §2.3).
"""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from tidings.api.http import rate_limit_headers, unavailable_retry_after
from tidings.domain.errors import AuthError, BadRequest, InvalidPhone, NotFound, PdfNotReady, ValidationFailed
from tidings.domain.limits import LimitExceeded
from tidings.observability import logger

NOT_FOUND_URL = (  # werkzeug's NotFound description, which Notify's 404 handler answers with
    "The requested URL was not found on the server. If you entered the URL manually please check your spelling "
    "and try again."
)
UNAVAILABLE = "Service temporarily unavailable, please try again"


def v2_error(
    status: int,
    errors: list[tuple[str, str]],
    headers: dict[str, str] | None = None,
    details: dict[str, object] | None = None,
) -> Response[dict[str, object]]:
    entries = [{"error": error, "message": m, **(details or {})} for error, m in errors]
    body = {"status_code": status, "errors": entries}
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=body, headers=headers)


def legacy_not_found() -> Response[dict[str, object]]:
    """Notify's answer to a URL no route matches, in the shape its errors had before the v2 envelope."""
    body: dict[str, object] = {"result": "error", "message": NOT_FOUND_URL}
    return Response(status_code=404, content_type=content_types.APPLICATION_JSON, body=body)


def register_v2_errors(app: APIGatewayHttpResolver, legacy_not_found_shape: bool = True) -> None:
    """Map every domain error (and an unknown route) to the v2 envelope; never a bare 500. /admin, which is
    ours, answers an unknown route in the envelope too (`legacy_not_found_shape=False`)."""

    @app.exception_handler(AuthError)
    def _auth(error: AuthError) -> Response[dict[str, object]]:
        return v2_error(error.status, [("AuthError", error.message)])

    @app.exception_handler(ValidationFailed)
    def _validation(error: ValidationFailed) -> Response[dict[str, object]]:
        return v2_error(400, [("ValidationError", message) for message in error.messages], details=error.details)

    @app.exception_handler(BadRequest)
    def _bad_request(error: BadRequest) -> Response[dict[str, object]]:
        return v2_error(error.status, [("BadRequestError", error.message)])

    @app.exception_handler(PdfNotReady)
    def _pdf_not_ready(error: PdfNotReady) -> Response[dict[str, object]]:
        return v2_error(400, [("PDFNotReadyError", error.message)])

    @app.exception_handler(InvalidPhone)
    def _invalid_phone(error: InvalidPhone) -> Response[dict[str, object]]:
        return v2_error(400, [("InvalidPhoneError", error.message)])

    @app.exception_handler(NotFound)
    def _not_found(error: NotFound) -> Response[dict[str, object]]:
        return v2_error(404, [("NoResultFound", error.message)])

    @app.exception_handler(LimitExceeded)
    def _limited(error: LimitExceeded) -> Response[dict[str, object]]:
        headers = {
            "Retry-After": str(error.retry_after),
            **rate_limit_headers(error.counter.limit, 0, error.retry_after),
        }
        return v2_error(429, [(error.counter.refusal, error.message)], headers)

    @app.not_found
    def _no_route(_: NotFoundError) -> Response[dict[str, object]]:
        return legacy_not_found() if legacy_not_found_shape else v2_error(404, [("NotFound", NOT_FOUND_URL)])

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[dict[str, object]]:
        retry = unavailable_retry_after(error)
        if retry is not None:  # throttled or down: nothing was accepted, and a retry will work
            logger.warning("backend unavailable", extra={"error_type": type(error).__name__})
            return v2_error(503, [("ServiceUnavailableError", UNAVAILABLE)], {"Retry-After": str(retry)})
        logger.exception("unhandled error", extra={"error_type": type(error).__name__})
        return v2_error(HTTPStatus.INTERNAL_SERVER_ERROR, [("Exception", "Internal server error")])
