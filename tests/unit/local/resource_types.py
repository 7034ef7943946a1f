"""Picking a template's resources by CloudFormation type, for the tests that check every resource of a kind."""

from __future__ import annotations

from typing import Any


def of_type(resources: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    """Each resource of `kind` by its logical id, as its Properties (empty when it declares none)."""
    return {name: r.get("Properties", {}) for name, r in resources.items() if r["Type"] == kind}
