"""Platform cost per 1,000 notifications, from the measured AWS calls, handler time and log bytes and the
price table beside this file. Compared with SES's price per email and a typical UK SMS price."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PRICES = json.loads((Path(__file__).parent / "prices.json").read_text())


def per_thousand(accept: dict[str, Any], deliver: dict[str, Any], warm: dict[str, Any]) -> dict[str, float]:
    p = PRICES
    gb = p["lambda_memory_mb"] / 1024
    accept_ops = accept["warm_by_operation"]
    write_units = accept["warm_write_units"] + deliver["write_units"]  # item sizes, indexes, transactions
    reads = accept["warm_read_items"] + deliver["read_items"]
    sqs = sum(n for op, n in accept_ops.items() if op.startswith("SendMessage")) + 2 / 10  # + batched receive/delete
    lines = {
        "API Gateway (HTTP API)": p["api_gateway_http_per_request"],
        "Lambda requests (accept, deliver/10, receipt/25)": p["lambda_per_request"] * (1 + 1 / 10 + 1 / 25),
        "Lambda compute": gb
        / 1000
        * (warm["p50_ms"] + p["assumed_deliver_ms"] + p["assumed_receipt_ms"])
        * p["lambda_arm64_per_gb_second"],
        "DynamoDB writes": write_units * p["dynamodb_per_write_request_unit"],
        "DynamoDB reads": reads * p["dynamodb_per_read_request_unit"],
        "SQS": sqs * p["sqs_per_request"],
        "Receipt (SNS publish, SQS)": p["sns_per_publish"] + (1 + 2 / 25) * p["sqs_per_request"],
        # One structured line per accepted request, per dispatch batch and per receipts batch, of about the size
        # the warm handler's lines measure.
        # Lambda adds its own start and report lines to every invocation.
        "CloudWatch Logs": (warm["log_bytes_per_request"] + p["assumed_platform_log_bytes_per_invocation"])
        * (1 + 1 / 10 + 1 / 25)
        / 1e9
        * p["cloudwatch_logs_per_gb"],
    }
    return {name: cost * 1000 for name, cost in lines.items()}


def summary(items: dict[str, float]) -> dict[str, float]:
    total = sum(items.values())
    return {
        "platform_per_1000": total,
        "ses_per_1000": PRICES["ses_per_email"] * 1000,
        "share_of_ses_percent": 100 * total / (PRICES["ses_per_email"] * 1000),
        "share_of_uk_sms_percent": 100 * total / (PRICES["sms_uk_per_part_typical"] * 1000),
    }
