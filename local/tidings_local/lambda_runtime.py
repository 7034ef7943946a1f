"""Loads each function's handler in-process and invokes it the way Lambda would."""

from __future__ import annotations

import importlib.util
import json
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from tidings_local.roles import Roles, acting_as
from tidings_local.sam_template import FunctionSpec

Handler = Callable[[dict[str, Any], Any], Any]
# Lambda refuses a synchronous invocation's answer longer than this, as JSON (API Gateway then answers 500).
RESPONSE_PAYLOAD_BYTES = 6_291_556


def reported_failures(result: Any, reporting: bool) -> set[str]:
    """The item identifiers a partial batch response names, when the mapping has ReportBatchItemFailures (without
    it Lambda reads nothing from the answer)."""
    if not reporting or not isinstance(result, dict):
        return set()
    return {str(f["itemIdentifier"]) for f in result.get("batchItemFailures") or []}


class ResponseSizeTooLarge(Exception):
    """Lambda's Function.ResponseSizeTooLarge: the handler returned more than a synchronous answer may hold."""


@dataclass
class LocalContext:
    """The attributes of Lambda's context object that Powertools and our handlers read."""

    function_name: str
    timeout_seconds: int
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/tidings/local/functions"
    log_stream_name: str = "local"
    _deadline: float = field(default=0.0)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds
        self.invoked_function_arn = f"arn:aws:lambda:local:123456789012:function:{self.function_name}"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


class Functions:
    def __init__(self, specs: list[FunctionSpec], roles: Roles) -> None:
        self._handlers = {spec.logical_id: _load(spec) for spec in specs}
        self._specs = {spec.logical_id: spec for spec in specs}
        self.roles = roles  # what each function's AWS calls are checked against
        # A Lambda container handles one event at a time, and the API handlers rely on it: Powertools keeps
        # the current event on a class attribute shared by every resolver (BaseRouter.current_event), and a
        # request's context on its resolver. Concurrent HTTP requests in this one process would read each
        # other's events, so the API functions take turns (the queue consumers have one poller each).
        self._api_turn = _Turns()

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        spec = self._specs[logical_id]
        with acting_as(logical_id, self.roles), self._api_turn if spec.routes else nullcontext():
            result = self._handlers[logical_id](event, LocalContext(logical_id, spec.timeout))
        if spec.routes and len(json.dumps(result).encode()) > RESPONSE_PAYLOAD_BYTES:
            limit = RESPONSE_PAYLOAD_BYTES
            raise ResponseSizeTooLarge(f"{logical_id}: response payload size exceeded the {limit} bytes allowed")
        return result


class _Turns:
    """A re-entrant lock that serves its waiters in arrival order: threading's locks wake them in no order, so
    under load one HTTP request could wait longer than its JWT's 30 seconds while later ones went first."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._next_ticket = self._serving = self._depth = 0
        self._owner: int | None = None

    def __enter__(self) -> None:
        me = threading.get_ident()
        with self._changed:
            if self._owner != me:
                ticket, self._next_ticket = self._next_ticket, self._next_ticket + 1
                self._changed.wait_for(lambda: self._serving == ticket)
                self._owner = me
            self._depth += 1

    def __exit__(self, *_: object) -> None:
        with self._changed:
            self._depth -= 1
            if not self._depth:
                self._owner, self._serving = None, self._serving + 1
                self._changed.notify_all()


def _load(spec: FunctionSpec) -> Handler:
    module_name, _, attribute = spec.handler.rpartition(".")
    path = spec.code_dir / f"{module_name.replace('.', '/')}.py"
    loaded = importlib.util.spec_from_file_location(f"tidings_fn_{spec.logical_id}", path)
    if loaded is None or loaded.loader is None:
        raise RuntimeError(f"cannot load {path}")
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    handler: Handler = getattr(module, attribute)
    return handler
