"""Warm handler time of POST /v2/notifications/sms with every AWS port replaced by an in-memory fake,
so the figure is our code (resolver, auth, validation, rendering, limits), not moto."""

from __future__ import annotations

import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt

from tests.fakes import (
    FixedClock,
    InMemoryCounters,
    InMemoryNotificationStore,
    InMemorySenderStore,
    InMemoryServiceStore,
    InMemoryTemplateStore,
    RecordingProviders,
    RecordingQueue,
)
from tidings import wiring
from tidings.adapters.cache import TtlLoader
from tidings.config import Settings
from tidings.domain.callbacks import Announcer
from tidings.domain.models import ApiKey, Service, Template
from tidings_local.http_events import HttpRequest, to_event
from tidings_local.lambda_runtime import LocalContext
from tidings_local.stack import REPO_ROOT

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SERVICE, SECRET = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"


def fake_deps(providers: object = None) -> wiring.Deps:
    """A service with a live key and an SMS template, behind in-memory stores, queue and counters."""
    services, templates, senders = InMemoryServiceStore(), InMemoryTemplateStore(), InMemorySenderStore()
    services.create_service(
        Service(id=SERVICE, name="Bench", email_from="bench", created_at=NOW, restricted=False, rate_limit=10**9)
    )
    services.put_api_key(ApiKey(id="k", service_id=SERVICE, name="k", key_type="normal", secret=SECRET, created_at=NOW))
    templates.save(
        Template(
            id="33333333-3333-4333-8333-333333333333",
            service_id=SERVICE,
            type="sms",
            name="T",
            version=1,
            content="Hello ((name))",
            created_at=NOW,
            created_by="b",
        )
    )
    bundles = TtlLoader(services.load, 3600)
    queue = RecordingQueue()
    return wiring.Deps(
        settings=Settings(), clock=FixedClock(NOW), services=services, templates=templates, senders=senders,
        bundles=bundles, latest_templates=TtlLoader(templates.get, 3600),
        service_senders=TtlLoader(senders.list_for_service, 3600), notifications=InMemoryNotificationStore(),
        queue=queue, counters=InMemoryCounters(), providers=providers or RecordingProviders(),  # type: ignore[arg-type]
        inbound=None, callbacks=None, announcer=Announcer(bundles.get, None, lambda n: {}),  # type: ignore[arg-type]
    )  # fmt: skip


def load_handler(function: str) -> Any:
    """A function's app module, loaded from its folder as Lambda loads it."""
    spec = importlib.util.spec_from_file_location(f"{function}_app", REPO_ROOT / "functions" / function / "app.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def send_event(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """API Gateway's event for POST /v2/notifications/{kind}, signed with the bench service's live key."""
    token = jwt.encode({"iss": SERVICE, "iat": int(NOW.timestamp())}, SECRET, algorithm="HS256")
    headers = [("Host", "bench"), ("Content-Type", "application/json"), ("Authorization", f"Bearer {token}")]
    path = f"/v2/notifications/{kind}"
    return to_event(HttpRequest("POST", path, "", headers, json.dumps(body).encode(), "127.0.0.1"), f"POST {path}", {})


def measure(requests: int = 3000) -> dict[str, Any]:
    wiring.override(fake_deps())
    module = load_handler("v2_send_notification")
    body = {
        "phone_number": "07700900123",
        "template_id": "33333333-3333-4333-8333-333333333333",
        "personalisation": {"name": "Jo"},
    }
    event = send_event("sms", body)
    context = LocalContext("V2SendNotificationFunction", 10)
    start = time.perf_counter_ns()  # the first request pays for what init left for first use (models, validators)
    assert module.lambda_handler(event, context)["statusCode"] == 201
    first_ms = (time.perf_counter_ns() - start) / 1e6
    samples = []
    for _ in range(200):  # warm up: caches, lazy imports
        module.lambda_handler(event, context)
    for _ in range(requests):
        start = time.perf_counter_ns()
        result = module.lambda_handler(event, context)
        samples.append((time.perf_counter_ns() - start) / 1e6)
        assert result["statusCode"] == 201, result
    wiring.override(None)
    samples.sort()
    p99 = samples[int(len(samples) * 0.99) - 1]
    return {"requests": requests, "first_ms": first_ms, "p50_ms": statistics.median(samples), "p99_ms": p99}


def run(requests: int = 3000) -> dict[str, Any]:
    """In a child process whose stdout (the function's structured logs) goes to a file we can weigh."""
    with tempfile.TemporaryDirectory() as folder:
        logs, result = Path(folder) / "logs", Path(folder) / "result.json"
        with logs.open("w") as sink:
            subprocess.run(
                [sys.executable, "-m", "bench.warm_handler", str(requests), str(result)], stdout=sink, check=True
            )
        figures: dict[str, Any] = json.loads(result.read_text())
        figures["log_bytes_per_request"] = logs.stat().st_size / (requests + 201)
    return figures


if __name__ == "__main__":
    Path(sys.argv[2]).write_text(json.dumps(measure(int(sys.argv[1]))))
