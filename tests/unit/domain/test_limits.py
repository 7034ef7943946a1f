"""Per-minute and daily limits: exact counts, the messages, and when to come back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.fakes import FixedClock, InMemoryCounters, InMemoryNotificationStore, RecordingQueue
from tidings.domain.auth import Caller
from tidings.domain.limits import (
    Counter,
    LimitExceeded,
    day_key,
    send_counters,
    stale_members,
    take,
    take_for_refused,
    usage_today,
    v1_request_counter,
    window_carried_from,
)
from tidings.domain.models import ApiKey, GuestList, Service, ServiceBundle, Template
from tidings.domain.send import SendContext, SendRequest, send_notification

START = datetime(2026, 11, 22, 12, 0, 45, tzinfo=UTC)  # 15 s before the clock's next minute


def service(**settings: Any) -> Service:
    return Service(id="svc", name="S", email_from="s", created_at=START, restricted=False, **settings)


class Sender:
    def __init__(self, svc: Service) -> None:
        self.svc, self.clock, self.counters, self.store = (
            svc,
            FixedClock(START),
            InMemoryCounters(),
            InMemoryNotificationStore(),
        )
        self.template = Template(
            id="t", service_id="svc", type="sms", name="t", version=1, content="Hi", created_at=START, created_by="me"
        )

    def send(self, key_type: str = "normal", to: str = "07700900123") -> Any:
        key = ApiKey(id=key_type, service_id="svc", name="k", key_type=key_type, secret="s", created_at=START)  # type: ignore[arg-type]
        bundle = ServiceBundle(service=self.svc, api_keys=[key], guest_list=GuestList(phone_numbers=["447700900123"]))
        context = SendContext(
            Caller(bundle, key), {"t": self.template}.get, lambda fresh: [], self.clock.now(), "d", "S"
        )
        return send_notification(SendRequest("sms", to, "t"), context, self.store, RecordingQueue(), self.counters)

    def refusal(self, **kwargs: Any) -> LimitExceeded:
        with pytest.raises(LimitExceeded) as error:
            self.send(**kwargs)
        return error.value


@pytest.mark.parametrize(("key_type", "name"), [("normal", "LIVE"), ("team", "TEAM"), ("test", "TEST")])
def test_the_rate_limit_allows_exactly_the_limit_per_key_type(key_type: str, name: str) -> None:
    sender = Sender(service(rate_limit=6))
    sender.send(key_type)  # opens the window
    sender.clock.advance(seconds=20)  # past the clock's minute: the window is the first request's
    for _ in range(5):
        sender.send(key_type)
    refused = sender.refusal(key_type=key_type)
    assert (refused.counter.refusal, refused.message) == (
        "RateLimitError",
        f"Exceeded rate limit for key type {name} of 6 requests per 60 seconds",
    )
    assert refused.retry_after == 40  # the window closes 60 s after it opened
    other = "team" if key_type != "team" else "normal"
    assert sender.send(other).stored  # each key type has its own bucket


def test_the_window_lasts_60_seconds_from_its_first_request() -> None:
    sender = Sender(service(rate_limit=1))
    sender.send()
    sender.clock.advance(seconds=15)  # the clock's minute has changed; the window has not
    assert sender.refusal().retry_after == 45
    sender.clock.advance(seconds=44)
    assert sender.refusal().retry_after == 1
    sender.clock.advance(seconds=1)  # 60 s after the first: the next request opens the next window
    usage = sender.send().usage
    assert (usage.remaining, usage.reset_seconds) == (0, 60)


def test_the_daily_limit_allows_exactly_n_and_ignores_test_keys() -> None:
    sender = Sender(service(sms_message_limit=2))
    sender.send()
    sender.send()
    refused = sender.refusal()
    assert (refused.counter.refusal, refused.message) == (
        "TooManyRequestsError",
        "Exceeded send limits (sms: 2) for today",
    )
    assert refused.retry_after == int((datetime(2026, 11, 23, tzinfo=UTC) - START).total_seconds())
    assert sender.send("test").stored
    assert usage_today(sender.counters, "svc", START)["sms"] == 2  # the refusal counted nowhere


def test_a_refused_request_counts_nowhere() -> None:
    sender = Sender(service(sms_message_limit=1, rate_limit=100))
    sender.send()
    before = sender.counters.read(day_key("svc", START))
    sender.refusal()
    assert sender.counters.read(day_key("svc", START)) == before


def test_trial_services_get_50_a_day() -> None:
    svc = service().model_copy(update={"restricted": True})
    assert [c.limit for c in send_counters(svc, "normal", "email", False, START)] == [3000, 50]
    assert [c.limit for c in send_counters(service(), "normal", "email", False, START)] == [3000, 250_000]


def test_international_sms_has_its_own_daily_limit() -> None:
    sender = Sender(service(international_sms_message_limit=1))
    sender.send(to="+12025550123")
    refused = sender.refusal(to="+12025550123")
    assert refused.message == "Exceeded send limits (international_sms: 1) for today"
    assert sender.send().stored  # UK numbers are not counted against it
    assert usage_today(sender.counters, "svc", START) == {"sms": 2, "email": 0, "letter": 0, "international_sms": 1}


def test_a_new_day_starts_again() -> None:
    sender = Sender(service(sms_message_limit=1))
    sender.send()
    sender.clock.advance(days=1)
    assert sender.send().stored


def test_usage_reports_the_rate_window() -> None:
    usage = Sender(service(rate_limit=10)).send().usage
    assert (usage.limit, usage.remaining, usage.reset_seconds) == (10, 9, 60)


def test_the_v1_counter() -> None:
    item, counter = v1_request_counter(service(), "203.0.113.7", START)
    assert (item, counter.limit, counter.refusal) == ("svc#2026-11-22", 120, "too.many.attempts")
    assert counter.message == "Too many attempts. Please try again in 1 minute."
    assert v1_request_counter(None, "203.0.113.7", START)[0] == "v1#203.0.113.7#2026-11-22"
    counters = InMemoryCounters()
    for _ in range(120):
        take(counters, item, [counter], START)
    later = START + timedelta(seconds=14.2)
    with pytest.raises(LimitExceeded) as refused:
        take(counters, item, [v1_request_counter(service(), "203.0.113.7", later)[1]], later)
    assert refused.value.retry_after == 46


def test_121_requests_within_60_seconds_straddling_the_clocks_minute() -> None:
    """Notifea's check 28: request 121 from one client within 60 s is refused, wherever the minute falls."""
    counters, late = InMemoryCounters(), START + timedelta(seconds=20)  # 12:00:45, then 12:01:05
    item, counter = v1_request_counter(service(), "203.0.113.7", START)
    take(counters, item, [counter], START)
    item, counter = v1_request_counter(service(), "203.0.113.7", late)
    for _ in range(119):
        take(counters, item, [counter], late)
    with pytest.raises(LimitExceeded) as refused:
        take(counters, item, [counter], late)
    assert refused.value.retry_after == 40
    assert take(counters, item, [counter], START + timedelta(seconds=60)).remaining == 119


