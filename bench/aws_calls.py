"""Counts AWS calls per accepted and per delivered notification, by operation, with botocore's event hooks.

Everything runs in-process against moto (the same stack `tidings local` runs), so the counts are exact and
deterministic; they are what the deployed functions would make. Timings are not measured here.
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from notifications_python_client.authentication import create_jwt_token

from bench.cost import DISPATCH_BATCH, RECEIPTS_BATCH
from bench.write_units import WriteUnits, table_of
from tidings import wiring
from tidings.adapters import aws
from tidings_local.admin_client import admin_token
from tidings_local.http_events import HttpRequest
from tidings_local.stack import LocalStack

ADMIN_SECRET = "bench-admin-secret-0123456789abcdefghij"


# The short email above is the cheapest case. A service's real emails are longer: this one, a licence
# application's receipt of the kind GOV.UK services send, renders to about 900 characters.
TYPICAL_EMAIL = {
    "name": "Application received",
    "type": "email",
    "subject": "Your application ((reference)) has been received",
    "content": "Dear ((name)),\n\n"
    "We have received your application to renew your licence. Your reference number is ((reference)).\n\n"
    "# What happens next\n\n"
    "We will check the information you gave us and may contact you if we need more. Most applications are "
    "decided within 10 working days. You do not need to do anything while we review your application.\n\n"
    "# If your circumstances change\n\n"
    "Tell us straight away if you move house, change your name or no longer need the licence. You can update "
    "your details online at https://www.example.gov.uk/licences/update using your reference number.\n\n"
    "# If you did not apply\n\n"
    "Contact us on 0300 123 4567, Monday to Friday, 9am to 5pm. Calls cost the same as a normal landline "
    "call.\n\nThank you,\n\nThe Licensing Team",
}
TYPICAL_PERSONALISATION = {"name": "Sam Jones", "reference": "LIC-2026-004217"}


@dataclass
class CallLog:
    calls: Counter[str] = field(default_factory=Counter)
    write_units: float = 0.0  # what DynamoDB bills for the writes (bench/write_units.py)
    read_items: int = 0

    def record(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        table = params.get("TableName", "")
        self.calls[f"{model.name}{f' {table}' if table else ''}"] += 1
        if model.name == "BatchGetItem":
            self.read_items += sum(len(request["Keys"]) for request in params["RequestItems"].values())
        elif model.name in ("GetItem", "Query"):
            self.read_items += 1

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@dataclass(frozen=True)
class _Pinned:
    at: datetime

    def now(self) -> datetime:
        return self.at


class Bench:
    def __init__(self) -> None:
        self.stack = LocalStack(ADMIN_SECRET)
        self.stack.start(run_pollers=False)
        client = aws.dynamodb()
        tables = {
            name: table_of(client.describe_table(TableName=name)["Table"])
            for name in client.list_tables()["TableNames"]
        }
        # Watches every write from here on (an update is billed on the item as it was before it).
        self.units, self.log = WriteUnits(tables), CallLog()
        client.meta.events.register("before-parameter-build", self._bill, unique_id="bench-units")
        service = self._admin(
            "POST", "/admin/services", {"name": "Bench", "restricted": False, "v1_rate_limit": 100_000}
        )["id"]
        self.key = self._admin("POST", f"/admin/services/{service}/api-keys", {"name": "k", "key_type": "normal"})[
            "key"
        ]
        self._admin("POST", f"/admin/services/{service}/sms-senders", {"sms_sender": "Bench", "is_default": True})
        self.sms = self._admin(
            "POST", f"/admin/services/{service}/templates", {"name": "S", "type": "sms", "content": "Hi ((n))"}
        )["id"]
        email = {"name": "E", "type": "email", "subject": "S", "content": "Hi ((n))"}
        self.email = self._admin("POST", f"/admin/services/{service}/templates", email)["id"]
        self.typical = self._admin("POST", f"/admin/services/{service}/templates", TYPICAL_EMAIL)["id"]
        self.dispatcher = next(p for p in self.stack.pollers if p._spec.logical_id == "DispatchFunction")
        self.v1_sender = self._admin(
            "POST", f"/admin/services/{service}/sms-senders", {"sms_sender": "V1", "sms_live_time": 7}
        )["id"]
        self.v1_token = self._admin("POST", f"/admin/services/{service}/access-tokens", {"name": "bench"})["token"]

    def _bill(self, model: Any, params: dict[str, Any], **_: Any) -> None:
        self.log.write_units += self.units.of(model.name, params)

    @contextmanager
    def counting(self) -> Iterator[CallLog]:
        self.log = log = CallLog()
        clients = [aws.dynamodb(), aws.sqs(), aws.sesv2(), aws.sns(), aws.events(), aws.s3()]  # every one adapters use
        for client in clients:
            client.meta.events.register("before-parameter-build", log.record, unique_id="bench-count")
        try:
            yield log
        finally:
            for client in clients:
                client.meta.events.unregister("before-parameter-build", unique_id="bench-count")
            self.log = CallLog()  # writes outside a measurement are watched, not counted

    def send(self, channel: str) -> None:
        if channel == "v1":
            body = {"sms_sender_id": self.v1_sender, "content": "Hi", "recipient": "+447700900123"}
            assert self._request("POST", "/v1/sms", body, self.v1_token)["code"] == "ok"
            return
        template, kind = {
            "sms": (self.sms, "sms"),
            "email": (self.email, "email"),
            "typical_email": (self.typical, "email"),
        }[channel]
        body = {"template_id": template, "personalisation": {"n": "x"} | TYPICAL_PERSONALISATION}
        body |= {"phone_number": "07700900123"} if kind == "sms" else {"email_address": "a@example.com"}
        token = create_jwt_token(self.key[-36:], self.key[-73:-37])
        reply = self._request("POST", f"/v2/notifications/{kind}", body, token)
        assert reply["id"], reply

    def per_accept(self, channel: str, count: int, cold: bool) -> CallLog:
        if cold:
            wiring.reset()  # fresh container caches (clients stay: their creation makes no AWS call)
        # Time stands still while counting: a rate-limit window that rolls over (once a minute) costs one more
        # write, which would make the count depend on when the run happens to start.
        wiring.override(dataclasses.replace(wiring.deps(), clock=_Pinned(datetime.now(UTC))))
        try:
            with self.counting() as log:
                for _ in range(count):
                    self.send(channel)
        finally:
            wiring.override(None)
        return log

    def per_delivery(self, channel: str, count: int) -> tuple[CallLog, int]:
        self._deliver_all()  # what the accept figures queued: delivered first, so `count` makes full batches
        for _ in range(count):
            self.send(channel)
        with self.counting() as log:
            delivered = self._deliver_all()
        # The event source mapping's ReceiveMessage and DeleteMessageBatch are Lambda's, not the function's.
        for operation in [k for k in log.calls if k.startswith(("ReceiveMessage", "DeleteMessageBatch"))]:
            del log.calls[operation]
        return log, delivered

    def _deliver_all(self) -> int:
        delivered = 0
        receipts = next(p for p in self.stack.pollers if p._spec.logical_id == "ReceiptsFunction")
        while batch := self.dispatcher.poll_once():
            delivered += batch
        # The providers' receipts come back through the receipts function (its calls count too).
        while self.stack.providers.run_once() + receipts.poll_once():
            pass
        return delivered

    def _admin(self, method: str, path: str, body: Any) -> Any:
        return self._request(method, path, body, admin_token(ADMIN_SECRET))["data"]

    def _request(self, method: str, path: str, body: Any, token: str) -> Any:
        headers = [("Host", "bench"), ("Content-Type", "application/json"), ("Authorization", f"Bearer {token}")]
        response = self.stack.handle(HttpRequest(method, path, "", headers, json.dumps(body).encode(), "127.0.0.1"))
        return json.loads(response.body)


def measure(quick: bool) -> dict[str, Any]:
    bench = Bench()
    runs = 20 if quick else 200
    figures: dict[str, Any] = {}
    for channel in ("sms", "email", "typical_email", "v1"):
        cold = bench.per_accept(channel, 1, cold=True)
        warm = bench.per_accept(channel, runs, cold=False)
        limits = sum(n for op, n in warm.calls.items() if op.endswith("CountersTable"))
        figures[f"accept_{channel}"] = {
            "cold_calls": cold.total,
            "warm_calls_per_notification": warm.total / runs,
            "warm_limit_calls_per_notification": limits / runs,
            "warm_by_operation": {op: n / runs for op, n in sorted(warm.calls.items())},
            "warm_write_units": warm.write_units / runs,
            "warm_read_items": warm.read_items / runs,
        }
        if channel == "v1":
            continue  # /v1 SMS are delivered exactly as /v2 SMS are
        delivery, delivered = bench.per_delivery(channel, 50 if quick else 100)  # 5 or 10 dispatch batches
        figures[f"deliver_{channel}"] = {
            "calls_per_notification": delivery.total / delivered,
            "by_operation": {op: n / delivered for op, n in sorted(delivery.calls.items())},
            "write_units": delivery.write_units / delivered,
            "read_items": delivery.read_items / delivered,
            "dispatch_batch_size": DISPATCH_BATCH,  # as the local stack's pollers take them, from the template
            "receipts_batch_size": RECEIPTS_BATCH,
        }
    bench.stack.stop()
    return figures
