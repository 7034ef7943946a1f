"""POSTs to a service's callback URL: JSON, optional bearer token, bounded in time.

Only the status is read. A receiver chooses what it answers, so its body is never read (a huge or trickling body
could fill the function's memory or outlast its time), and the whole exchange, headers included, runs against a
deadline: a receiver that trickles its status line still ends at the deadline."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as DeadlinePassed
from typing import Any

import urllib3

TIMEOUT_SECONDS = 5.0  # to connect, and again to read the answer
_http = urllib3.PoolManager(retries=False)
# POSTs run here so the caller can stop waiting at the deadline; one that overran keeps its thread until its
# socket times out, so a few threads spare.
_posts = ThreadPoolExecutor(max_workers=8, thread_name_prefix="callback-post")


def post_json(url: str, payload: dict[str, Any], bearer_token: str | None, within: float | None = None) -> int | None:
    """The response status, or None when the receiver could not be reached or did not answer in time.

    `within` caps the whole exchange (connect and the answer's headers) in seconds, e.g. to the invocation's
    remaining time; without it, twice TIMEOUT_SECONDS.
    """
    headers = {"Content-Type": "application/json"}
    if bearer_token:
        headers["Authorization"] = f"Bearer {bearer_token}"
    deadline = within if within is not None else 2 * TIMEOUT_SECONDS
    timeout = urllib3.Timeout(connect=TIMEOUT_SECONDS, read=TIMEOUT_SECONDS, total=deadline)
    body = json.dumps(payload).encode()
    try:
        return _posts.submit(_status, url, body, headers, timeout).result(timeout=deadline)
    except DeadlinePassed:
        return None


def _status(url: str, body: bytes, headers: dict[str, str], timeout: urllib3.Timeout) -> int | None:
    try:
        response = _http.request(
            "POST", url, body=body, headers=headers, timeout=timeout, preload_content=False, redirect=False
        )
    except urllib3.exceptions.HTTPError:
        return None
    status = int(response.status)
    response.close()  # the body unread: closing drops the connection rather than pool a half-read one
    return status
