"""POSTs to a service's callback URL: JSON, optional bearer token, 5 second timeout."""

from __future__ import annotations

import json
from typing import Any

import urllib3

TIMEOUT = urllib3.Timeout(connect=5.0, read=5.0)
_http = urllib3.PoolManager(retries=False, timeout=TIMEOUT)


def post_json(url: str, payload: dict[str, Any], bearer_token: str | None) -> int | None:
    """The response status, or None when the receiver could not be reached or did not answer in time."""
    headers = {"Content-Type": "application/json"}
    if bearer_token:
        headers["Authorization"] = f"Bearer {bearer_token}"
    try:
        response = _http.request("POST", url, body=json.dumps(payload).encode(), headers=headers)
    except urllib3.exceptions.HTTPError:
        return None
    return int(response.status)
