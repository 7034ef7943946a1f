"""The only place Logger, Tracer and Metrics are created. Never log numbers, addresses, bodies or secrets."""

from __future__ import annotations

from functools import cache

from aws_lambda_powertools import Logger, Tracer

logger = Logger()


@cache
def tracer() -> Tracer:
    """X-Ray subsegments around AWS calls, for the queue consumers.

    Creating a Tracer imports the X-Ray SDK (about 0.3 s of cold start), so the API functions never ask for
    one: Lambda's active tracing still records their invocations.
    """
    return Tracer()
