"""End to end on `tidings local`: concurrent clients send, then every accepted id must reach a final status
and the outbox must hold each exactly once. Bounded by moto, so a trend, not a claim."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import requests
from notifications_python_client.authentication import create_jwt_token

from tidings_local.admin_client import AdminClient

SECRET = "bench-load-admin-secret-0123456789abcdef"
FINAL = {"delivered", "permanent-failure", "temporary-failure", "technical-failure", "sent"}


def measure(clients: int = 8, per_client: int = 25, deadline_seconds: float = 120) -> dict[str, Any]:
    log = Path(tempfile.mkdtemp(prefix="tidings-load-")) / "stdout.log"
    command = [sys.executable, "-m", "tidings_local.cli", "local", "--port", "0", "--admin-secret", SECRET, "--no-demo"]
    with log.open("w") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
    try:
        url = _wait_for_url(log)
        admin = AdminClient(url, SECRET)
        service = admin.create_service(name="Load", restricted=False, rate_limit=10**6)["id"]
        key = admin.create_api_key(service, "load", "normal")["key"]
        template = admin.create_template(service, name="T", type="sms", content="Load ((n))")["id"]

        def client(index: int) -> list[str]:
            session, ids = requests.Session(), []
            for n in range(per_client):
                token = create_jwt_token(key[-36:], key[-73:-37])
                body = {
                    "phone_number": "07700900123",
                    "template_id": template,
                    "personalisation": {"n": f"{index}-{n}"},
                }
                reply = session.post(
                    f"{url}/v2/notifications/sms", json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30
                )
                if reply.status_code == 201:
                    ids.append(reply.json()["id"])
            return ids

        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            accepted = [i for ids in pool.map(client, range(clients)) for i in ids]
        sending = time.perf_counter() - start
        final = _wait_until_final(url, key, set(accepted), start + deadline_seconds)
        settled = time.perf_counter() - start
        outbox = requests.get(f"{url}/_local/outbox", timeout=30).json()["messages"]
        counts = {i: 0 for i in accepted}
        for message in outbox:
            if message["notification_id"] in counts:
                counts[message["notification_id"]] += 1
        return {
            "clients": clients,
            "sent": clients * per_client,
            "accepted": len(accepted),
            "accepted_per_second": len(accepted) / sending,
            "seconds_until_all_final": settled,
            "reached_final": final,
            "in_outbox_exactly_once": sum(1 for c in counts.values() if c == 1),
            "duplicates": sum(1 for c in counts.values() if c > 1),
            "lost": len(accepted) - final,
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def _wait_for_url(log: Path) -> str:
    for _ in range(600):
        text = log.read_text()
        if "Ready: " in text:
            line = next(line for line in text.splitlines() if line.startswith("Tidings is running at "))
            return line.removeprefix("Tidings is running at ").strip()
        time.sleep(0.1)
    raise RuntimeError("tidings local did not start")


def _wait_until_final(url: str, key: str, ids: set[str], deadline: float) -> int:
    final: set[str] = set()
    while time.perf_counter() < deadline and final != ids:
        token = create_jwt_token(key[-36:], key[-73:-37])
        page = requests.get(f"{url}/v2/notifications", headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
        seen = {n["id"] for n in page["notifications"] if n["status"] in FINAL}
        older = page["notifications"][-1]["id"] if page["notifications"] else None
        while older and len(page["notifications"]) == 250:  # walk every page
            page = requests.get(
                f"{url}/v2/notifications?older_than={older}",
                headers={"Authorization": f"Bearer {create_jwt_token(key[-36:], key[-73:-37])}"},
                timeout=30,
            ).json()
            seen |= {n["id"] for n in page["notifications"] if n["status"] in FINAL}
            older = page["notifications"][-1]["id"] if page["notifications"] else None
        final = seen & ids
        if final != ids:
            time.sleep(0.5)
    return len(final)
