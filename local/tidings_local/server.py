"""The local HTTP front door: API Gateway's routes plus the /_local developer endpoints."""

from __future__ import annotations

import json
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tidings_local.http_events import HttpRequest, HttpResponse
from tidings_local.outbox import outbox
from tidings_local.stack import LocalStack

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway HTTP API's payload limit


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver listens with 5: a burst of new connections got resets

    def __init__(self, stack: LocalStack, host: str, port: int) -> None:
        self.stack = stack
        super().__init__((host, port), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: LocalServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:
        pass  # request lines carry ids and query strings; the functions' own logs are enough

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(
                HttpResponse(413, [("Content-Type", "application/json")], b'{"message":"Request Entity Too Large"}')
            )
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        if url.path.startswith("/_local/"):
            self._send(self._local(self.command, url.path, body))
            return
        request = HttpRequest(
            method=self.command,
            path=url.path,
            query=url.query,
            headers=list(self.headers.items()),
            body=body,
            source_ip=self.client_address[0],
        )
        try:
            response = self.server.stack.handle(request)
        except Exception:
            response = HttpResponse(500, [("Content-Type", "application/json")], b'{"message":"Internal Server Error"}')
        self._send(response)

    def _local(self, method: str, path: str, body: bytes) -> HttpResponse:
        if path == "/_local/health":
            return _json(200, {"status": "ok"})
        if path == "/_local/outbox":
            return _json(200, {"messages": outbox()})
        if path == "/_local/access-denied":  # calls a function's role did not allow (tidings_local/roles.py)
            return _json(200, {"refused": [asdict(r) for r in self.server.stack.functions.roles.refused]})
        if path == "/_local/queues":
            return _json(200, {"queues": self.server.stack.queue_depths()})
        if path.startswith("/_local/counters/") and method == "GET":  # read-only: today's limit counters
            return _json(200, {"counters": _counters_today(path.removeprefix("/_local/counters/"))})
        if path.startswith("/_local/run/") and method == "POST":
            function = path.removeprefix("/_local/run/")
            if not self.server.stack.is_scheduled(function):
                return _json(404, {"message": f"{function} is not a scheduled function"})
            at = json.loads(body or b"{}").get("time")  # run as if scheduled then: play with timeouts
            return _json(200, {"result": self.server.stack.invoke_scheduled(function, at)})
        if path == "/_local/inbound-sms" and method == "POST":
            try:
                fields = json.loads(body)
                message_id = self.server.stack.inject_inbound_sms(fields["from"], fields["to"], fields["body"])
            except (ValueError, KeyError, TypeError):
                return _json(400, {"message": 'Send {"from", "to", "body"} as JSON'})
            return _json(202, {"message_id": message_id})
        return _json(404, {"message": "Not Found"})

    def _send(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() != "content-length":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


def _counters_today(service_id: str) -> dict[str, int]:
    """A service's counters item for today (UTC), read as the limits code reads it: every count and window."""
    from tidings.domain.limits import day_key  # noqa: PLC0415 (the stack has set the environment by now)
    from tidings.wiring import deps  # noqa: PLC0415

    d = deps()
    return d.counters.read(day_key(service_id, d.clock.now()))


def _json(status: int, payload: object) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(payload).encode())