def test_a_refused_request_spends_a_rate_token_and_meets_a_spent_day() -> None:
    """Notify takes the token before validating (spec §5.5 step 1); the day's limit is checked, never added to."""
    svc, counters = service(rate_limit=2, sms_message_limit=1), InMemoryCounters()
    take_for_refused(counters, svc, "normal", "sms", START)
    assert counters.read(day_key("svc", START)) == {"minute_normal": 1, "minute_normal_window": int(START.timestamp())}
    take(counters, day_key("svc", START), send_counters(svc, "normal", "sms", False, START), START)  # spends the day
    with pytest.raises(LimitExceeded) as refused:
        take_for_refused(counters, svc, "normal", "sms", START + timedelta(seconds=61))  # a new minute, the same day
    assert refused.value.message == "Exceeded send limits (sms: 1) for today"
    assert usage_today(counters, "svc", START)["sms"] == 1
    with pytest.raises(LimitExceeded) as limited:
        for _ in range(2):
            take_for_refused(counters, svc, "normal", "email", START + timedelta(seconds=62))
    assert limited.value.message == "Exceeded rate limit for key type LIVE of 2 requests per 60 seconds"


BEFORE_MIDNIGHT = datetime(2026, 11, 22, 23, 59, 30, tzinfo=UTC)


def test_a_window_open_at_midnight_goes_on_into_the_new_day() -> None:
    """The day's change moves the counters to a new item, not the window: 6 a minute stays 6 across midnight."""
    sender = Sender(service(rate_limit=6))
    sender.clock = FixedClock(BEFORE_MIDNIGHT)
    for _ in range(4):
        sender.send()
    sender.clock.advance(seconds=40)  # 00:00:10, the new day
    sender.send()
    sender.send()
    refused = sender.refusal()
    assert (refused.counter.name, refused.retry_after) == ("minute_normal", 20)  # the window opened at 23:59:30
    assert usage_today(sender.counters, "svc", sender.clock.now())["sms"] == 2  # the day's counts are the new day's
    sender.clock.advance(seconds=20)  # 00:00:30: that window has closed
    assert sender.send().usage.remaining == 5


def test_the_window_carried_is_looked_for_on_yesterdays_item_in_a_days_first_minute_only() -> None:
    midnight = BEFORE_MIDNIGHT + timedelta(seconds=30)
    assert window_carried_from("svc#2026-11-23", midnight + timedelta(seconds=59)) == "svc#2026-11-22"
    assert window_carried_from("v1#203.0.113.7#2026-11-23", midnight) == "v1#203.0.113.7#2026-11-22"
    assert window_carried_from("svc#2026-11-23", midnight + timedelta(seconds=60)) is None
    assert window_carried_from("svc#2026-11-22", BEFORE_MIDNIGHT) is None
    assert window_carried_from("document#d1", midnight) is None  # not a day's item


def test_stale_members_are_other_ips_closed_a_window_ago_or_more() -> None:
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    second = int(now.timestamp())
    taken = Counter("v1_requests_192.0.2.1", 120, window_seconds=60, family="v1_requests_")
    counts = {
        "v1_requests_192.0.2.1": 3,
        "v1_requests_192.0.2.1_window": second - 500,  # the one being taken: its own write reopens it
        "v1_requests_10.0.0.1_window": second - 120,  # closed a whole window ago: stale
        "v1_requests_10.0.0.2_window": second - 119,  # closed less than a window ago: kept
        "v1_requests_2001:db8::1_window": second - 3600,
        "minute_normal_window": second - 3600,  # not of the family
        "day_sms": 5,
    }
    stale = stale_members([taken, Counter("day_sms", 10)], counts, now)
    assert [c.name for c in stale] == ["v1_requests_10.0.0.1", "v1_requests_2001:db8::1"]
    assert all(c.window_seconds == 60 for c in stale)
    many = {f"v1_requests_10.1.0.{i}_window": second - 600 for i in range(50)}
    assert len(stale_members([taken], many, now)) == 20  # a write's share; the next window's write takes more
    assert stale_members([Counter("minute_normal", 1, window_seconds=60)], counts, now) == []  # no family
