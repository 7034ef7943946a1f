"""Scheduled: re-enqueue notifications still `created` after a few minutes (their queue message was lost),
and time out those `sending` for longer than the receipt window (72 hours)."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime, timedelta
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from tidings.domain.sweep import requeue_stuck, time_out_sending
from tidings.observability import logger
from tidings.wiring import deps


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    d = deps()
    now, settings = _scheduled_time(event) or d.clock.now(), d.settings
    swept = requeue_stuck(d.notifications, d.queue, now, timedelta(seconds=settings.sweep_after_seconds))
    timed_out = time_out_sending(d.notifications, now, timedelta(hours=settings.sending_timeout_hours))
    swept = replace(swept, timed_out=timed_out)
    logger.info("swept", extra=asdict(swept))
    return asdict(swept)


def _scheduled_time(event: dict[str, Any]) -> datetime | None:
    """The sweep runs as of the time EventBridge scheduled it (so a replayed event sweeps as of then)."""
    try:
        return datetime.fromisoformat(str(event["time"]).replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return None
