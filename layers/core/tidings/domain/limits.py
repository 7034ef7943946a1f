"""Rate and daily limits (spec §7): which counters a request takes, and what a refusal says.

All of one request's counters live on one item per service and UTC day, so the accept path spends one
conditional write on limits. The per-minute counter carries the second its window opened beside it: a window
opens at the first request and lasts 60 seconds, and the first request after it has closed opens the next
(Laravel's throttle, which Notifea runs; so a fresh client's request N + 1 within 60 s of its first is refused,
wherever the clock's minutes fall). A window still open at midnight goes on on the new day's item (its first
request reads yesterday's), so the day's change opens no second window.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

from tidings.domain.errors import TidingsError
from tidings.domain.models import V1_REQUESTS_PER_MINUTE, KeyType, Service

WINDOW_SECONDS = 60
TRIAL_DAILY_LIMIT = 50
V1_TOO_MANY = "Too many attempts. Please try again in 1 minute."
KEY_TYPE_NAMES = {"normal": "LIVE", "team": "TEAM", "test": "TEST"}
V1_FAMILY = "v1_requests_"  # then the client IP


@dataclass(frozen=True)
class Counter:
    name: str
    limit: int
    window_seconds: int | None = None  # windowed: a window opens at the first take and restarts once closed
    refusal: str = ""  # the error class Notify names: RateLimitError or TooManyRequestsError
    message: str = ""
    # Windowed counters of one family share an item, one per key (a /v1 client's IP): the name is the family
    # then the key. A member whose window has long closed counts for nothing, so a write may remove it.
    family: str = ""


@dataclass(frozen=True)
class Usage:
    """What a successful take left: for the RateLimit-* headers of the first (tightest) counter."""

    limit: int
    remaining: int
    reset_seconds: int


class CounterFull(Exception):
    """Raised by the counter store: `counter` is at its limit, so nothing was counted. `opened`: when its
    window opened (windowed counters), so the refusal can say when to come back."""

    def __init__(self, counter: Counter, opened: int | None = None) -> None:
        super().__init__(counter.name)
        self.counter = counter
        self.opened = opened

    def seconds_to_wait(self, now: datetime) -> int:
        return retry_after(self.counter, now, {} if self.opened is None else {window_key(self.counter): self.opened})


def epoch_second(now: datetime) -> int:
    return int(now.timestamp())


WINDOW_SUFFIX = "_window"


def window_key(counter: Counter) -> str:
    """The attribute beside a windowed counter that holds the second its window opened."""
    return f"{counter.name}{WINDOW_SUFFIX}"


def window_cutoff(counter: Counter, now: datetime) -> int:
    """A window of `counter` that opened at or before this second has closed by `now`."""
    return epoch_second(now) - (counter.window_seconds or 0)


def window_closed(counter: Counter, counts: dict[str, int], now: datetime) -> bool:
    """A windowed counter whose window (as the item's numbers record its opening) has closed, or never opened."""
    if counter.window_seconds is None:
        return False
    opened = counts.get(window_key(counter))
    return opened is None or opened <= window_cutoff(counter, now)


# A member closed for a whole window more may go: one reopened a moment ago is never mistaken for it.
STALE_AFTER_WINDOWS = 2
PRUNED_PER_WRITE = 20  # keeps the write's expressions short; each window a request opens removes as many more


def stale_members(counters: Sequence[Counter], counts: dict[str, int], now: datetime) -> list[Counter]:
    """Other members of the windowed families being taken whose windows closed a window ago or more, by the
    item's numbers (`counts`): a day item would otherwise grow by each client IP seen that day, billing every
    write on it more and, past 400 KB, failing them all."""
    taken = {c.name for c in counters}
    stale: list[Counter] = []
    for counter in counters:
        if not counter.family or counter.window_seconds is None:
            continue
        long_ago = epoch_second(now) - STALE_AFTER_WINDOWS * counter.window_seconds
        for name, value in counts.items():
            member = name.removesuffix(WINDOW_SUFFIX)
            of_family = name.endswith(WINDOW_SUFFIX) and member.startswith(counter.family) and member not in taken
            if of_family and value <= long_ago:
                stale.append(Counter(member, 0, counter.window_seconds, family=counter.family))
    return stale[:PRUNED_PER_WRITE]


@dataclass(frozen=True)
class Window:
    opened: int  # epoch second
    count: int  # taken in it before this request


def window_to_open(counter: Counter, counts: dict[str, int], earlier: dict[str, int], now: datetime) -> Window:
    """The window a request opens for `counter` once the item's own has closed (`counts`, the item's numbers):
    the one still open on `earlier` (yesterday's item) when none ever opened on this item, else a fresh one."""
    if window_key(counter) not in counts and not window_closed(counter, earlier, now):
        return Window(earlier[window_key(counter)], earlier.get(counter.name, 0))
    return Window(epoch_second(now), 0)


class LimitExceeded(TidingsError):
    """`retry_after` seconds from now; `reset_at` the epoch second that is (Laravel's X-RateLimit-Reset)."""

    def __init__(self, counter: Counter, retry_after: int, reset_at: int = 0) -> None:
        super().__init__(counter.message)
        self.counter = counter
        self.retry_after = retry_after
        self.reset_at = reset_at


def seconds_to_midnight(now: datetime) -> int:
    midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
    return max(1, math.ceil((midnight - now).total_seconds()))


def day_key(service_id: str, now: datetime) -> str:
    return f"{service_id}#{_day(now)}"


def _day(now: datetime) -> str:
    return f"{now.astimezone(UTC):%Y-%m-%d}"


def window_carried_from(item_key: str, now: datetime) -> str | None:
    """The item a window still open at `now` may have opened on: yesterday's day item, in a day's first minute."""
    today, window_start = _day(now), _day(now - timedelta(seconds=WINDOW_SECONDS))
    if today == window_start or not item_key.endswith(f"#{today}"):
        return None
    return f"{item_key.removesuffix(today)}{window_start}"


def day_counters_expire(now: datetime) -> datetime:
    """A day's counters outlive it by a day, then TTL removes them (the key never repeats)."""
    start = datetime(now.year, now.month, now.day, tzinfo=UTC)
    return start + timedelta(days=2)


def send_counters(
    service: Service, key_type: KeyType, channel: str, international: bool, now: datetime
) -> list[Counter]:
    """The per-minute counter for the key type, then (live and team keys only) the day's channel counters."""
    rate = Counter(
        name=f"minute_{key_type}",
        limit=service.rate_limit,
        window_seconds=WINDOW_SECONDS,
        refusal="RateLimitError",
        message=(
            f"Exceeded rate limit for key type {KEY_TYPE_NAMES[key_type]} of {service.rate_limit} requests per "
            f"{WINDOW_SECONDS} seconds"
        ),
    )
    if key_type == "test":
        return [rate]  # test sends are never counted against daily limits
    counters = [rate, _daily(service, channel)]
    if international:
        counters.append(_daily(service, "international_sms"))
    return counters


def _daily(service: Service, channel: str) -> Counter:
    limit = int(getattr(service, f"{channel}_message_limit"))
    if service.restricted and channel != "international_sms":
        limit = min(limit, TRIAL_DAILY_LIMIT)
    return Counter(
        name=f"day_{channel}",
        limit=limit,
        refusal="TooManyRequestsError",
        message=f"Exceeded send limits ({channel}: {limit}) for today",
    )


def retry_after(counter: Counter, now: datetime, counts: dict[str, int]) -> int:
    """When `counter` has room again, given the item's numbers (a windowed counter's opening second among them):
    when its window closes, or a whole window from now when none is open."""
    if counter.window_seconds is None:
        return seconds_to_midnight(now)
    if window_closed(counter, counts, now):
        return counter.window_seconds
    return counts[window_key(counter)] + counter.window_seconds - epoch_second(now)


def v1_request_counter(service: Service | None, client_ip: str, now: datetime) -> tuple[str, Counter]:
    """The /v1 limit per client IP: on the service's day item once the caller is known (so POST /v1/sms counts
    it in the same write as the send limits), else on an item of the IP's own."""
    counter = Counter(
        name=f"{V1_FAMILY}{client_ip}",
        limit=service.v1_rate_limit if service else V1_REQUESTS_PER_MINUTE,
        window_seconds=WINDOW_SECONDS,
        refusal="too.many.attempts",
        message=V1_TOO_MANY,
        family=V1_FAMILY,
    )
    item = day_key(service.id, now) if service else f"v1#{client_ip}#{_day(now)}"
    return item, counter


class Counters(Protocol):
    def take(
        self,
        item_key: str,
        counters: Sequence[Counter],
        now: datetime,
        expires_at: datetime,
        carry_from: str | None = None,
    ) -> dict[str, int]:
        """Count one against every counter, or raise CounterFull. A windowed counter whose window never opened on
        `item_key` continues one still open on `carry_from`, its opening and count included."""
        ...

    def read(self, item_key: str) -> dict[str, int]: ...
    def give_back(self, item_key: str, counter: Counter) -> None: ...


DAILY_CHANNELS = ("sms", "email", "letter", "international_sms")


def usage_today(store: Counters, service_id: str, now: datetime) -> dict[str, int]:
    counts = store.read(day_key(service_id, now))
    return {channel: counts.get(f"day_{channel}", 0) for channel in DAILY_CHANNELS}


def take(store: Counters, item_key: str, counters: Sequence[Counter], now: datetime) -> Usage:
    """Count one request against every counter, or none of them; refuse with the first full counter."""
    return _usage(counters[0], _counted(store, item_key, counters, now), now)


def _usage(first: Counter, counts: dict[str, int], now: datetime) -> Usage:
    remaining = max(0, first.limit - counts[first.name])
    return Usage(limit=first.limit, remaining=remaining, reset_seconds=retry_after(first, now, counts))


def take_for_refused(
    store: Counters, service: Service, key_type: KeyType, channel: str, now: datetime, *, international: bool = False
) -> None:
    """Notify spends a request's rate-limit token before it validates it, and checks the day's limit for the
    URL's channel then too (spec §5.5 step 1). Here a request refused before its one write (the write that
    counts a send) takes its token alone, and answers 429 instead if that minute, or that day, is spent. Only
    refusals pay this second write. `international`: refused after its recipient passed as an international
    mobile number, whose daily limit is checked before what refused it (step 7)."""
    counters = send_counters(service, key_type, channel, international, now)
    take_first_check_rest(store, day_key(service.id, now), counters, now)


def take_first_check_rest(store: Counters, item_key: str, counters: Sequence[Counter], now: datetime) -> Usage:
    """Count one against the first counter only, and refuse as `take` would if any other is already full: their
    counts are read from what the write returns, not added to."""
    first, *rest = counters
    counts = _counted(store, item_key, [first], now)
    spent = next((counter for counter in rest if counts.get(counter.name, 0) >= counter.limit), None)
    if spent is not None:
        raise _exceeded(spent, now, retry_after(spent, now, counts))
    return _usage(first, counts, now)


def _counted(store: Counters, item_key: str, counters: Sequence[Counter], now: datetime) -> dict[str, int]:
    """The item's numbers once one is counted against every counter; a full one is the refusal it names."""
    try:
        return store.take(item_key, counters, now, day_counters_expire(now), window_carried_from(item_key, now))
    except CounterFull as full:
        raise _exceeded(full.counter, now, full.seconds_to_wait(now)) from full


def _exceeded(counter: Counter, now: datetime, wait: int) -> LimitExceeded:
    return LimitExceeded(counter, wait, epoch_second(now) + wait)
