"""Each layer pins its whole dependency tree to the versions the tests run with: a dependency left unpinned is
resolved by `sam build` to its newest release, which ships to Lambda without any test having seen it."""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
LAYERS = sorted((REPO / "layers").glob("*/requirements.txt"))


def _name(raw: str) -> str:
    return re.sub(r"[-_.]+", "-", raw).lower()  # PEP 503


def pins(path: Path) -> dict[str, str]:
    """`name==version` lines, by normalised name (comments and `-r` lines skipped)."""
    found = {}
    for line in path.read_text().splitlines():
        text = line.split("#", 1)[0].strip()
        if text and not text.startswith("-"):
            name, version = text.split("==")
            found[_name(name)] = version.strip()
    return found


def dependency_tree(names: list[str]) -> set[str]:
    """The names `names` need, theirs included, as installed here (extras left out: the layers ask for none)."""
    tree: set[str] = set()
    pending = list(names)
    while pending:
        name = _name(pending.pop())
        if name in tree:
            continue
        tree.add(name)
        for raw in distribution(name).requires or []:
            requirement = Requirement(raw)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return tree


def test_there_are_layers_to_check() -> None:
    assert {path.parent.name for path in LAYERS} == {"core", "letters"}


@pytest.mark.parametrize("requirements", LAYERS, ids=lambda path: path.parent.name)
def test_a_layer_pins_its_whole_tree_to_the_tested_versions(requirements: Path) -> None:
    layer, tested = pins(requirements), pins(REPO / "requirements" / "dev.txt")
    assert {name: tested.get(name) for name in layer} == layer  # what ships is what the tests import
    assert dependency_tree(list(layer)) == set(layer)  # and nothing it needs is left to float


def test_the_tree_walk_finds_what_a_package_needs() -> None:
    """The check above can fail: pydantic alone needs its core, annotated-types and typing-extensions."""
    assert {"pydantic-core", "annotated-types", "typing-extensions"} <= dependency_tree(["pydantic"])
    with pytest.raises(PackageNotFoundError):
        dependency_tree(["no-such-package-here"])
