"""e2e: start `tidings local` as a user would (a subprocess), then talk HTTP to it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from notifications_python_client import NotificationsAPIClient
from notifications_python_client.errors import HTTPError

from tidings_local.admin_client import AdminClient

ADMIN_SECRET = "e2e-admin-secret-0123456789abcdefghijkl"
STARTUP_DEADLINE_SECONDS = 90


@dataclass(frozen=True)
class RunningStack:
    url: str
    admin_secret: str
    demo: dict[str, Any]
    output: Path

    def admin(self) -> AdminClient:
        return AdminClient(self.url, self.admin_secret)


STARTED: list[RunningStack] = []  # every stack of the run, the fuzzer's own too: the PII check reads their logs


@contextmanager
def running_stack(prefix: str, *options: str) -> Iterator[RunningStack]:
    """`tidings local --port 0` with demo data and these options; yields once it is ready, then stops it."""
    output = Path(tempfile.mkdtemp(prefix=prefix)) / "stdout.log"
    command = [sys.executable, "-m", "tidings_local.cli", "local", "--port", "0", "--admin-secret", ADMIN_SECRET]
    with output.open("w") as sink:
        process = subprocess.Popen([*command, *options], stdout=sink, stderr=subprocess.STDOUT, env={**os.environ})  # noqa: S603
    try:
        text = _wait_for_ready(process, output)
        stack = RunningStack(_url(text), ADMIN_SECRET, _demo(text), output)
        STARTED.append(stack)
        yield stack
        # Every AWS call a function made was one its role allows (tidings_local/roles.py): a refusal a handler
        # caught, or one in a background consumer, shows here.
        with urllib.request.urlopen(f"{stack.url}/_local/access-denied", timeout=10) as reply:  # noqa: S310
            assert json.load(reply)["refused"] == []
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def local_stack() -> Iterator[RunningStack]:
    """The e2e session's stack (callbacks retried after 1 s instead of 5 minutes)."""
    with running_stack("tidings-e2e-", "--callback-retry-seconds", "1") as stack:
        yield stack


@pytest.fixture(scope="session")
def live(local_stack: RunningStack, seed: Seed) -> NotificationsAPIClient:
    """The official client with the demo service's live key."""
    return NotificationsAPIClient(seed.live, base_url=local_stack.url)


def error_of(call: Callable[[], Any]) -> tuple[int, Any]:
    """The status and error list the official client raised."""
    with pytest.raises(HTTPError) as caught:
        call()
    return caught.value.status_code, caught.value.message


def eventually(check: Callable[[], Any], what: str = "the condition", seconds: float = 30) -> Any:
    """Poll `check` until it returns something truthy (bounded: the wait is the assertion)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds:g} s waiting for {what}")


def _wait_for_ready(process: subprocess.Popen[bytes], output: Path) -> str:
    deadline = time.monotonic() + STARTUP_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        text = output.read_text()
        if "Ready: " in text:
            return text
        if process.poll() is not None:
            raise RuntimeError(f"tidings local exited:\n{text}")
        time.sleep(0.2)  # polling a subprocess's startup, not papering over a race in the code under test
    raise RuntimeError(f"tidings local not ready in {STARTUP_DEADLINE_SECONDS}s:\n{output.read_text()}")


def _url(text: str) -> str:
    line = next(line for line in text.splitlines() if line.startswith("Tidings is running at "))
    return line.removeprefix("Tidings is running at ").strip()


def _demo(text: str) -> dict[str, Any]:
    start = text.index("Demo data:\n") + len("Demo data:\n")
    lines = []
    for line in text[start:].splitlines():
        if line.startswith('{"level"'):
            continue
        lines.append(line)
        if line == "}":
            break
    demo: dict[str, Any] = json.loads("\n".join(lines))
    return demo


@dataclass(frozen=True)
class Seed:
    """Spec §12's fixtures: service S (live) with keys and templates, restricted service R."""

    service_id: str
    live: str
    team: str
    test: str
    revoked: str
    sms_t: str
    email_t: str
    letter_t: str
    arch_t: str
    restricted_live: str


@pytest.fixture(scope="session")
def seed(local_stack: RunningStack) -> Seed:
    admin = local_stack.admin()
    s = admin.create_service(
        name="Service S",
        restricted=False,
        permissions=["sms", "email", "letter"],
        contact_link="https://www.example.gov.uk/contact-us",
    )["id"]
    admin.set_guest_list(s, ["07700900123"], ["team@example.gov.uk"])
    keys = {kind: admin.create_api_key(s, kind, kind)["key"] for kind in ("normal", "team", "test")}
    revoked = admin.create_api_key(s, "revoked", "normal")
    admin.revoke_api_key(s, revoked["id"])
    sms_t = admin.create_template(s, name="SMS_T", type="sms", content="Hello ((name))")["id"]
    email_t = admin.create_template(
        s, name="EMAIL_T", type="email", subject="Hi ((name))", content="Dear ((name))\r\n((items))"
    )["id"]
    letter_t = admin.create_template(
        s, name="LETTER_T", type="letter", subject="Letter ((ref))", content="Dear ((name))"
    )["id"]
    arch_t = admin.create_template(s, name="ARCH_T", type="sms", content="Old")["id"]
    admin.update_template(s, arch_t, archived=True)
    r = admin.create_service(name="Service R")["id"]
    return Seed(
        service_id=s,
        live=keys["normal"],
        team=keys["team"],
        test=keys["test"],
        revoked=revoked["key"],
        sms_t=sms_t,
        email_t=email_t,
        letter_t=letter_t,
        arch_t=arch_t,
        restricted_live=admin.create_api_key(r, "live", "normal")["key"],
    )
