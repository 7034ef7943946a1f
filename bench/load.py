"""`make load`: load without loss, on `tidings local` (issue #9).

Starts its own `tidings local` on loopback (port 0), creates a live service through the admin API and sends
`--total` notifications from `--clients` concurrent clients across both dialects: /v2 SMS and email through the
official `notifications_python_client` (live and test keys, smoke-test and international recipients) and /v1 SMS
over HTTP (a live and a test-mode sender). The service's daily limits are set to exactly what the run will count,
so they are reached and never exceeded; small bursts against tiny limits on other services must be refused with
429. Every phase has a deadline, so the run stops by itself. Then it checks:

* every accepted notification (smoke-test recipients aside: they are never stored) reaches a final status;
* the outbox holds each live one (not a test key, not a test-mode sender, not simulated) exactly once, and no
  other one;
* the counters (read as `adapters/limit_counters.py` reads them, through `GET /_local/counters/{service_id}`)
  equal what was accepted: the day's channel counters in total, the per-minute ones in their last window;
* no limit was exceeded: per minute window (from each answer's `RateLimit-*` headers), per day, per burst.

It prints a summary and writes it to `bench/results/load.json`; the exit status is 1 if anything was lost,
duplicated, miscounted or over a limit. Sizes: flags, or the LOAD_* environment variables (see `--help`).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import requests
from notifications_python_client.errors import HTTPError
from notifications_python_client.notifications import NotificationsAPIClient

from bench.local_load import FINAL
from tidings_local.admin_client import AdminClient

SECRET = "bench-load-admin-secret-0123456789abcdef"
RESULTS = Path(__file__).resolve().parent / "results" / "load.json"
WINDOW_SECONDS = 60  # the per-minute limits' fixed window, aligned to the clock
LOOPBACK = "127.0.0.1"
SIMULATED_SMS, SIMULATED_EMAIL = "07700900111", "simulate-delivered@notifications.service.gov.uk"
Dialect = Literal["v2", "v1"]
Channel = Literal["sms", "email"]


@dataclass(frozen=True)
class Config:
    total: int = 5000
    clients: int = 50
    rate_limit: int = 3000  # per minute and key type (Notify's default); /v1 SMS count on the live key's too
    v1_rate_limit: int = 120  # Notifea's /v1 requests per minute per client IP (every client here is 127.0.0.1)
    burst: int = 40  # requests in each burst against a limit of `burst_limit`
    burst_limit: int = 10
    send_seconds: float = 1800  # the sending phase stops taking new work after this
    settle_seconds: float = 300  # then every accepted id must be final within this
    output: str = str(RESULTS)


@dataclass(frozen=True)
class Planned:
    """What request `index` sends; a pure function of the index, so a run is reproducible."""

    index: int
    dialect: Dialect
    channel: Channel
    test: bool  # a /v2 test key, or a /v1 test-mode sender: never reaches a provider
    simulated: bool  # a smoke-test recipient: answered 201, never stored or sent
    international: bool
    recipient: str

    @property
    def live(self) -> bool:
        return not self.test and not self.simulated

    @property
    def counted_day(self) -> list[str]:
        """The day counters this request adds to (test keys and smoke tests count on none; /v1 always)."""
        if self.dialect == "v1":
            return ["day_sms"]
        if self.test or self.simulated:
            return []
        return [f"day_{self.channel}", *(["day_international_sms"] if self.international else [])]

    @property
    def minute_counters(self) -> list[str]:
        if self.dialect == "v1":
            return [f"v1_requests_{LOOPBACK}", "minute_normal"]
        return ["minute_test" if self.test else "minute_normal"]


def plan(index: int) -> Planned:
    slot, group = index % 10, index // 10
    if slot >= 7:  # 30 %: /v1 SMS, one in 20 through the test-mode sender
        number = f"+447700900{400 + index % 500:03d}"
        return Planned(index, "v1", "sms", group % 20 == 7, False, False, number)
    channel: Channel = "sms" if slot < 4 else "email"  # 40 % /v2 SMS, 30 % /v2 email
    test, simulated = group % 20 == 7, group % 25 == 3
    international = channel == "sms" and not test and not simulated and group % 50 == 11
    if simulated:
        recipient = SIMULATED_SMS if channel == "sms" else SIMULATED_EMAIL
    elif international:
        recipient = f"+336123{index % 100_000:05d}"
    else:
        recipient = f"07700900{400 + index % 500:03d}" if channel == "sms" else f"load.{index}@example.gov.uk"
    return Planned(index, "v2", channel, test, simulated, international, recipient)


@dataclass
class Outcome:
    planned: Planned
    status: int  # HTTP status of the last attempt; 0 if no answer came
    notification_id: str | None
    sent_at: float
    answered_at: float
    limit: int | None = None  # RateLimit-Limit / -Remaining / -Reset of the answer
    remaining: int | None = None
    reset: int | None = None
    error: str | None = None  # the refusal's class or code and message
    retries: int = 0  # per-minute refusals retried after Retry-After

    @property
    def window(self) -> int | None:
        """The fixed window the server counted in: its `now + RateLimit-Reset` is the next window's start."""
        if self.reset is None:
            return None
        return round((self.answered_at + self.reset) / WINDOW_SECONDS) - 1

    @property
    def accepted(self) -> bool:
        return self.notification_id is not None


