"""Init cost of every function: imports plus module-scope setup, each in a fresh interpreter (median of
several runs), beside a baseline handler that only imports boto3 and creates one client."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

from tidings_local.sam_template import SamTemplate
from tidings_local.stack import TEMPLATE

PROBE = """
import importlib.util, sys, time
start = time.perf_counter()
if sys.argv[1] == "baseline":
    import boto3
    boto3.client("dynamodb", region_name="eu-west-2")
else:
    spec = importlib.util.spec_from_file_location("app", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
print((time.perf_counter() - start) * 1000)
"""
ENV = {**os.environ, "AWS_DEFAULT_REGION": "eu-west-2", "POWERTOOLS_TRACE_DISABLED": "true"}


def init_ms(target: str, runs: int) -> float:
    samples = [
        float(
            subprocess.run(
                [sys.executable, "-c", PROBE, target], capture_output=True, text=True, env=ENV, check=True
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(samples)


def measure(runs: int = 5) -> dict[str, object]:
    template = SamTemplate.load(TEMPLATE)
    baseline = init_ms("baseline", runs)
    functions = {}
    for spec in template.functions:
        ms = init_ms(str(Path(spec.code_dir) / "app.py"), runs)
        functions[spec.logical_id] = {"init_ms": ms, "ratio": ms / baseline, "api": bool(spec.routes)}
    return {"baseline_ms": baseline, "runs": runs, "functions": functions}
