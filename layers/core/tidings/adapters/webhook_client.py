"""POSTs to a service's callback URL: JSON, optional bearer token, bounded in time.

Only the status is read. A receiver chooses what it answers, so its body is never read (a huge or trickling body
could fill the function's memory or outlast its time), and the whole exchange runs against a deadline: each POST
runs in a thread of its own, and at the deadline its socket is shut, so a receiver that trickles its answer ends
there, and holds nothing that another service's callback would wait for."""

from __future__ import annotations

import json
import socket
import ssl
import threading
from contextlib import suppress
from functools import cache
from http.client import HTTPConnection, HTTPException, HTTPSConnection
from typing import Any
from urllib.parse import urlsplit

TIMEOUT_SECONDS = 5.0  # to connect, and again for each read of the answer


@cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # certificates and host names verified


def post_json(url: str, payload: dict[str, Any], bearer_token: str | None, within: float | None = None) -> int | None:
    """The response status, or None when the receiver could not be reached or did not answer in time.

    `within` caps the whole exchange (connect, send, and the answer's status) in seconds, e.g. to the invocation's
    remaining time; without it, twice TIMEOUT_SECONDS.
    """
    deadline = within if within is not None else 2 * TIMEOUT_SECONDS
    parts = urlsplit(url)
    timeout = min(TIMEOUT_SECONDS, max(deadline, 0.001))
    connection = (
        HTTPSConnection(parts.hostname or "", parts.port, timeout=timeout, context=_tls())
        if parts.scheme == "https"
        else HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    )
    headers = {"Content-Type": "application/json"}
    if bearer_token:
        headers["Authorization"] = f"Bearer {bearer_token}"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    answer: list[int] = []

    def exchange() -> None:
        try:
            connection.request("POST", target, body=json.dumps(payload).encode(), headers=headers)
            answer.append(connection.getresponse().status)  # the status line and headers; the body stays unread
        except (OSError, HTTPException):  # refused, reset, timed out, TLS, or shut at the deadline
            pass

    worker = threading.Thread(target=exchange, name="callback-post", daemon=True)
    worker.start()
    worker.join(deadline)
    finished = not worker.is_alive()
    _shut(connection)
    return answer[0] if finished and answer else None


def _shut(connection: HTTPConnection) -> None:
    """Shut the socket (which ends a read blocked in the worker, as close alone would not), then close it."""
    sock = connection.sock
    if sock is not None:
        with suppress(OSError):  # already closed by the other side
            sock.shutdown(socket.SHUT_RDWR)
    connection.close()
