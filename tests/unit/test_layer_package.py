"""The core layer ships the tidings package compiled: Lambda's /opt is read-only, so a module without its
.pyc would be compiled again at every cold start. layers/core/Makefile's `package` target (what `sam build`
runs, and what bench/init_cost.py measures) must leave a bytecode file beside every module, one the runtime
uses without checking the source's timestamp (zip deployments do not keep them)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
UNCHECKED_HASH = 0b01  # PEP 552: hash-based, and the source is not checked


def test_every_module_of_the_layer_package_has_bytecode_the_runtime_trusts(tmp_path: Path) -> None:
    subprocess.run(  # noqa: S603 (a fixed command)
        ["make", "--silent", "-C", str(REPO / "layers" / "core"), "package"],  # noqa: S607 (make from PATH, as the Makefile has it)
        env={"PATH": "/usr/bin:/bin", "ARTIFACTS_DIR": str(tmp_path), "PYTHON": sys.executable},
        check=True,
    )
    package = tmp_path / "python" / "tidings"
    sources = sorted(package.rglob("*.py"))
    assert len(sources) == len(list((REPO / "layers" / "core" / "tidings").rglob("*.py")))
    for source in sources:
        compiled = Path(importlib.util.cache_from_source(str(source)))
        header = compiled.read_bytes()[:8]
        assert header[:4] == importlib.util.MAGIC_NUMBER, source  # this Python's bytecode, as Lambda's 3.11
        assert int.from_bytes(header[4:8], "little") == UNCHECKED_HASH, source
