"""Platform cost per 1,000 notifications, from the measured AWS calls, each function's warm time and log bytes,
the template's logging and tracing settings, and the price table beside this file. An email's is compared with
SES's price per email, an SMS's with a typical UK SMS price (one part)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tidings_local.sam_template import SamTemplate
from tidings_local.stack import TEMPLATE

PRICES = json.loads((Path(__file__).parent / "prices.json").read_text())
STACK = SamTemplate.load(TEMPLATE)  # read once: batch sizes, logging and tracing settings


def batch_size(function: str) -> int:
    """The batch size the template gives `function`'s first queue or, without one, its first stream."""
    spec = next(f for f in STACK.functions if f.logical_id == function)
    return spec.queues[0].batch_size if spec.queues else spec.streams[0].batch_size


DISPATCH_BATCH, RECEIPTS_BATCH = batch_size("DispatchFunction"), batch_size("ReceiptsFunction")
CHANGES_BATCH = batch_size("ChangeEventsFunction")  # the final status each notification reaches, from the stream
# An accept, and a share of a dispatch batch, a receipts batch and a batch of the stream's status changes
INVOCATIONS = 1 + 1 / DISPATCH_BATCH + 1 / RECEIPTS_BATCH + 1 / CHANGES_BATCH
PROVIDER_CALLS = ("SendEmail", "Publish")  # SES's and SNS's sends: slower to answer than DynamoDB or SQS


def platform_log_bytes(template: SamTemplate) -> float:
    """Lambda's own START and REPORT lines, unless the system log level (WARN) keeps them out."""
    level = template.function_globals.get("LoggingConfig", {}).get("SystemLogLevel", "INFO")
    if isinstance(level, dict):  # a parameter: its default, as deployed without overrides
        level = template.parameters[level["Ref"]]["Default"]
    return 0.0 if level == "WARN" else float(PRICES["assumed_platform_log_bytes_per_invocation"])


def access_log_bytes(template: SamTemplate) -> float:
    """One API access line: the template's format with each `$context` value replaced by a typical one."""
    (api,) = template.of_type("AWS::Serverless::HttpApi").values()
    line: str = api["AccessLogSettings"]["Format"]
    typical: dict[str, str] = PRICES["typical_access_log_values"]
    return float(len(re.sub(r'"(\w+)":"\$context[\w.]+"', lambda m: f'"{m[1]}":"{typical[m[1]]}"', line)))


def traced_invocations(template: SamTemplate) -> float:
    """X-Ray records a trace for the sampled share of each traced function's invocations."""
    return INVOCATIONS * PRICES["xray_sampled_share"] if template.function_globals.get("Tracing") == "Active" else 0.0


def billed_ms(accept: dict[str, Any], deliver: dict[str, Any], warm: dict[str, Any], workers: dict[str, Any]) -> float:
    """Lambda time per notification: our code's warm time in each function (the accept, and its share of a
    dispatch and of a receipts batch), the wait on each of their AWS calls, which Lambda bills too, and half a
    millisecond per invocation for Lambda's rounding up to the millisecond."""
    p = PRICES
    provider = sum(n for op, n in deliver["by_operation"].items() if op.startswith(PROVIDER_CALLS))
    calls = accept["warm_calls_per_notification"] + deliver["calls_per_notification"] - provider
    code = warm["p50_ms"] + workers["dispatch_ms_per_notification"] + workers["receipts_ms_per_notification"]
    waits = calls * p["assumed_aws_call_ms"] + provider * p["assumed_provider_call_ms"]
    return float(code + waits + INVOCATIONS / 2)


def receipt_line(workers: dict[str, Any]) -> tuple[str, float]:
    """How a receipt reaches the receipts function, and its cost: SES's event is an SNS publish to a queue (one
    send, and a share of a batch's receive and delete); SNS's SMS status is a line in a log group, which
    CloudWatch Logs bills by the byte and its subscription hands over without a charge of its own."""
    p = PRICES
    if "delivery_log_bytes_per_notification" in workers:
        line = workers["delivery_log_bytes_per_notification"] / 1e9 * p["cloudwatch_logs_per_gb"]
        return "Receipt (SNS's delivery-status line, CloudWatch Logs)", line
    return "Receipt (SNS publish, SQS)", p["sns_per_publish"] + (1 + 2 / RECEIPTS_BATCH) * p["sqs_per_request"]


def per_thousand(
    accept: dict[str, Any], deliver: dict[str, Any], warm: dict[str, Any], workers: dict[str, Any]
) -> dict[str, float]:
    p, template = PRICES, STACK
    gb = p["lambda_memory_mb"] / 1024
    accept_ops = accept["warm_by_operation"]
    write_units = accept["warm_write_units"] + deliver["write_units"]  # item sizes, indexes, transactions
    reads = accept["warm_read_items"] + deliver["read_items"]
    sqs = (
        sum(n for op, n in accept_ops.items() if op.startswith("SendMessage")) + 2 / DISPATCH_BATCH
    )  # + batched receive/delete
    # What each function logs per notification, as measured, and Lambda's own lines if they are let through.
    logged = warm["log_bytes_per_request"] + workers["dispatch_log_bytes_per_notification"]
    function_log_bytes = (
        logged + workers["receipts_log_bytes_per_notification"] + platform_log_bytes(template) * INVOCATIONS
    )
    receipt, receipt_cost = receipt_line(workers)
    lines = {
        "API Gateway (HTTP API)": p["api_gateway_http_per_request"],
        f"Lambda requests (accept, deliver/{DISPATCH_BATCH}, receipt/{RECEIPTS_BATCH}, status/{CHANGES_BATCH})": p[
            "lambda_per_request"
        ]
        * INVOCATIONS,
        "Lambda compute": gb * billed_ms(accept, deliver, warm, workers) / 1000 * p["lambda_arm64_per_gb_second"],
        "DynamoDB writes": write_units * p["dynamodb_per_write_request_unit"],
        "DynamoDB reads": reads * p["dynamodb_per_read_request_unit"],
        "SQS": sqs * p["sqs_per_request"],
        receipt: receipt_cost,
        "CloudWatch Logs (functions)": function_log_bytes / 1e9 * p["cloudwatch_logs_per_gb"],
        "CloudWatch Logs (API access lines)": access_log_bytes(template) / 1e9 * p["cloudwatch_logs_per_gb"],
        "X-Ray traces (default sampling)": traced_invocations(template) * p["xray_per_trace_recorded"],
    }
    return {name: cost * 1000 for name, cost in lines.items()}


def summary(items: dict[str, float], channel: str, budget_percent: float) -> dict[str, float]:
    """The total against the provider's price (SES's for an email, a UK SMS part's for an SMS), and what is left
    of the budget for DynamoDB writes once everything else is paid: the write units per notification the budget
    allows (negative when the rest alone exceeds it)."""
    total = sum(items.values())
    provider = PRICES["sms_uk_per_part_typical" if channel == "sms" else "ses_per_email"] * 1000
    without_writes = total - items["DynamoDB writes"]
    return {
        "platform_per_1000": total,
        "provider_per_1000": provider,
        "share_of_provider_percent": 100 * total / provider,
        "share_of_provider_without_writes_percent": 100 * without_writes / provider,
        "write_units_the_budget_allows": (budget_percent / 100 * provider - without_writes)
        / (PRICES["dynamodb_per_write_request_unit"] * 1000),
    }