@dataclass(frozen=True)
class Setup:
    url: str
    service_id: str
    live_key: str
    test_key: str
    v1_token: str
    v1_live_sender: str
    v1_test_sender: str
    sms_template: str
    email_template: str


@dataclass
class Report:
    config: dict[str, Any]
    planned: int = 0
    sent: int = 0
    unsent: int = 0
    accepted: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    refused: int = 0
    errors: int = 0
    retried_after_429: int = 0
    live_accepted: int = 0
    delivered: int = 0
    final: int = 0
    final_statuses: dict[str, int] = field(default_factory=dict)
    in_outbox_exactly_once: int = 0
    duplicates: int = 0
    lost: int = 0
    leaked_to_outbox: int = 0
    unknown_in_outbox: int = 0
    counters: dict[str, Any] = field(default_factory=dict)
    counter_mismatches: int = 0
    limit_breaches: int = 0
    peak_per_minute: dict[str, int] = field(default_factory=dict)
    bursts: dict[str, Any] = field(default_factory=dict)
    burst_failures: int = 0
    send_seconds: float = 0.0
    settle_seconds: float = 0.0
    wall_seconds: float = 0.0
    accepted_per_second: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# ------------------------------------------------------------------------------------------------ the stack


@contextmanager
def local_stack(deadline_seconds: float = 120) -> Iterator[str]:
    """`tidings local --port 0 --no-demo`, stopped on exit; yields its URL once it is ready."""
    log = Path(tempfile.mkdtemp(prefix="tidings-load-")) / "stdout.log"
    command = [sys.executable, "-m", "tidings_local.cli", "local", "--host", LOOPBACK, "--port", "0"]
    command += ["--admin-secret", SECRET, "--no-demo"]
    with log.open("w") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + deadline_seconds
        while "Ready: " not in log.read_text():
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"tidings local did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)  # polling a subprocess's startup
        line = next(x for x in log.read_text().splitlines() if x.startswith("Tidings is running at "))
        yield line.removeprefix("Tidings is running at ").strip()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def set_up(url: str, plans: list[Planned], config: Config) -> Setup:
    """A live service whose daily limits are exactly what `plans` will count: reached, never exceeded."""
    admin = AdminClient(url, SECRET)
    day = defaultdict(int, {name: 0 for name in ("day_sms", "day_email", "day_international_sms")})
    for planned in plans:
        for name in planned.counted_day:
            day[name] += 1
    service = admin.create_service(
        name="Load",
        restricted=False,
        rate_limit=config.rate_limit,
        v1_rate_limit=config.v1_rate_limit,
        sms_message_limit=day["day_sms"],
        email_message_limit=day["day_email"],
        international_sms_message_limit=day["day_international_sms"],
    )["id"]
    v1_live = admin.create_sms_sender(service, sms_sender="LoadLive")["id"]
    v1_test = admin.create_sms_sender(service, sms_sender="LoadTest", test_mode=True)["id"]
    return Setup(
        url=url,
        service_id=service,
        live_key=admin.create_api_key(service, "load-live", "normal")["key"],
        test_key=admin.create_api_key(service, "load-test", "test")["key"],
        v1_token=admin.call("POST", f"/admin/services/{service}/access-tokens", {"name": "load"})["token"],
        v1_live_sender=v1_live,
        v1_test_sender=v1_test,
        sms_template=admin.create_template(service, name="SMS", type="sms", content="Load ((n))")["id"],
        email_template=admin.create_template(
            service, name="Email", type="email", subject="Load ((n))", content="Dear ((n)),\r\nthis is a load test."
        )["id"],
    )


