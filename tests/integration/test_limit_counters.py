"""The counter adapter against moto: atomic under concurrency (with the local stack's serialisation)."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from tests.fakes import FixedClock
from tests.integration.conftest import InProcessApi, Reply, SeededService
from tests.integration.faults import spy
from tidings import wiring
from tidings.adapters import aws
from tidings.adapters.limit_counters import DynamoLimitCounters
from tidings.domain.limits import Counter, CounterFull
from tidings_local.stack import LocalStack

NOW = datetime(2026, 11, 22, 12, 0, 45, tzinfo=UTC)
EXPIRES = datetime.now(UTC) + timedelta(days=1)


def test_sixteen_threads_get_exactly_the_limit(stack: LocalStack) -> None:
    counters, item = DynamoLimitCounters("CountersTable"), f"race-{uuid.uuid4()}"
    limit, accepted, refused = 300, [], []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            try:
                counters.take(
                    item, [Counter("minute_normal", limit, window_seconds=60), Counter("day_sms", limit)], NOW, EXPIRES
                )
                outcome = accepted
            except CounterFull:
                outcome = refused
            with lock:
                outcome.append(1)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(accepted), len(refused)) == (300, 100)
    assert counters.read(item)["day_sms"] == 300


def test_a_closed_window_restarts_only_the_windowed_counter(stack: LocalStack) -> None:
    counters, item = DynamoLimitCounters("CountersTable"), f"window-{uuid.uuid4()}"
    limits = [Counter("m", 1, window_seconds=60), Counter("d", 5)]
    counters.take(item, limits, NOW, EXPIRES)
    with pytest.raises(CounterFull) as full:
        counters.take(item, limits, NOW + timedelta(seconds=59), EXPIRES)  # another clock minute, the same window
    assert (full.value.counter.name, full.value.opened) == ("m", int(NOW.timestamp()))
    after = counters.take(item, limits, NOW + timedelta(seconds=60), EXPIRES)
    assert (after["m"], after["d"], after["m_window"]) == (1, 2, int(NOW.timestamp()) + 60)


def test_a_daily_limit_of_zero_lets_nothing_through_while_the_minute_is_open(stack: LocalStack) -> None:
    """A counter never taken is missing from the item: the condition must not read that as room."""
    counters, item = DynamoLimitCounters("CountersTable"), f"zero-{uuid.uuid4()}"
    minute = Counter("minute_normal", 100, window_seconds=60)
    counters.take(item, [minute, Counter("day_sms", 10)], NOW, EXPIRES)  # opens the minute's window
    with pytest.raises(CounterFull) as full:
        counters.take(item, [minute, Counter("day_sms", 10), Counter("day_international_sms", 0)], NOW, EXPIRES)
    assert full.value.counter.name == "day_international_sms"
    assert "day_international_sms" not in counters.read(item) and counters.read(item)["minute_normal"] == 1


def test_a_day_item_keeps_only_the_client_ips_seen_lately(stack: LocalStack) -> None:
    """300 client IPs a day, one every 10 s: each would add two attributes to the service's day item for the
    rest of the day (past 400 KB every send fails). Windows long closed go as new ones open; open ones stay."""
    counters, item = DynamoLimitCounters("CountersTable"), f"ips-{uuid.uuid4()}"
    day = Counter("day_sms", 1000)

    def from_ip(ip: str, limit: int = 120) -> Counter:
        return Counter(f"v1_requests_{ip}", limit, window_seconds=60, family="v1_requests_")

    busy = from_ip("192.0.2.1", limit=2)
    counters.take(item, [busy, day], NOW, EXPIRES)
    counters.take(item, [busy, day], NOW, EXPIRES)
    for k in range(300):
        at = NOW + timedelta(seconds=10 * k)
        counters.take(item, [from_ip(f"10.0.{k // 256}.{k % 256}"), day], at, EXPIRES)
        if k == 5:  # 50 s on, other IPs' windows opened meanwhile: the busy IP's is still spent
            with pytest.raises(CounterFull):
                counters.take(item, [busy, day], at, EXPIRES)
    kept = counters.read(item)
    windows = [name for name in kept if name.startswith("v1_requests_") and name.endswith("_window")]
    assert len(windows) <= 13 + 20  # those opened within two windows, and at most one write's removals more
    assert "v1_requests_10.0.1.43_window" in windows and "v1_requests_192.0.2.1" not in kept  # the last; long gone
    assert kept["day_sms"] == 302  # the day's count is untouched


def test_429s_carry_retry_after_and_rate_limit_headers(api: InProcessApi, service: SeededService) -> None:
    base = f"/admin/services/{service.id}"
    api.admin("POST", base, {"sms_message_limit": 1})
    template = api.admin("POST", f"{base}/templates", {"name": "T", "type": "sms", "content": "Hi"}).json()["data"][
        "id"
    ]
    body = {"phone_number": "07700900123", "template_id": template}
    first = api.v2("POST", "/v2/notifications/sms", service.keys["normal"], body)
    assert first.status == 201
    assert int(first.headers["ratelimit-limit"]) == 3000 and int(first.headers["ratelimit-remaining"]) < 3000
    assert 1 <= int(first.headers["ratelimit-reset"]) <= 60
    second = api.v2("POST", "/v2/notifications/sms", service.keys["normal"], body)
    assert second.status == 429
    assert second.json()["errors"] == [
        {"error": "TooManyRequestsError", "message": "Exceeded send limits (sms: 1) for today"}
    ]
    assert int(second.headers["retry-after"]) >= 1 and second.headers["ratelimit-remaining"] == "0"
    usage = api.admin("GET", base).json()["data"]["usage_today"]
    assert usage == {"sms": 1, "email": 0, "letter": 0, "international_sms": 0}


def test_a_refused_send_spends_a_rate_token_as_notify_does(api: InProcessApi, service: SeededService) -> None:
    """Spec §5.5 step 1: requests that would fail validation still use up a token and can get a 429."""
    base = f"/admin/services/{service.id}"
    api.admin("POST", base, {"rate_limit": 2})
    template = api.admin("POST", f"{base}/templates", {"name": "T", "type": "sms", "content": "Hi"}).json()["data"][
        "id"
    ]
    invalid = api.v2("POST", "/v2/notifications/sms", service.keys["normal"], {"phone_number": "123"})
    assert invalid.status == 400
    unknown = {"phone_number": "07700900123", "template_id": str(uuid.uuid4())}
    assert api.v2("POST", "/v2/notifications/sms", service.keys["normal"], unknown).status == 400
    valid = {"phone_number": "07700900123", "template_id": template}
    limited = api.v2("POST", "/v2/notifications/sms", service.keys["normal"], valid)
    assert limited.status == 429
    assert limited.json()["errors"] == [
        {"error": "RateLimitError", "message": "Exceeded rate limit for key type LIVE of 2 requests per 60 seconds"}
    ]
    again = api.v2("POST", "/v2/notifications/sms", service.keys["normal"], {"phone_number": "123"})
    assert again.status == 429  # once the minute is spent, a bad request is answered 429 too


def test_giving_back_undoes_one_take_and_never_goes_below_zero(stack: LocalStack) -> None:
    counters, item = DynamoLimitCounters("CountersTable"), f"give-back-{uuid.uuid4()}"
    counter = Counter("attempts", 5, window_seconds=3600)
    counters.take(item, [counter], NOW, EXPIRES)
    counters.give_back(item, counter)
    counters.give_back(item, counter)  # nothing left to give back: no error, no negative count
    assert counters.read(item)["attempts"] == 0


def test_a_window_open_at_midnight_goes_on_on_the_new_days_item(stack: LocalStack) -> None:
    """Yesterday's item is read once, by the new day's first request in its first minute; later ones find the
    carried window on today's item."""
    counters, service = DynamoLimitCounters("CountersTable"), f"midnight-{uuid.uuid4()}"
    minute, day = Counter("minute_normal", 3, window_seconds=60), Counter("day_sms", 100)
    late = datetime(2026, 11, 22, 23, 59, 30, tzinfo=UTC)
    yesterday, today = f"{service}#2026-11-22", f"{service}#2026-11-23"
    counters.take(yesterday, [minute, day], late, EXPIRES)
    counters.take(yesterday, [minute, day], late, EXPIRES)
    early = late + timedelta(seconds=40)  # 00:00:10
    with spy(aws.dynamodb(), "GetItem") as reads:
        carried = counters.take(today, [minute, day], early, EXPIRES, carry_from=yesterday)
        with pytest.raises(CounterFull) as full:
            counters.take(today, [minute, day], early, EXPIRES, carry_from=yesterday)
    assert (carried["minute_normal"], carried["minute_normal_window"], carried["day_sms"]) == (
        3,
        int(late.timestamp()),
        1,
    )
    assert (full.value.counter.name, full.value.opened) == ("minute_normal", int(late.timestamp()))
    assert len(reads) == 1
    after = counters.take(today, [minute, day], late + timedelta(seconds=60), EXPIRES, carry_from=yesterday)
    assert (after["minute_normal"], after["day_sms"]) == (1, 2)  # 00:00:30: the carried window has closed


