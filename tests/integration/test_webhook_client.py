"""The callback client against receivers that misbehave on purpose (raw sockets on loopback)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress

import pytest

from tidings.adapters.webhook_client import post_json

Answer = Callable[[socket.socket, threading.Event], None]


@pytest.fixture
def receiver() -> Iterator[Callable[[Answer], str]]:
    """Serves one connection with `answer`; `done` is set once the test is over, so no answer outlives it."""
    done, threads, listeners = threading.Event(), [], []

    def serve(answer: Answer) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def run() -> None:
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)  # the request (small: it fits one read)
                answer(connection, done)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        threads.append(thread)
        return f"http://127.0.0.1:{listener.getsockname()[1]}/callback"

    yield serve
    done.set()
    for thread in threads:
        thread.join(timeout=5)
    for listener in listeners:
        listener.close()


def test_the_status_is_read_and_a_body_never_sent_is_not_waited_for(receiver: Callable[[Answer], str]) -> None:
    def headers_then_silence(connection: socket.socket, done: threading.Event) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n")  # a gigabyte promised
        done.wait(timeout=10)  # and not a byte of it: reading it would time out and answer None

    assert post_json(receiver(headers_then_silence), {"id": "x"}, "token", within=2.0) == 200


def test_a_receiver_that_trickles_its_headers_is_given_up_at_the_deadline(receiver: Callable[[Answer], str]) -> None:
    def trickle(connection: socket.socket, done: threading.Event) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        until = time.monotonic() + 10  # then it answers after all: a client without a deadline fails, not hangs
        while not done.wait(timeout=0.2) and time.monotonic() < until:  # each byte well inside the read timeout
            connection.sendall(b"X")
        connection.sendall(b": y\r\nContent-Length: 0\r\n\r\n")

    started = time.monotonic()
    assert post_json(receiver(trickle), {"id": "x"}, None, within=0.5) is None
    assert time.monotonic() - started < 3  # the deadline, not the receiver, ended it (it trickles until the end)


def test_receivers_that_overran_their_deadline_hold_up_no_other_callback(receiver: Callable[[Answer], str]) -> None:
    """Each overrun exchange is shut at its deadline: however many trickle, the next receiver is still called."""

    def trickle(connection: socket.socket, done: threading.Event) -> None:
        with suppress(OSError):  # until the client shuts the connection
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            until = time.monotonic() + 10
            while not done.wait(timeout=0.2) and time.monotonic() < until:
                connection.sendall(b"X")

    slow = [receiver(trickle) for _ in range(12)]
    assert [post_json(url, {"id": "x"}, None, within=0.3) for url in slow] == [None] * 12

    def prompt(connection: socket.socket, done: threading.Event) -> None:
        connection.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")

    assert post_json(receiver(prompt), {"id": "x"}, None, within=2.0) == 204
