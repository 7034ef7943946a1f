"""Artifact sizes: `sam build` (no Docker, arm64 wheels), then the two layers and each function, zipped."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from tidings_local.stack import REPO_ROOT

SAM = Path(sys.executable).parent / "sam"


def zipped_mb(folder: Path) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / "a.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(folder))
        return target.stat().st_size / 1e6


def measure() -> dict[str, object]:
    build = Path(tempfile.mkdtemp(prefix="tidings-build-"))
    env = {**os.environ, "PATH": f"{SAM.parent}:{os.environ['PATH']}", "SAM_CLI_TELEMETRY": "0"}
    built = subprocess.run(
        [str(SAM), "build", "--build-dir", str(build)],
        check=False,  # checked below, with the output
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:  # say why: the output is kept quiet only while the build works
        raise RuntimeError(f"sam build failed ({built.returncode}):\n{(built.stdout + built.stderr)[-4000:]}")
    sizes = {folder.name: zipped_mb(folder) for folder in sorted(build.iterdir()) if folder.is_dir()}
    layer, letters = sizes.pop("CoreLayer"), sizes.pop("LettersLayer")
    return {
        "layer_mb": layer,
        "letters_layer_mb": letters,  # only the dispatch function carries it
        "largest_function_mb": max(sizes.values()),
        "functions_mb": sizes,
    }
