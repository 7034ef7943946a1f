"""Init cost of every function: imports plus module-scope setup, each in a fresh interpreter (median of
several runs), beside a baseline handler that only imports boto3 and creates one client.

Both run in a venv holding exactly what Lambda would: the core layer's requirements and the runtime's boto3
(the development venv has test tools whose packages botocore and PyJWT would import when present)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import boto3

from tidings_local.sam_template import SamTemplate
from tidings_local.stack import REPO_ROOT, TEMPLATE

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
LAYER_VENV = Path(tempfile.gettempdir()) / "tidings-init-venv"
ENV = {
    **os.environ,
    "AWS_DEFAULT_REGION": "eu-west-2",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "PYTHONPATH": str(REPO_ROOT / "layers" / "core"),  # the layer's own package, as /opt/python holds it
}


def init_ms(target: str, runs: int, python: Path) -> float:
    samples = [
        float(
            subprocess.run(
                [str(python), "-c", PROBE, target], capture_output=True, text=True, env=ENV, check=True
            ).stdout
        )
        for _ in range(runs)
    ]
    return statistics.median(samples)


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


def measure(runs: int = 5) -> dict[str, object]:
    template, python = SamTemplate.load(TEMPLATE), lambda_like_python()
    baseline = init_ms("baseline", runs, python)
    functions = {}
    for spec in template.functions:
        ms = init_ms(str(Path(spec.code_dir) / "app.py"), runs, python)
        functions[spec.logical_id] = {"init_ms": ms, "ratio": ms / baseline, "api": bool(spec.routes)}
    return {"baseline_ms": baseline, "runs": runs, "functions": functions}
