"""The callback client against receivers that misbehave on purpose (raw sockets on loopback), and against names
that resolve where callbacks never go."""

from __future__ import annotations

import datetime
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tidings.adapters import webhook_client
from tidings.adapters.webhook_client import AddressNotAllowed, post_json

Answer = Callable[[socket.socket, threading.Event], None]
NAME = "hooks.example.com"  # a receiver's public-looking name; each test says what it resolves to


class Receivers:
    """Each `serve` answers one connection with `answer` and keeps the request it read; `done` is set once the
    test is over, so no answer outlives it."""

    def __init__(self) -> None:
        self.done, self.requests = threading.Event(), list[bytes]()
        self.threads: list[threading.Thread] = []
        self.listeners: list[socket.socket] = []

    def serve(self, answer: Answer, tls: ssl.SSLContext | None = None) -> str:
        listener = socket.create_server(("127.0.0.1", 0))
        self.listeners.append(listener)

        def run() -> None:
            connection, _ = listener.accept()
            with connection, suppress(ssl.SSLError):  # a client that refuses the certificate ends the handshake
                secured = tls.wrap_socket(connection, server_side=True) if tls else connection
                self.requests.append(read_request(secured))
                answer(secured, self.done)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.threads.append(thread)
        return f"http://127.0.0.1:{listener.getsockname()[1]}/callback"


