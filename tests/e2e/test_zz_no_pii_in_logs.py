"""Runs last (by name): the structured logs of the whole e2e run (every stack it started, the fuzzer's too)
hold no number, address, body or secret."""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.conftest import STARTED, RunningStack, Seed

pytestmark = pytest.mark.e2e
PII = [
    re.compile(r"7700\s?900\s?\d{3}"),  # every test number, in any of its forms
    re.compile(r"\+?421902739429"),
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # any email address
    re.compile(r"Hello (Jo|Outbox|\d)|Dear (Jo|Amala)|\[click\]"),  # message bodies
    re.compile(r"Bearer\s+\S+"),
]


def test_the_logs_of_the_whole_run_hold_no_pii_or_secrets(local_stack: RunningStack, seed: Seed) -> None:
    assert local_stack in STARTED
    records = [line for stack in STARTED for line in stack.output.read_text().splitlines() if line.startswith('{"')]
    assert len(records) > 100  # the other e2e tests ran first and logged
    demo_keys = [key[-36:] for stack in STARTED for key in stack.demo["keys"].values()]
    secrets = [seed.live[-36:], seed.team[-36:], seed.test[-36:], local_stack.admin_secret, *demo_keys]
    for record in records:
        json.loads(record)  # every log line is structured
        assert not any(secret in record for secret in secrets), record[:200]
        for pattern in PII:
            assert not pattern.search(record), (pattern.pattern, record[:300])
