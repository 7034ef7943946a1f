"""boto3 clients, created lazily once per container (never at import, so tests can start moto first)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

CONNECT_SECONDS, READ_SECONDS = 2, 5


def _config(attempts: int) -> Config:
    """The clients' timeouts, with `attempts` tries of a call in all (botocore's first try included)."""
    return Config(
        connect_timeout=CONNECT_SECONDS,
        read_timeout=READ_SECONDS,
        retries={"mode": "standard", "total_max_attempts": attempts},
    )


_CONFIG = _config(3)
# A send is tried once: the dispatch queue retries it (after putting it back to `created`). botocore's own retries
# could take three timeouts, longer than dispatch's reserve, and a function stopped mid-batch strands what it
# claimed; a retried send that had in fact gone out is also a second message.
PROVIDER_CALL_SECONDS = CONNECT_SECONDS + READ_SECONDS  # one try at most: connecting, then reading the answer
PROVIDER_CONFIG = _config(1)


@cache
def dynamodb() -> DynamoDBClient:
    return boto3.client("dynamodb", config=_CONFIG)


@cache
def sqs() -> SQSClient:
    return boto3.client("sqs", config=_CONFIG)


@cache
def sesv2() -> SESV2Client:
    return boto3.client("sesv2", config=PROVIDER_CONFIG)


@cache
def sns() -> SNSClient:
    return boto3.client("sns", config=PROVIDER_CONFIG)


@cache
def events() -> EventBridgeClient:
    return boto3.client("events", config=_CONFIG)


@cache
def s3() -> S3Client:
    return boto3.client("s3", config=_CONFIG)


def reset_clients() -> None:
    """Forget cached clients (tests that start a fresh moto)."""
    for client in (dynamodb, sqs, sesv2, sns, events, s3):
        client.cache_clear()
