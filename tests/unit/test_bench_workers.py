"""The dispatch and receipts benchmark (bench/warm_workers.py) drives both functions end to end on fakes: every
email it accepts is sent once and delivered, or it fails, and what it reports is what the cost model reads."""

from __future__ import annotations

from bench import cost, warm_workers


def test_every_notification_is_sent_once_and_delivered_and_each_function_is_weighed() -> None:
    figures = warm_workers.run(batches=1)  # a child process, as `make bench` runs it; it asserts the deliveries
    assert figures.keys() == {"sms", "email", "typical_email"}
    for kind in figures.values():
        assert (kind["dispatch_batch_size"], kind["receipts_batch_size"]) == (10, 25)  # the template's
        assert kind["dispatch_ms_per_notification"] > 0 and kind["receipts_ms_per_notification"] > 0
        assert kind["dispatch_log_bytes_per_notification"] > 0 and kind["receipts_log_bytes_per_notification"] > 0
    assert 300 < figures["sms"]["delivery_log_bytes_per_notification"] < 500  # SNS's line, which CloudWatch bills


def test_a_receipt_costs_what_its_path_does() -> None:
    """An email's comes by SNS and SQS; an SMS's is a line in SNS's delivery-status log group."""
    p = cost.PRICES
    email = {"dispatch_ms_per_notification": 0.1}
    assert cost.receipt_line(email)[1] == p["sns_per_publish"] + (1 + 2 / cost.RECEIPTS_BATCH) * p["sqs_per_request"]
    sms = {"delivery_log_bytes_per_notification": 400.0}
    assert cost.receipt_line(sms) == (
        "Receipt (SNS's delivery-status line, CloudWatch Logs)",
        400 / 1e9 * p["cloudwatch_logs_per_gb"],
    )


def test_the_cost_model_bills_each_function_its_code_and_the_wait_on_its_calls() -> None:
    accept = {"warm_calls_per_notification": 3.0}
    deliver = {"calls_per_notification": 1.18, "by_operation": {"SendEmail": 1.0, "TransactWriteItems": 0.14}}
    warm = {"p50_ms": 0.4}
    workers = {"dispatch_ms_per_notification": 0.1, "receipts_ms_per_notification": 0.05}
    prices = cost.PRICES
    expected = (
        0.4 + 0.1 + 0.05
        + (3.0 + 0.18) * prices["assumed_aws_call_ms"]
        + 1.0 * prices["assumed_provider_call_ms"]
        + cost.INVOCATIONS / 2
    )  # fmt: skip
    assert abs(cost.billed_ms(accept, deliver, warm, workers) - expected) < 1e-9
