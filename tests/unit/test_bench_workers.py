"""The dispatch and receipts benchmark (bench/warm_workers.py) drives both functions end to end on fakes: every
email it accepts is sent once and delivered, or it fails, and what it reports is what the cost model reads."""

from __future__ import annotations

from bench import cost, warm_workers


def test_every_email_is_sent_once_and_delivered_and_each_function_is_weighed() -> None:
    figures = warm_workers.run(batches=1)  # a child process, as `make bench` runs it; it asserts the deliveries
    assert figures.keys() == {"email", "typical_email"}
    for email in figures.values():
        assert (email["dispatch_batch_size"], email["receipts_batch_size"]) == (10, 25)  # the template's
        assert email["dispatch_ms_per_email"] > 0 and email["receipts_ms_per_email"] > 0
        assert email["dispatch_log_bytes_per_email"] > 0 and email["receipts_log_bytes_per_email"] > 0


def test_the_cost_model_bills_each_function_its_code_and_the_wait_on_its_calls() -> None:
    accept = {"warm_calls_per_notification": 3.0}
    deliver = {"calls_per_notification": 1.18, "by_operation": {"SendEmail": 1.0, "TransactWriteItems": 0.14}}
    warm = {"p50_ms": 0.4}
    workers = {"dispatch_ms_per_email": 0.1, "receipts_ms_per_email": 0.05}
    prices = cost.PRICES
    expected = (
        0.4 + 0.1 + 0.05
        + (3.0 + 0.18) * prices["assumed_aws_call_ms"]
        + 1.0 * prices["assumed_provider_call_ms"]
        + cost.INVOCATIONS / 2
    )  # fmt: skip
    assert abs(cost.billed_ms(accept, deliver, warm, workers) - expected) < 1e-9
