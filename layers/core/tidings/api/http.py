"""Request helpers shared by the dialects (the resolver is Powertools' APIGatewayHttpResolver)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl
from uuid import UUID

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as AwsConnectionError

from tidings.domain.errors import (
    BadRequest,
    InvalidPhone,
    NotFound,
    ProviderError,
    Refused,
    TidingsError,
    ValidationFailed,
)
from tidings.observability import logger

LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # where one may be: a \uD800-\uDFFF escape

# A backend that is throttled or down answers 503 with this Retry-After. botocore has already retried three
# times with backoff by then, and DynamoDB throttling or an SQS blip clears within seconds.
UNAVAILABLE_RETRY_AFTER_SECONDS = 1
# Throttling (botocore's own list, in part) and the codes AWS gives a failure of its own.
TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestThrottled",
        "RequestThrottledException",
        "ServiceUnavailable",
        "InternalServerError",
    }
)


NO_BODY: Any = object()  # json_body's default: a body is required, as Flask's get_json(force=True) requires one


def json_body(app: APIGatewayHttpResolver, empty: Any = NO_BODY) -> Any:
    """The parsed JSON body; `empty` when there is none, if the route allows that. Bad JSON is the caller's
    fault (400). A UTF-8 byte-order mark is skipped, as Flask (and so Notify) skips it."""
    try:
        raw = (app.current_event.decoded_body or "").removeprefix("\ufeff")  # base64 bodies may not be UTF-8
        if not raw.strip():
            if empty is NO_BODY:
                raise BadRequest("Invalid JSON supplied in POST data")
            return empty
        parsed = json.loads(raw)
        if LONE_SURROGATE_ESCAPE.search(raw):
            _refuse_lone_surrogates(parsed)
        return parsed
    except (ValueError, RecursionError) as error:  # bad JSON, bad UTF-8 (a ValueError), absurd nesting
        raise BadRequest("Invalid JSON supplied in POST data") from error


def _refuse_lone_surrogates(value: Any) -> None:
    """`"\\ud83d"` alone parses, but is no character: it could be neither stored nor sent (UnicodeEncodeError,
    a ValueError, so the caller answers 400). Escaped pairs parse to one character and pass."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            item.encode()
        elif isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item


def query_pairs(app: APIGatewayHttpResolver) -> list[tuple[str, str]]:
    """Query parameters in order, repeats kept (API Gateway joins repeats with commas elsewhere)."""
    raw = app.current_event.raw_event.get("rawQueryString") or ""
    return parse_qsl(raw, keep_blank_values=True)


def first_values(app: APIGatewayHttpResolver) -> dict[str, str]:
    """Each query parameter's first value, as Notify's `request.args.to_dict()` keeps it when one is repeated."""
    query: dict[str, str] = {}
    for name, value in query_pairs(app):
        query.setdefault(name, value)
    return query


def root_url(app: APIGatewayHttpResolver) -> str:
    """`scheme://host/` of the request, for the absolute `uri`s Notify answers with."""
    headers = app.current_event.headers
    host = headers.get("host") or app.current_event.request_context.domain_name
    scheme = headers.get("x-forwarded-proto", "https")
    return f"{scheme}://{host}/"


def uuid_param(value: str, field: str) -> str:
    """The canonical form (lower case, hyphenated) of any form Python's UUID reads, as Postgres reads them for
    Notify: an id given in upper case or without hyphens finds what it names."""
    try:
        return str(UUID(value))
    except ValueError as error:
        raise ValidationFailed([f"{field} is not a valid UUID"]) from error


def canonical_id(value: str) -> str:
    """An id in any form Python's UUID reads (upper case, no hyphens) in the form we issue ids; anything else as
    given, for the caller to answer (it names nothing we issued)."""
    try:
        return str(UUID(value))
    except ValueError:
        return value


def optional_uuid(value: object, field: str) -> str | None:
    return None if value is None else uuid_param(str(value), field)


def rate_limit_headers(limit: int, remaining: int, reset_seconds: int) -> dict[str, str]:
    """IETF draft httpapi-ratelimit-headers (GOV.UK Notify sends none; our clients can back off precisely)."""
    return {"RateLimit-Limit": str(limit), "RateLimit-Remaining": str(remaining), "RateLimit-Reset": str(reset_seconds)}


def unavailable_retry_after(error: Exception) -> int | None:
    """Seconds to wait if `error` is AWS being throttled, failing (5xx) or unreachable: the caller's retry will
    work, so it is a 503 with Retry-After rather than a 500. None for any other error."""
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        return UNAVAILABLE_RETRY_AFTER_SECONDS if code in TRANSIENT_CODES or status >= 500 else None
    if isinstance(error, (AwsConnectionError, HTTPClientError)):  # connection refused, timeouts, resets
        return UNAVAILABLE_RETRY_AFTER_SECONDS
    if isinstance(error, ProviderError) and error.retryable:  # an adapter's classified AWS error (letter PDFs)
        return UNAVAILABLE_RETRY_AFTER_SECONDS
    return None


# What a send can be refused with before the write that counts it (the rate limit still takes its token).
REFUSALS = (ValidationFailed, BadRequest, InvalidPhone, NotFound, Refused)


@contextmanager
def refusals_counted(
    count: Callable[[TidingsError], None], also: Callable[[TidingsError], bool] = lambda _: False
) -> Iterator[None]:
    """A refusal raised inside (or another error `also` names) is counted against its rate limit with `count`
    (given the refusal), then goes on. A spent limit turns it into a 429 (LimitExceeded goes on instead); a
    backend that cannot count it now must not turn it into a 503, so it is answered as it was."""
    try:
        yield
    except TidingsError as refusal:
        if not isinstance(refusal, REFUSALS) and not also(refusal):
            raise
        try:
            count(refusal)
        except Exception as error:
            if unavailable_retry_after(error) is None:
                raise
            logger.warning("refused request not counted", extra={"error_type": type(error).__name__})
        raise