# ------------------------------------------------------------------------------------------------ clients


class Client:
    """One concurrent client: the official Notify client for each key, a session for /v1."""

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self._last: requests.Response | None = None
        self.live = self._notify_client(setup.live_key)
        self.test = self._notify_client(setup.test_key)
        self.v1 = requests.Session()

    def _notify_client(self, key: str) -> Any:
        client = NotificationsAPIClient(key, base_url=self.setup.url, timeout=60)
        client.request_session.hooks["response"].append(self._capture)  # the client hides the headers
        return client

    def _capture(self, response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        self._last = response
        return response

    def send(self, planned: Planned, deadline: float) -> Outcome:
        retries = 0
        while True:
            outcome = self._attempt(planned)
            outcome.retries = retries
            per_minute = outcome.error is not None and outcome.error.startswith(("RateLimitError", "too.many"))
            wait = outcome.reset or 1
            if outcome.status != 429 or not per_minute or time.monotonic() + wait > deadline:
                return outcome
            retries += 1  # a refused request counted nowhere: sending it again later is safe
            time.sleep(wait)  # Retry-After: the window it was refused in is full

    def _attempt(self, planned: Planned) -> Outcome:
        self._last, started = None, time.time()
        if planned.dialect == "v1":
            return self._v1(planned, started)
        client = self.test if planned.test else self.live
        values = {"n": str(planned.index)}
        try:
            if planned.channel == "sms":
                body = client.send_sms_notification(planned.recipient, self.setup.sms_template, values)
            else:
                body = client.send_email_notification(planned.recipient, self.setup.email_template, values)
            return self._outcome(planned, started, str(body["id"]))
        except HTTPError as error:
            if self._last is None:  # no answer: the client wraps the connection error
                return Outcome(planned, 0, None, started, time.time(), error=repr(error.__cause__)[:200])
            errors = error.message if isinstance(error.message, list) else [{"error": "", "message": error.message}]
            text = "; ".join(f"{e.get('error')}: {e.get('message')}" for e in errors)
            return self._outcome(planned, started, None, text)
        except requests.RequestException as error:
            return Outcome(planned, 0, None, started, time.time(), error=repr(error)[:200])

    def _v1(self, planned: Planned, started: float) -> Outcome:
        sender = self.setup.v1_test_sender if planned.test else self.setup.v1_live_sender
        body = {"sms_sender_id": sender, "content": f"Load v1 {planned.index}", "recipient": planned.recipient}
        headers = {"Authorization": f"Bearer {self.setup.v1_token}", "Accept": "application/json"}
        try:
            self._last = self.v1.post(f"{self.setup.url}/v1/sms", json=body, headers=headers, timeout=60)
        except requests.RequestException as error:
            return Outcome(planned, 0, None, started, time.time(), error=repr(error)[:200])
        payload = self._last.json()
        if self._last.status_code == 200:
            return self._outcome(planned, started, str(payload["data"]["uuid"]))
        return self._outcome(planned, started, None, f"{payload.get('code')}: {payload['data'].get('message')}")

    def _outcome(
        self, planned: Planned, started: float, notification_id: str | None, error: str | None = None
    ) -> Outcome:
        response, answered = self._last, time.time()
        status = response.status_code if response is not None else 0
        headers = response.headers if response is not None else {}

        def number(name: str) -> int | None:
            value = headers.get(name)
            return int(value) if value is not None else None

        return Outcome(
            planned,
            status,
            notification_id,
            started,
            answered,
            limit=number("RateLimit-Limit"),
            remaining=number("RateLimit-Remaining"),
            reset=number("RateLimit-Reset") or number("Retry-After"),
            error=error,
        )


def send_all(setup: Setup, plans: list[Planned], clients: int, seconds: float) -> tuple[list[Outcome], float]:
    """`clients` threads take the next planned request until none is left or the deadline passes."""
    deadline = time.monotonic() + seconds
    queue, lock, outcomes = iter(plans), threading.Lock(), []

    def work() -> list[Outcome]:
        client, mine = Client(setup), []
        while time.monotonic() < deadline:
            with lock:
                planned = next(queue, None)
            if planned is None:
                break
            mine.append(client.send(planned, deadline))
        return mine

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        for mine in pool.map(lambda _: work(), range(clients)):
            outcomes.extend(mine)
    return outcomes, time.perf_counter() - start


# ------------------------------------------------------------------------------------------------ checks


def read_counters(url: str, service_id: str) -> dict[str, int]:
    reply = requests.get(f"{url}/_local/counters/{service_id}", timeout=30)
    reply.raise_for_status()
    counters: dict[str, int] = reply.json()["counters"]
    return counters


def check_counters(report: Report, outcomes: list[Outcome], counters: dict[str, int], config: Config) -> None:
    """Day counters equal the accepted totals; each minute window's accepted count is within its limit; the
    minute counters' last window equals what was accepted in it; no two answers saw the same count."""
    accepted = [o for o in outcomes if o.accepted]
    expected_day: dict[str, int] = defaultdict(int)
    per_window: dict[tuple[str, int], int] = defaultdict(int)
    seen: dict[tuple[str, int], list[int]] = defaultdict(list)
    limits = {"minute_normal": config.rate_limit, "minute_test": config.rate_limit}
    limits[f"v1_requests_{LOOPBACK}"] = config.v1_rate_limit
    for outcome in accepted:
        for name in outcome.planned.counted_day:
            expected_day[name] += 1
        window = outcome.window
        if window is None:
            report.problems.append(f"answer without RateLimit-Reset: {outcome.notification_id}")
            continue
        for name in outcome.planned.minute_counters:
            per_window[name, window] += 1
        if outcome.limit is not None and outcome.remaining is not None:
            seen[outcome.planned.minute_counters[0], window].append(outcome.limit - outcome.remaining)
    day_limits = {"day_sms": "sms", "day_email": "email", "day_international_sms": "international_sms"}
    checked: dict[str, Any] = {}
    for name in day_limits:
        checked[name] = {"counter": counters.get(name, 0), "accepted": expected_day[name]}
        if counters.get(name, 0) != expected_day[name]:
            report.counter_mismatches += 1
            report.problems.append(f"{name} is {counters.get(name, 0)}, accepted {expected_day[name]}")
    for (name, window), count in sorted(per_window.items()):
        report.peak_per_minute[name] = max(report.peak_per_minute.get(name, 0), count)
        if count > limits[name]:
            report.limit_breaches += 1
            report.problems.append(f"{name}: {count} accepted in window {window}, limit {limits[name]}")
        if counters.get(f"{name}_window") == window and counters.get(name) != count:
            report.counter_mismatches += 1
            report.problems.append(f"{name} in its last window is {counters.get(name)}, accepted {count}")
    for (name, window), counts in seen.items():
        if len(set(counts)) != len(counts) or max(counts) > limits[name]:
            report.counter_mismatches += 1
            report.problems.append(f"{name} window {window}: answers saw repeated or excessive counts")
    report.counters = {"read": counters, "day": checked, "limits": limits}


def wait_until_final(setup: Setup, outcomes: list[Outcome], seconds: float) -> dict[str, str]:
    """Poll until every stored accepted notification is final (or the deadline): /v2 lists for /v2, admin for /v1."""
    deadline = time.monotonic() + seconds
    wanted = {o.notification_id: o.planned for o in outcomes if o.notification_id and not o.planned.simulated}
    statuses: dict[str, str] = {}
    admin = AdminClient(setup.url, SECRET)
    while time.monotonic() < deadline:
        pending = {i for i in wanted if statuses.get(i) not in FINAL}
        if not pending:
            break
        if any(wanted[i].dialect == "v2" and not wanted[i].test for i in pending):
            statuses |= _listed(setup.url, setup.live_key)
        if any(wanted[i].dialect == "v2" and wanted[i].test for i in pending):
            statuses |= _listed(setup.url, setup.test_key)
        v1 = sorted(i for i in pending if wanted[i].dialect == "v1")

        def status_of(notification_id: str) -> tuple[str, str]:
            path = f"/admin/services/{setup.service_id}/notifications/{notification_id}"
            return notification_id, str(admin.call("GET", path)["status"])

        with ThreadPoolExecutor(max_workers=4) as pool:
            statuses |= dict(pool.map(status_of, v1))
        if all(statuses.get(i) in FINAL for i in wanted):
            break
        time.sleep(1)  # polling for the queues and receipts to drain, with a deadline
    return {i: statuses.get(i, "missing") for i in wanted}


def _listed(url: str, key: str) -> dict[str, str]:
    client, older = NotificationsAPIClient(key, base_url=url, timeout=60), None
    found: dict[str, str] = {}
    while True:
        page = client.get_all_notifications(older_than=older)["notifications"]
        found |= {n["id"]: n["status"] for n in page}
        if len(page) < 250:
            return found
        older = page[-1]["id"]


def check_outbox(report: Report, url: str, outcomes: list[Outcome], others: set[str]) -> set[str]:
    """Each live accepted notification exactly once; nothing for test keys, test-mode senders or smoke tests."""
    messages = requests.get(f"{url}/_local/outbox", timeout=120).json()["messages"]
    tally: dict[str, int] = defaultdict(int)
    unmatched = 0  # a send the outbox cannot tie to a notification
    for message in messages:
        if message.get("notification_id") is None:
            unmatched += 1
        else:
            tally[str(message["notification_id"])] += 1
    ours = {o.notification_id: o.planned for o in outcomes if o.notification_id}
    live = [i for i, p in ours.items() if p.live]
    report.live_accepted = len(live)
    report.in_outbox_exactly_once = sum(1 for i in live if tally[i] == 1)
    report.duplicates = sum(1 for i, count in tally.items() if count > 1)
    missing = [i for i in live if tally[i] == 0]
    report.leaked_to_outbox = sum(1 for i, p in ours.items() if not p.live and tally[i])
    report.unknown_in_outbox = unmatched + sum(count for i, count in tally.items() if i not in ours and i not in others)
    for name, count in (
        ("duplicated in the outbox", report.duplicates),
        ("live but not in the outbox", len(missing)),
        ("test or simulated but in the outbox", report.leaked_to_outbox),
        ("outbox messages that are no accepted notification", report.unknown_in_outbox),
    ):
        if count:
            report.problems.append(f"{count} {name}")
    return set(missing)


# ------------------------------------------------------------------------------------------------ bursts


def burst(count: int, send: Callable[[int], Outcome]) -> list[Outcome]:
    """`count` requests released together from `count` threads."""
    gate = threading.Barrier(count)

    def one(index: int) -> Outcome:
        gate.wait(timeout=60)
        return send(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def run_bursts(url: str, config: Config, report: Report) -> set[str]:
    """A daily limit, a per-minute limit and the /v1 per-IP limit, each of `burst_limit`, each hit by `burst`
    concurrent requests: exactly the limit gets through (per window, for the windowed ones), the rest is 429."""
    admin, n, accepted_ids = AdminClient(url, SECRET), config.burst_limit, set()
    cases: dict[str, tuple[dict[str, Any], str, str]] = {
        "daily_sms": (
            {"sms_message_limit": n},
            "sms",
            f"TooManyRequestsError: Exceeded send limits (sms: {n}) for today",
        ),
        "per_minute": (
            {"rate_limit": n},
            "email",
            f"RateLimitError: Exceeded rate limit for key type LIVE of {n} requests per 60 seconds",
        ),
        "v1_per_ip": (
            {"v1_rate_limit": n},
            "v1",
            "too.many.attempts: Too many attempts. Please try again in 1 minute.",
        ),
    }
    for name, (limits, kind, refusal) in cases.items():
        service = admin.create_service(name=f"Burst {name}", restricted=False, **limits)["id"]
        setup = Setup(
            url=url,
            service_id=service,
            live_key=admin.create_api_key(service, "live", "normal")["key"],
            test_key=admin.create_api_key(service, "test", "test")["key"],
            v1_token=admin.call("POST", f"/admin/services/{service}/access-tokens", {"name": "b"})["token"],
            v1_live_sender=admin.create_sms_sender(service, sms_sender="Burst")["id"],
            v1_test_sender="",
            sms_template=admin.create_template(service, name="S", type="sms", content="Burst ((n))")["id"],
            email_template=admin.create_template(service, name="E", type="email", subject="B", content="((n))")["id"],
        )
        clients = [Client(setup) for _ in range(config.burst)]

        def send(index: int, kind: str = kind, clients: list[Client] = clients) -> Outcome:
            dialect: Dialect = "v1" if kind == "v1" else "v2"
            channel: Channel = "email" if kind == "email" else "sms"
            recipient = f"burst.{index}@example.gov.uk" if kind == "email" else f"+447700900{500 + index:03d}"
            return clients[index]._attempt(Planned(index, dialect, channel, False, False, False, recipient))

        outcomes = burst(config.burst, send)
        accepted_ids |= {o.notification_id for o in outcomes if o.notification_id}
        report.bursts[name] = _judge_burst(
            name, outcomes, limit=n, refusal=refusal, service=admin.show_service(service), report=report
        )
    return accepted_ids


def _judge_burst(
    name: str, outcomes: list[Outcome], *, limit: int, refusal: str, service: dict[str, Any], report: Report
) -> dict[str, Any]:
    accepted = [o for o in outcomes if o.accepted]
    refused = [o for o in outcomes if o.status == 429]
    problems = []
    if len(accepted) + len(refused) != len(outcomes):
        problems.append("answers other than success or 429")
    if any(o.error != refusal for o in refused):
        problems.append(f"refusals other than {refusal!r}: {sorted({str(o.error) for o in refused})}")
    if not refused:
        problems.append("nothing was refused")
    if name == "daily_sms":
        if len(accepted) != limit or service["usage_today"]["sms"] != limit:
            problems.append(f"{len(accepted)} accepted, usage {service['usage_today']['sms']}, limit {limit}")
    else:  # per window: never over the limit, and refused only once the window is full
        windows: dict[int | None, list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            windows[outcome.window].append(outcome)
        for window, members in windows.items():
            through = sum(1 for o in members if o.accepted)
            if through > limit or (through < limit and any(o.status == 429 for o in members)):
                problems.append(f"window {window}: {through} accepted, limit {limit}")
    report.burst_failures += len(problems)
    report.problems += [f"burst {name}: {p}" for p in problems]
    return {
        "limit": limit,
        "sent": len(outcomes),
        "accepted": len(accepted),
        "refused_429": len(refused),
        "ok": not problems,
    }


def probe_daily_limits(setup: Setup, report: Report) -> dict[str, Any]:
    """After the load the day's SMS and email limits are full: one more of each must be refused, and count nowhere."""
    client = Client(setup)
    before = AdminClient(setup.url, SECRET).show_service(setup.service_id)["usage_today"]
    results: dict[str, Any] = {}
    probes: list[tuple[Channel, str]] = [("sms", "07700900999"), ("email", "one.more@example.gov.uk")]
    for channel, recipient in probes:
        limit = before[channel]
        outcome = client._attempt(Planned(-1, "v2", channel, False, False, False, recipient))
        expected = f"TooManyRequestsError: Exceeded send limits ({channel}: {limit}) for today"
        results[channel] = {"status": outcome.status, "error": outcome.error}
        if outcome.status != 429 or outcome.error != expected:
            report.problems.append(f"one more {channel} after the load: {outcome.status} {outcome.error}")
            report.limit_breaches += outcome.accepted
    after = AdminClient(setup.url, SECRET).show_service(setup.service_id)["usage_today"]
    if after != before:
        report.problems.append(f"refused probes were counted: {before} -> {after}")
    return results


# ------------------------------------------------------------------------------------------------ the run


def run(config: Config) -> Report:
    report = Report(config=asdict(config))
    plans = [plan(i) for i in range(config.total)]
    report.planned = len(plans)
    started = time.perf_counter()
    with local_stack() as url:
        setup = set_up(url, plans, config)
        outcomes, report.send_seconds = send_all(setup, plans, config.clients, config.send_seconds)
        counters = read_counters(url, setup.service_id)  # before anything else touches them
        _tally(report, outcomes)
        check_counters(report, outcomes, counters, config)
        if report.unsent == 0 and report.errors == 0:
            report.bursts["main_daily_limits_full"] = probe_daily_limits(setup, report)
        else:
            report.problems.append("the load did not send everything: the daily limits were not reached")
        burst_ids = run_bursts(url, config, report)
        settle = time.perf_counter()
        statuses = wait_until_final(setup, outcomes, config.settle_seconds)
        report.settle_seconds = time.perf_counter() - settle
        finals = [s for s in statuses.values() if s in FINAL]
        report.final = len(finals)
        report.final_statuses = {s: finals.count(s) for s in sorted(set(finals))}
        not_final = {i for i, s in statuses.items() if s not in FINAL}
        if not_final:
            report.problems.append(f"{len(not_final)} accepted notifications without a final status")
        report.lost = len(not_final | check_outbox(report, url, outcomes, burst_ids))
        report.delivered = sum(
            1
            for o in outcomes
            if o.notification_id and o.planned.live and statuses.get(o.notification_id) == "delivered"
        )
    report.wall_seconds = time.perf_counter() - started
    return report


def _tally(report: Report, outcomes: list[Outcome]) -> None:
    accepted = [o for o in outcomes if o.accepted]
    report.sent, report.unsent = len(outcomes), report.planned - len(outcomes)
    report.accepted = len(accepted)
    report.refused = sum(1 for o in outcomes if o.status == 429)
    report.errors = sum(1 for o in outcomes if not o.accepted and o.status != 429)
    report.retried_after_429 = sum(o.retries for o in outcomes)
    kinds: dict[str, int] = defaultdict(int)
    for o in accepted:
        p = o.planned
        label = "simulated" if p.simulated else ("test" if p.test else ("international" if p.international else "live"))
        kinds[f"{p.dialect} {p.channel} {label}"] += 1
    report.by_kind = dict(sorted(kinds.items()))
    report.accepted_per_second = len(accepted) / report.send_seconds if report.send_seconds else 0.0
    latencies = sorted((o.answered_at - o.sent_at) * 1000 for o in outcomes)
    if latencies:
        report.latency_ms = {
            f"p{q}": round(latencies[min(len(latencies) - 1, math.ceil(q / 100 * len(latencies)) - 1)], 1)
            for q in (50, 95, 99)
        }
    for o in outcomes:
        if not o.accepted:
            report.problems.append(
                f"request {o.planned.index} ({o.planned.dialect} {o.planned.channel}): {o.status} {o.error}"
            )
    del report.problems[20:]  # the first few say enough


def summary(report: Report) -> str:
    rows = [
        ("accepted", f"{report.accepted} of {report.planned} ({report.live_accepted} live)"),
        ("delivered (live)", report.delivered),
        ("final", f"{report.final} {report.final_statuses}"),
        ("in outbox exactly once", report.in_outbox_exactly_once),
        ("duplicates", report.duplicates),
        ("lost", report.lost),
        ("limit breaches", report.limit_breaches),
        ("counter mismatches", report.counter_mismatches),
        ("burst failures", report.burst_failures),
        ("errors / unsent", f"{report.errors} / {report.unsent}"),
        ("429 retried (per minute)", report.retried_after_429),
        ("peak per minute", report.peak_per_minute),
        (
            "wall time",
            f"{report.wall_seconds:.1f} s (sending {report.send_seconds:.1f} s, settling {report.settle_seconds:.1f} s)",
        ),
        ("rate", f"{report.accepted_per_second:.1f} accepted/s, latency {report.latency_ms}"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    lines.append("OK" if report.ok else "FAILED:\n  " + "\n  ".join(report.problems))
    return "\n".join(lines)


def _config(argv: list[str] | None) -> Config:
    defaults, parser = Config(), argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    for name, value in asdict(defaults).items():
        env = f"LOAD_{name.upper()}"
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            type=type(value),
            default=type(value)(os.environ.get(env, value)),
            help=f"default {value} (env {env})",
        )
    return Config(**vars(parser.parse_args(argv)))


def main(argv: list[str] | None = None) -> int:
    config = _config(argv)
    logging.getLogger("notifications_python_client").setLevel(logging.CRITICAL)  # refusals are expected here
    report = run(config)
    output = Path(config.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({**asdict(report), "ok": report.ok}, indent=2) + "\n")
    print(summary(report))
    print(f"written to {output}")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