def test_a_window_closed_by_midnight_is_not_carried(stack: LocalStack) -> None:
    counters, service = DynamoLimitCounters("CountersTable"), f"midnight-{uuid.uuid4()}"
    minute = Counter("minute_normal", 3, window_seconds=60)
    counters.take(f"{service}#2026-11-22", [minute], datetime(2026, 11, 22, 23, 58, 59, tzinfo=UTC), EXPIRES)
    first = datetime(2026, 11, 23, 0, 0, 5, tzinfo=UTC)
    taken = counters.take(f"{service}#2026-11-23", [minute], first, EXPIRES, carry_from=f"{service}#2026-11-22")
    assert (taken["minute_normal"], taken["minute_normal_window"]) == (1, int(first.timestamp()))


def test_a_minute_spent_before_midnight_stays_spent_after_it_through_the_send_route(
    api: InProcessApi, service: SeededService
) -> None:
    """Through POST /v2/notifications/sms on the handlers' clock: the window opened at 23:59:50 still holds at
    00:00:05 on the new day's item, and closes at 00:00:50."""
    base = f"/admin/services/{service.id}"
    api.admin("POST", base, {"rate_limit": 2})
    template = api.admin("POST", f"{base}/templates", {"name": "T", "type": "sms", "content": "Hi"}).json()["data"]
    body = {"phone_number": "07700900123", "template_id": template["id"]}
    late = datetime(2026, 11, 22, 23, 59, 50, tzinfo=UTC)

    def send_at(moment: datetime) -> Reply:
        wiring.override(replace(wiring.deps(), clock=FixedClock(moment)))
        return api.v2("POST", "/v2/notifications/sms", service.keys["normal"], body, iat=int(moment.timestamp()))

    try:
        assert [send_at(late).status, send_at(late).status] == [201, 201]
        refused = send_at(late + timedelta(seconds=15))  # 00:00:05 on 2026-11-23
        assert (refused.status, refused.headers["retry-after"]) == (429, "45")
        assert send_at(late + timedelta(seconds=60)).status == 201
    finally:
        wiring.override(None)
