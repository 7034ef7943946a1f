"""Init cost of every function: imports plus module-scope setup, each in a fresh interpreter, beside a
baseline handler that only imports boto3 and creates one client.

Two measures. Wall-clock time: in each of several rounds every function (in a shuffled order) is sampled
right after a sample of the baseline, and its ratio is the median of those pairs' ratios. And CPU
instructions counted by valgrind's callgrind, less the interpreter's own start-up: the same count on every
run, where timings on this shared machine move by ±30 % between runs (but callgrind does not see the time
spent in system calls, such as the file lookups of each import).

Both run in a venv holding exactly what Lambda would: the core layer's requirements and the runtime's boto3
(the development venv has test tools whose packages botocore and PyJWT would import when present), with the
tidings package as the layer's build leaves it (compiled to bytecode, by the layer's own Makefile target),
each function's own module as Lambda finds it (source only) and the plain variables the template sets."""

from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import boto3

from tidings_local.sam_template import SamTemplate
from tidings_local.stack import REPO_ROOT, TEMPLATE

PROBE = """
import importlib.util, sys, time
start = time.perf_counter()
if sys.argv[1] == "baseline":
    import boto3
    boto3.client("dynamodb", region_name="eu-west-2")
elif sys.argv[1] != "empty":
    spec = importlib.util.spec_from_file_location("app", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if sys.argv[2:] == ["client"]:  # what its first request adds: the DynamoDB client, which adapters make lazily
        from tidings.adapters import aws
        aws.dynamodb()
print((time.perf_counter() - start) * 1000)
"""
LAYER_VENV = Path(tempfile.gettempdir()) / "tidings-init-venv"
LAYER_BUILD = Path(tempfile.gettempdir()) / "tidings-init-layer"
ENV = {
    **os.environ,
    "AWS_DEFAULT_REGION": "eu-west-2",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "PYTHONPATH": str(LAYER_BUILD / "python"),  # the layer's own package, as /opt/python holds it
    "PYTHONHASHSEED": "0",  # one order of every set and dict of strings: the same instructions each run
}
COLLECTED = re.compile(r"Collected : (\d+)")
SEND_FUNCTION = "V2SendNotificationFunction"  # the hot path's init, measured also with its first client
Target = tuple[str, dict[str, str]]  # what the probe loads, and the function's variables


def _probe(target: Target, python: Path, *wrapper: str, client: bool = False) -> subprocess.CompletedProcess[str]:
    """The probe in a fresh interpreter with the function's variables, under `wrapper` (valgrind) if given;
    with `client`, the function's DynamoDB client made too."""
    command = [*wrapper, str(python), "-c", PROBE, target[0], *(["client"] if client else [])]
    return subprocess.run(command, capture_output=True, text=True, env={**ENV, **target[1]}, check=True)


def init_ms(target: Target, python: Path) -> float:
    return float(_probe(target, python).stdout)


def instructions(target: Target, python: Path, client: bool = False) -> int:
    run = _probe(target, python, "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", client=client)
    found = COLLECTED.search(run.stderr)
    if found is None:
        raise RuntimeError(f"callgrind counted nothing for {target[0]}:\n{run.stderr[-2000:]}")
    return int(found.group(1))


def literal_environment(environment: dict[str, Any]) -> dict[str, str]:
    """The variables the template gives a function as plain values (the settings that change how its
    libraries start, such as PYDANTIC_DISABLE_PLUGINS); references to resources are left out."""
    return {name: str(value) for name, value in environment.items() if isinstance(value, str | int | float)}


def lambda_like_python() -> Path:
    """A venv with the layer's requirements and boto3 only, made once and reused while they stay the same."""
    wanted = (REPO_ROOT / "layers" / "core" / "requirements.txt").read_text() + f"boto3=={boto3.__version__}\n"
    python, stamp = LAYER_VENV / "bin" / "python", LAYER_VENV / "requirements.txt"
    if not python.exists() or not stamp.exists() or stamp.read_text() != wanted:
        subprocess.run([sys.executable, "-m", "venv", "--clear", "--without-pip", str(LAYER_VENV)], check=True)
        installed = subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "-r", "/dev/stdin"],
            input=wanted,
            text=True,
            capture_output=True,  # pip's index warnings are noise here; its errors are not
            check=False,
        )
        if installed.returncode:
            raise RuntimeError(f"could not make the Lambda-like venv:\n{installed.stderr}")
        stamp.write_text(wanted)
    return python


def built_package(python: Path) -> None:
    """The tidings package as `sam build` puts it in the layer (layers/core/Makefile's `package` target)."""
    subprocess.run(
        ["make", "--silent", "-C", str(REPO_ROOT / "layers" / "core"), "package"],
        env={**os.environ, "ARTIFACTS_DIR": str(LAYER_BUILD), "PYTHON": str(python)},
        check=True,
    )


def measure(runs: int = 9) -> dict[str, object]:
    template, python = SamTemplate.load(TEMPLATE), lambda_like_python()
    built_package(python)
    targets: dict[str, Target] = {"baseline": ("baseline", {})} | {
        spec.logical_id: (str(Path(spec.code_dir) / "app.py"), literal_environment(spec.environment))
        for spec in template.functions
    }
    functions_ms: dict[str, list[float]] = {name: [] for name in targets if name != "baseline"}
    baseline_ms_samples: list[float] = []
    ratios: dict[str, list[float]] = {name: [] for name in functions_ms}
    order = random.Random(8)  # a fixed seed: the same orders every run
    for _ in range(runs):
        for name in order.sample(list(functions_ms), len(functions_ms)):
            # Each function right after a baseline sample: a slow spell on this shared machine lasts seconds,
            # so it falls on both halves of a pair, and the pair's ratio keeps what the function adds.
            baseline = init_ms(targets["baseline"], python)
            sample = init_ms(targets[name], python)
            baseline_ms_samples.append(baseline)
            functions_ms[name].append(sample)
            ratios[name].append(sample / baseline)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # counts do not depend on the load
        counted = dict(zip(targets, pool.map(lambda t: instructions(t, python), targets.values()), strict=True))
        start_up = instructions(("empty", {}), python)
        # Like for like: the baseline makes a client at init, the API functions on their first request.
        with_client = instructions(targets[SEND_FUNCTION], python, client=True) - start_up
    counts = {name: n - start_up for name, n in counted.items()}
    baseline_ms, baseline_instructions = statistics.median(baseline_ms_samples), counts.pop("baseline")
    routed = {spec.logical_id for spec in template.functions if spec.routes}
    functions = {
        name: {
            "init_ms": statistics.median(values),
            "ratio": statistics.median(ratios[name]),  # of the pairs
            "instructions": counts[name],
            "instructions_ratio": counts[name] / baseline_instructions,
            "api": name in routed,
        }
        for name, values in functions_ms.items()
    }
    return {
        "baseline_ms": baseline_ms,
        "baseline_instructions": baseline_instructions,
        "send_with_client_instructions_ratio": with_client / baseline_instructions,
        "runs": runs,
        "functions": functions,
    }
