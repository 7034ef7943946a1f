"""POSTs to a service's callback URL: JSON, optional bearer token, bounded in time."""

from __future__ import annotations

import json
from typing import Any

import urllib3

TIMEOUT_SECONDS = 5.0  # to connect, and again to read the answer
_http = urllib3.PoolManager(retries=False)


def post_json(url: str, payload: dict[str, Any], bearer_token: str | None, within: float | None = None) -> int | None:
    """The response status, or None when the receiver could not be reached or did not answer in time.

    `within` caps the whole exchange (connect and read) in seconds, e.g. to the invocation's remaining time.
    """
    headers = {"Content-Type": "application/json"}
    if bearer_token:
        headers["Authorization"] = f"Bearer {bearer_token}"
    timeout = urllib3.Timeout(connect=TIMEOUT_SECONDS, read=TIMEOUT_SECONDS, total=within)
    try:
        response = _http.request("POST", url, body=json.dumps(payload).encode(), headers=headers, timeout=timeout)
    except urllib3.exceptions.HTTPError:
        return None
    return int(response.status)
