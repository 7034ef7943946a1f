"""Fault injection on the adapters' own boto3 clients (issue #9).

botocore's `before-call` hook answers in AWS's place with the error response AWS would give, so botocore
raises the exception it raises in production (after its own retries; the hook stands for the last of them)
and the real adapters, handlers and error tables run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.client import BaseClient


@dataclass
class Fault:
    """The AWS requests a fault answered (decoded request bodies): proof that the fault was really hit."""

    hits: list[dict[str, Any]]


def _request_body(params: dict[str, Any]) -> dict[str, Any]:
    body = params.get("body") or b"{}"
    if not isinstance(body, bytes | str):
        return dict(body)
    text = body.decode() if isinstance(body, bytes) else body
    if text.startswith("{"):
        return dict(json.loads(text))
    return {name: values[0] for name, values in parse_qs(text).items()}  # SNS's query protocol


@contextmanager
def aws_error(
    client: BaseClient,
    operation: str,
    code: str,
    status: int = 400,
    when: Callable[[dict[str, Any]], bool] | None = None,
    message: str = "injected fault",
) -> Iterator[Fault]:
    """While active, `operation` answers with AWS's error `code` (HTTP `status`, and `message`) for requests
    `when` accepts."""
    fault = Fault([])
    event = f"before-call.{client.meta.service_model.service_id.hyphenize()}.{operation}"

    def answer(params: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        body = _request_body(params)
        if when is not None and not when(body):
            return None
        fault.hits.append(body)
        error = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}
        return AWSResponse(params["url"], status, HTTPHeaders(), None), error

    # A before-call handler may answer in AWS's place (the stubs type handlers as returning None).
    client.meta.events.register(event, answer, unique_id=f"fault-{operation}")  # type: ignore[arg-type]
    try:
        yield fault
    finally:
        client.meta.events.unregister(event, unique_id=f"fault-{operation}")


@contextmanager
def spy(client: BaseClient, operation: str) -> Iterator[list[dict[str, Any]]]:
    """Records the requests of `operation` that reach AWS (or the fault registered before the spy)."""
    seen: list[dict[str, Any]] = []
    event = f"before-call.{client.meta.service_model.service_id.hyphenize()}.{operation}"

    def record(params: dict[str, Any], **_: Any) -> None:
        seen.append(_request_body(params))

    client.meta.events.register_first(event, record, unique_id=f"spy-{operation}")
    try:
        yield seen
    finally:
        client.meta.events.unregister(event, unique_id=f"spy-{operation}")


def on_table(table: str) -> Callable[[dict[str, Any]], bool]:
    return lambda body: body.get("TableName") == table


class InvocationStopped(BaseException):
    """Lambda stopping an invocation at its timeout: nothing after that point runs, no `except Exception` either."""


@contextmanager
def raised_at(client: BaseClient, operation: str, error: BaseException, applied: bool = False) -> Iterator[Fault]:
    """While active, `operation` raises `error` before its request leaves or, `applied`, once AWS has applied it
    (its answer lost on the way back)."""
    fault = Fault([])
    hook = "after-call" if applied else "before-call"
    event = f"{hook}.{client.meta.service_model.service_id.hyphenize()}.{operation}"

    def stop(**kwargs: Any) -> None:
        fault.hits.append(_request_body(kwargs["params"]) if "params" in kwargs else {})
        raise error

    client.meta.events.register(event, stop, unique_id=f"raise-{operation}")
    try:
        yield fault
    finally:
        client.meta.events.unregister(event, unique_id=f"raise-{operation}")
