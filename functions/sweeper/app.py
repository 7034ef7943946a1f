"""Scheduled: re-enqueue notifications still `created` after a few minutes (their queue message was lost)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from tidings.domain.sweep import requeue_stuck
from tidings.observability import logger, tracer
from tidings.wiring import deps


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, int]:
    d = deps()
    swept = requeue_stuck(d.notifications, d.queue, d.clock.now(), timedelta(seconds=d.settings.sweep_after_seconds))
    logger.info("swept", extra=asdict(swept))
    return asdict(swept)
