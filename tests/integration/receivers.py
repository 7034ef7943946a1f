"""A service's callback endpoint for the integration tests: a loopback HTTP server that records what it hears."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver(ThreadingHTTPServer):
    """A service's callback endpoint on loopback. While `hanging`, it reads each POST and never answers."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.hanging = True
        self.release = threading.Event()
        self.heard: list[dict[str, Any]] = []  # every POST that arrived
        self.answered: list[dict[str, Any]] = []  # the ones answered 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/callback"


class ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        heard = {"authorization": self.headers["Authorization"], "body": body}
        self.server.heard.append(heard)
        if self.server.hanging:
            self.server.release.wait(timeout=30)  # no answer until the test ends: the caller must give up
            return
        self.server.answered.append(heard)  # before the answer leaves: the caller may look as soon as it has it
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass
