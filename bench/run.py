"""`make bench`: run the benchmarks, write bench/results/latest.json and latest.md with budgets beside figures.

`--check` (CI) runs a quick version and fails when a deterministic budget (AWS calls) is exceeded;
timings never fail CI.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.aws_calls import measure

RESULTS = Path(__file__).parent / "results"
ACCEPT_BUDGET, LIMIT_BUDGET, DELIVER_BUDGET = 3.0, 1.0, 1.3


def budgets(figures: dict[str, dict[str, Any]]) -> list[tuple[str, float, float, bool]]:
    """(what, measured, budget, enforced in CI)."""
    rows: list[tuple[str, float, float, bool]] = []
    v1 = figures["accept_v1"]
    rows += [
        ("AWS calls to accept one POST /v1/sms, warm", v1["warm_calls_per_notification"], ACCEPT_BUDGET, True),
        (
            "DynamoDB calls on limits per POST /v1/sms (send and per-IP limits)",
            v1["warm_limit_calls_per_notification"],
            LIMIT_BUDGET,
            True,
        ),
    ]
    for channel in ("sms", "email"):
        accept, deliver = figures[f"accept_{channel}"], figures[f"deliver_{channel}"]
        rows += [
            (f"AWS calls to accept one {channel}, warm", accept["warm_calls_per_notification"], ACCEPT_BUDGET, True),
            (
                f"DynamoDB calls on limits per accepted {channel}",
                accept["warm_limit_calls_per_notification"],
                LIMIT_BUDGET,
                True,
            ),
            (
                f"AWS calls to deliver one {channel} (batches of 10)",
                deliver["calls_per_notification"],
                DELIVER_BUDGET,
                False,
            ),
        ]
    return rows


def report(figures: dict[str, dict[str, Any]], rows: list[tuple[str, float, float, bool]]) -> str:
    lines = [
        "# Tidings benchmarks",
        "",
        f"One run of `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. AWS call counts are exact (botocore event hooks,",
        "moto behind them) and deterministic; every figure is from this one run.",
        "",
        "| what | measured | budget | within | enforced in CI |",
        "|---|---|---|---|---|",
    ]
    for what, measured, budget, enforced in rows:
        lines.append(
            f"| {what} | {measured:.3g} | ≤ {budget} | {'yes' if measured <= budget else '**no**'} | {'yes' if enforced else 'not yet'} |"
        )
    lines += ["", "## By operation", ""]
    for name, figure in figures.items():
        detail: dict[str, float] = figure.get("warm_by_operation") or figure["by_operation"]
        cold = f" (cold: {figure['cold_calls']} calls)" if "cold_calls" in figure else ""
        lines.append(f"- **{name}**{cold}: " + ", ".join(f"{op} {n:.3g}" for op, n in detail.items()))
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="quick run; fail if an enforced budget is exceeded")
    args = parser.parse_args()
    figures = measure(quick=args.check)
    rows = budgets(figures)
    if args.check:
        over = [(what, measured, budget) for what, measured, budget, enforced in rows if enforced and measured > budget]
        for what, measured, budget in over:
            print(f"over budget: {what}: {measured:.3g} > {budget}", file=sys.stderr)
        print(f"bench check: {len(rows) - len(over)} passed, {len(over)} failed")
        return 1 if over else 0
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(figures, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(report(figures, rows))
    print(report(figures, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
