"""The only place Logger, Tracer and Metrics are created. Never log numbers, addresses, bodies or secrets."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
