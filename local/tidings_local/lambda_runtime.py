"""Loads each function's handler in-process and invokes it the way Lambda would."""

from __future__ import annotations

import importlib.util
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tidings_local.sam_template import FunctionSpec

Handler = Callable[[dict[str, Any], Any], Any]


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
    def __init__(self, specs: list[FunctionSpec]) -> None:
        self._handlers = {spec.logical_id: _load(spec) for spec in specs}
        self._specs = {spec.logical_id: spec for spec in specs}

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Any:
        spec = self._specs[logical_id]
        return self._handlers[logical_id](event, LocalContext(logical_id, spec.timeout))


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
