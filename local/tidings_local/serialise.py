"""Makes moto's in-memory AWS behave atomically like the real one under concurrent requests.

moto is not thread-safe: 16 threads racing a conditional counter limit of 300 got 318 through. DynamoDB
guarantees conditional writes are atomic, so the local stack lets one AWS call run at a time.
"""

from __future__ import annotations

import threading
from typing import Any

from botocore.client import BaseClient

_lock = threading.RLock()
_original = getattr(BaseClient, "_make_api_call")  # noqa: B009 (a private botocore method)


def _serialised(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
    with _lock:
        return _original(self, operation_name, api_params)


def serialise_aws_calls() -> None:
    setattr(BaseClient, "_make_api_call", _serialised)  # noqa: B010