def read_request(connection: socket.socket) -> bytes:
    """Headers and body, whole (they may come in several writes): answering before the body is read would reset
    the connection under a client still sending it."""
    request = b""
    while b"\r\n\r\n" not in request:
        request += connection.recv(65536)
    head, _, body = request.partition(b"\r\n\r\n")
    length = int(next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:"))[15:])
    while len(body) < length:
        body += connection.recv(65536)
    return head + b"\r\n\r\n" + body


@pytest.fixture
def receiver() -> Iterator[Receivers]:
    receivers = Receivers()
    yield receivers
    receivers.done.set()
    for thread in receivers.threads:
        thread.join(timeout=5)
    for listener in receivers.listeners:
        listener.close()


def answer_204(connection: socket.socket, done: threading.Event) -> None:
    connection.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")


class Resolver:
    """What NAME resolves to: `answers[n]` at the n-th lookup (the last one repeats); other names as usual."""

    def __init__(self) -> None:
        self.answers: list[list[str]] = []
        self.lookups = 0


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> Resolver:
    resolver, real = Resolver(), socket.getaddrinfo

    def getaddrinfo(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != NAME:
            return real(host, port, *args, **kwargs)
        addresses = resolver.answers[min(resolver.lookups, len(resolver.answers) - 1)]
        resolver.lookups += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return resolver


def port_of(url: str) -> int:
    return urlsplit(url).port or 0


def test_the_status_is_read_and_a_body_never_sent_is_not_waited_for(receiver: Receivers) -> None:
    def headers_then_silence(connection: socket.socket, done: threading.Event) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n")  # a gigabyte promised
        done.wait(timeout=10)  # and not a byte of it: reading it would time out and answer None

    assert post_json(receiver.serve(headers_then_silence), {"id": "x"}, "token", within=2.0, allow_loopback=True) == 200


def test_a_receiver_that_trickles_its_headers_is_given_up_at_the_deadline(receiver: Receivers) -> None:
    def trickle(connection: socket.socket, done: threading.Event) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\n")
        until = time.monotonic() + 10  # then it answers after all: a client without a deadline fails, not hangs
        while not done.wait(timeout=0.2) and time.monotonic() < until:  # each byte well inside the read timeout
            connection.sendall(b"X")
        connection.sendall(b": y\r\nContent-Length: 0\r\n\r\n")

    started = time.monotonic()
    assert post_json(receiver.serve(trickle), {"id": "x"}, None, within=0.5, allow_loopback=True) is None
    assert time.monotonic() - started < 3  # the deadline, not the receiver, ended it (it trickles until the end)


def test_a_trickling_receiver_gets_twice_the_timeout_however_long_the_invocation_has_left(
    receiver: Receivers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 20 s left in the invocation, a receiver trickling its headers still ends at twice the timeout, so
    it cannot take the time the batch's other callbacks need."""
    monkeypatch.setattr(webhook_client, "TIMEOUT_SECONDS", 0.25)

    def trickle(connection: socket.socket, done: threading.Event) -> None:
        with suppress(OSError):
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            until = time.monotonic() + 10
            while not done.wait(timeout=0.1) and time.monotonic() < until:  # inside the read timeout each time
                connection.sendall(b"X")

    started = time.monotonic()
    assert post_json(receiver.serve(trickle), {"id": "x"}, None, within=20, allow_loopback=True) is None
    assert time.monotonic() - started < 2  # twice 0.25 s, and the thread's join: not the 10 s it trickles


def test_receivers_that_overran_their_deadline_hold_up_no_other_callback(receiver: Receivers) -> None:
    """Each overrun exchange is shut at its deadline: however many trickle, the next receiver is still called."""

    def trickle(connection: socket.socket, done: threading.Event) -> None:
        with suppress(OSError):  # until the client shuts the connection
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            until = time.monotonic() + 10
            while not done.wait(timeout=0.2) and time.monotonic() < until:
                connection.sendall(b"X")

    slow = [receiver.serve(trickle) for _ in range(12)]
    assert [post_json(url, {"id": "x"}, None, within=0.3, allow_loopback=True) for url in slow] == [None] * 12

    def prompt(connection: socket.socket, done: threading.Event) -> None:
        connection.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")

    assert post_json(receiver.serve(prompt), {"id": "x"}, None, within=2.0, allow_loopback=True) == 204


@pytest.mark.parametrize("token", ["SECRET-0123456789\nX-Injected: 1", "SECRET-0123456789-\u00e9t\u00e9-\u2603"])
def test_a_token_no_header_can_carry_is_not_sent_and_never_printed(
    token: str, capfd: pytest.CaptureFixture[str]
) -> None:
    """http.client refuses it with the whole token in its message: caught in the POST's thread, whose default
    hook would print it to the function's log. (The callbacks function checks tokens first; this is the floor.)"""
    escaped: list[BaseException | None] = []
    previous, threading.excepthook = threading.excepthook, lambda hook: escaped.append(hook.exc_value)
    try:
        with socket.create_server(("127.0.0.1", 0)) as listener:
            url = f"http://127.0.0.1:{listener.getsockname()[1]}/callback"
            assert post_json(url, {"id": "x"}, token, within=2.0, allow_loopback=True) is None
    finally:
        threading.excepthook = previous
    printed = capfd.readouterr()
    assert escaped == [] and "SECRET-0123456789" not in printed.out + printed.err


def test_loopback_is_called_only_in_local_mode() -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/callback"
        with pytest.raises(AddressNotAllowed):
            post_json(url, {"id": "x"}, "token", within=2.0)
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):  # nobody knocked
            listener.accept()


@pytest.mark.parametrize("address", ["10.0.0.7", "169.254.169.254", "127.0.0.1", "100.64.0.1"])
def test_a_name_that_resolves_to_an_address_not_allowed_is_never_connected_to(
    resolver: Resolver, monkeypatch: pytest.MonkeyPatch, address: str
) -> None:
    resolver.answers = [["8.8.8.8", address]]  # one bad address among good ones is enough
    connected: list[object] = []
    monkeypatch.setattr(socket, "create_connection", lambda *args, **kwargs: connected.append(args))
    with pytest.raises(AddressNotAllowed):
        post_json(f"https://{NAME}/callback", {"id": "x"}, "token", within=2.0)
    assert connected == []


def test_the_address_checked_is_the_address_connected_to(receiver: Receivers, resolver: Resolver) -> None:
    """Resolved once: a name re-pointed after the check (DNS rebinding) is not looked up again to connect."""
    port = port_of(receiver.serve(answer_204))
    resolver.answers = [["127.0.0.1"], ["10.0.0.7"]]  # local mode allows the first; the second would be refused
    assert post_json(f"http://{NAME}:{port}/callback", {"id": "x"}, None, within=2.0, allow_loopback=True) == 204
    assert resolver.lookups == 1
    [request] = receiver.requests
    assert f"\r\nHost: {NAME}:{port}\r\n".encode() in request  # the name, not the address, as the host


def certificate_for(name: str, folder: Path) -> tuple[Path, Path, Path]:
    """A test authority's certificate, and a key and certificate it signed for `name` (PEM files)."""
    now = datetime.datetime.now(datetime.UTC)

    def signed(subject: str, key: ec.EllipticCurvePrivateKey, issuer: str, by: ec.EllipticCurvePrivateKey) -> bytes:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
        )
        if subject == issuer:
            builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        else:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False)
        return builder.sign(by, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)

    authority, leaf = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    paths = folder / "ca.pem", folder / "key.pem", folder / "cert.pem"
    paths[0].write_bytes(signed("Test authority", authority, "Test authority", authority))
    paths[1].write_bytes(
        leaf.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    paths[2].write_bytes(signed(name, leaf, "Test authority", authority))
    return paths


@pytest.mark.parametrize(("certified", "status"), [(NAME, 204), ("other.example.com", None)])
def test_tls_verifies_the_certificate_against_the_name_not_the_address(
    receiver: Receivers,
    resolver: Resolver,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    certified: str,
    status: int | None,
) -> None:
    authority, key, certificate = certificate_for(certified, tmp_path)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(certificate, key)
    client = ssl.create_default_context(cafile=str(authority))
    monkeypatch.setattr(webhook_client, "_tls", lambda: client)
    port = port_of(receiver.serve(answer_204, tls=server))
    resolver.answers = [["127.0.0.1"]]
    assert post_json(f"https://{NAME}:{port}/callback", {"id": "x"}, None, within=2.0, allow_loopback=True) == status
    assert len(receiver.requests) == (1 if status else 0)


def test_a_post_given_up_before_it_connected_never_goes_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lookup that outlasts the deadline: the caller reports None (and retries later), so the worker, once the
    name resolves, must not send the POST (token and data) late; the retry would deliver it twice."""
    resolved, real = threading.Event(), socket.getaddrinfo

    def slow(host: str, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != NAME:
            return real(host, port, *args, **kwargs)
        resolved.wait(timeout=5)  # until the test lets it answer, after the caller has given up
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        url = f"http://{NAME}:{listener.getsockname()[1]}/callback"
        assert post_json(url, {"id": "x"}, "token", within=0.2, allow_loopback=True) is None
        resolved.set()
        for worker in [t for t in threading.enumerate() if t.name == "callback-post"]:
            worker.join(timeout=5)
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):  # no connection, so no request
            listener.accept()
