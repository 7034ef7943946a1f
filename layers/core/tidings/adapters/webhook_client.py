"""POSTs to a service's callback URL: JSON, optional bearer token, bounded in time.

Only the status is read. A receiver chooses what it answers, so its body is never read (a huge or trickling body
could fill the function's memory or outlast its time), and the whole exchange runs against a deadline: each POST
runs in a thread of its own, and at the deadline its socket is shut, so a receiver that trickles its answer ends
there, and holds nothing that another service's callback would wait for.

The host's name is resolved once, every address it gives is checked (a name may point anywhere, e.g. at a private
or link-local address), and the connection goes to an address that was checked, so a name re-pointed between the
check and the connection (DNS rebinding) reaches none. TLS still verifies the certificate against the name."""

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

from tidings.domain.urls import is_callable_address

TIMEOUT_SECONDS = 5.0  # to connect, and again for each read of the answer
EXCHANGE_TIMEOUTS = 2  # the whole exchange gets at most this many timeouts, however its answer trickles


class AddressNotAllowed(Exception):
    """The URL's host resolves to an address a callback never goes to: nothing was sent, and a retry would not
    change that."""


@cache
def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # certificates and host names verified


def post_json(
    url: str,
    payload: dict[str, Any],
    bearer_token: str | None,
    within: float | None = None,
    allow_loopback: bool = False,
) -> int | None:
    """The response status, or None when the receiver could not be reached or did not answer in time.

    The whole exchange (resolve, connect, send, and the answer's status) takes at most twice TIMEOUT_SECONDS, or
    `within` seconds if sooner (the invocation's remaining time): one receiver that trickles its answer holds
    the batch no longer than that, so the other callbacks in it are still tried. `allow_loopback`: local mode,
    whose receivers are on this machine. Raises AddressNotAllowed when the host resolves to an address not
    allowed.
    """
    cap = EXCHANGE_TIMEOUTS * TIMEOUT_SECONDS
    deadline = cap if within is None else min(within, cap)
    parts = urlsplit(url)
    host, secure = parts.hostname or "", parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    timeout = min(TIMEOUT_SECONDS, max(deadline, 0.001))
    # The connection builds the request (Host header included); its socket is the one `exchange` opens, and it
    # never opens one itself (auto_open off), which would go unchecked to whatever the name then resolves to.
    connection = (
        HTTPSConnection(host, port, timeout=timeout, context=_tls())  # given, so not built again for each call
        if secure
        else HTTPConnection(host, port, timeout=timeout)
    )
    connection.auto_open = 0
    headers = {"Content-Type": "application/json"}
    if bearer_token:
        headers["Authorization"] = f"Bearer {bearer_token}"
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    outcome: list[int | AddressNotAllowed] = []
    gate, abandoned = threading.Lock(), threading.Event()

    def adopt(sock: socket.socket) -> None:
        """Make `sock` the connection's, so the deadline's shut reaches it; once given up, close it unused: a
        POST the caller reported as failed (and will retry) must not go out late."""
        with gate:
            if abandoned.is_set():
                sock.close()
                raise OSError("given up at the deadline")
            connection.sock = sock

    def exchange() -> None:
        try:
            addresses = _checked_addresses(host, port, allow_loopback)
            if abandoned.is_set():
                return
            adopt(_open(addresses, port, timeout))  # adopted before the handshake, so the shut reaches that too
            if secure:
                adopt(_tls().wrap_socket(connection.sock, server_hostname=host))
            connection.request("POST", target, body=json.dumps(payload).encode(), headers=headers)
            outcome.append(connection.getresponse().status)  # the status line and headers; the body stays unread
        except AddressNotAllowed as refused:
            outcome.append(refused)
        # Unresolved, refused, reset, timed out, TLS, or shut at the deadline; or (ValueError) a header or path
        # http.client will not send, whose message holds the value (a token) the thread's default hook would
        # print: callers check both before calling.
        except (OSError, HTTPException, ValueError):
            pass

    worker = threading.Thread(target=exchange, name="callback-post", daemon=True)
    worker.start()
    worker.join(deadline)
    with gate:
        abandoned.set()
        finished = not worker.is_alive()
        _shut(connection)
    if not (finished and outcome):
        return None
    if isinstance(outcome[0], AddressNotAllowed):
        raise outcome[0]
    return outcome[0]


def _checked_addresses(host: str, port: int, allow_loopback: bool) -> list[str]:
    """`host`'s addresses, resolved once, when every one of them is callable."""
    addresses = [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    if not all(is_callable_address(address, allow_loopback) for address in addresses):
        raise AddressNotAllowed("the host resolves to an address callbacks never go to")
    return addresses


def _open(addresses: list[str], port: int, timeout: float) -> socket.socket:
    """A socket connected to the first of `addresses` that answers."""
    failure: OSError = OSError("no address")
    for address in addresses:
        try:
            return socket.create_connection((address, port), timeout=timeout)
        except OSError as error:
            failure = error
    raise failure


def _shut(connection: HTTPConnection) -> None:
    """Shut the socket (which ends a read blocked in the worker, as close alone would not), then close it."""
    sock = connection.sock
    if sock is not None:
        with suppress(OSError):  # already closed by the other side
            sock.shutdown(socket.SHUT_RDWR)
    connection.close()
