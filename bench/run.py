"""`make bench`: run every benchmark once; write bench/results/latest.json and latest.md, each figure beside
its budget. `--check` (CI) runs the AWS-call counts only, quickly, and fails when one is over budget: counts
are deterministic, timings are not, so timings never fail CI."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import artifacts, aws_calls, cost, init_cost, local_load, warm_handler, warm_workers

RESULTS = Path(__file__).parent / "results"
ACCEPT_BUDGET, LIMIT_BUDGET, DELIVER_BUDGET = 3.0, 1.0, 1.3
INIT_RATIO_BUDGET, WARM_P50_BUDGET_MS, LAYER_BUDGET_MB, SES_SHARE_BUDGET = 1.5, 2.0, 15.0, 5.0
Row = tuple[str, float, str, bool, bool]  # what, measured, budget, within, enforced in CI
PER_SMS = "platform cost per 1,000 SMS, % of a typical UK SMS price (one part)"
ACCEPTED = (
    ("sms", "one SMS (/v2)"),
    ("email", "one short email (/v2)"),
    ("typical_email", "one typical email (/v2, 900 characters)"),
    ("v1", "one POST /v1/sms"),
)
EMAILS = (("email", "short email"), ("typical_email", "typical email (900 characters)"))
DELIVERED = (("sms", "SMS"), *EMAILS)


def call_rows(calls: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    for name, label in ACCEPTED:
        accept = calls[f"accept_{name}"]
        warm, limits = accept["warm_calls_per_notification"], accept["warm_limit_calls_per_notification"]
        rows += [
            (f"AWS calls to accept {label}, warm", warm, f"≤ {ACCEPT_BUDGET:g}", warm <= ACCEPT_BUDGET, True),
            (f"AWS calls to accept {label}, cold", accept["cold_calls"], "(reported)", True, False),
            (f"DynamoDB calls on limits, {label}", limits, f"{LIMIT_BUDGET:g}", limits <= LIMIT_BUDGET, True),
        ]
    for name, label in DELIVERED:
        deliver = calls[f"deliver_{name}"]["calls_per_notification"]
        rows.append(
            (
                f"AWS calls to deliver one {label}, dispatch batches of {cost.DISPATCH_BATCH},"
                f" receipts (batches of {cost.RECEIPTS_BATCH}) included",
                deliver,
                f"≤ {DELIVER_BUDGET}",
                deliver <= DELIVER_BUDGET,
                True,
            )
        )
    return rows


def init_rows(init: dict[str, Any]) -> list[Row]:
    """Median and worst API function, by CPU instructions (repeatable: these decide) and by wall clock."""
    api = {name: f for name, f in init["functions"].items() if f["api"]}
    rows: list[Row] = []
    for key, measure, baseline in (
        ("instructions_ratio", "CPU instructions", f"{init['baseline_instructions'] / 1e6:.0f} M"),
        ("ratio", f"wall clock, median of {init['runs']} paired rounds", f"{init['baseline_ms']:.0f} ms"),
    ):
        worst = max(api.items(), key=lambda item: item[1][key])
        median = statistics.median(f[key] for f in api.values())
        rows += [
            (
                f"init, API functions, median ratio to the boto3 baseline ({baseline}), {measure}",
                median,
                f"≤ {INIT_RATIO_BUDGET}",
                median <= INIT_RATIO_BUDGET,
                False,
            ),
            (
                f"init, worst API function ({worst[0]}), {measure}",
                worst[1][key],
                f"≤ {INIT_RATIO_BUDGET}",
                worst[1][key] <= INIT_RATIO_BUDGET,
                False,
            ),
        ]
    with_client = init["send_with_client_instructions_ratio"]
    label = f"init of {init_cost.SEND_FUNCTION} and its DynamoDB client (its first request makes it), CPU"
    rows.append(
        (f"{label} instructions, ratio to the baseline (which makes one)", with_client, "(reported)", True, False)
    )
    return rows


def other_rows(figures: dict[str, Any]) -> list[Row]:
    init, warm, sizes, load = (figures[k] for k in ("init", "warm_handler", "artifacts", "local_load"))
    return [
        *init_rows(init),
        (
            "warm POST /v2/notifications/sms, first request after init, ms (ports faked)",
            warm["first_ms"],
            "(reported)",
            True,
            False,
        ),
        (
            "warm POST /v2/notifications/sms, p50 ms (ports faked)",
            warm["p50_ms"],
            f"≤ {WARM_P50_BUDGET_MS}",
            warm["p50_ms"] <= WARM_P50_BUDGET_MS,
            False,
        ),
        ("warm POST /v2/notifications/sms, p99 ms", warm["p99_ms"], "(reported)", True, False),
        *worker_rows(figures["warm_workers"]),
        (
            "core layer, zipped MB",
            sizes["layer_mb"],
            f"≤ {LAYER_BUDGET_MB:g}",
            sizes["layer_mb"] <= LAYER_BUDGET_MB,
            False,
        ),
        ("letters layer (dispatch only), zipped MB", sizes["letters_layer_mb"], "(reported)", True, False),
        ("largest function, zipped MB", sizes["largest_function_mb"], "(reported)", True, False),
        ("tidings local: accepted per second", load["accepted_per_second"], "(trend)", True, False),
        ("tidings local: seconds until all final", load["seconds_until_all_final"], "(trend)", True, False),
        (
            "tidings local: lost / duplicates",
            load["lost"] + load["duplicates"],
            "0",
            load["lost"] + load["duplicates"] == 0,
            False,
        ),
    ]


def worker_rows(workers: dict[str, dict[str, float]]) -> list[Row]:
    """Our code's warm time in the dispatch and receipts functions, per notification, for each kind."""
    return [
        (
            f"warm {function}, p50 ms per {label} (ports faked, batches of {figures[f'{function}_batch_size']:g})",
            figures[f"{function}_ms_per_notification"],
            "(reported)",
            True,
            False,
        )
        for name, label in DELIVERED
        for figures in [workers[name]]
        for function in ("dispatch", "receipts")
    ]


def cost_rows(calls: dict[str, Any], money: dict[str, dict[str, float]]) -> list[Row]:
    """For each kind: its write units, and its platform cost against its provider's price (an email's against
    the budget); then, for the short email, what the budget leaves for writes."""
    rows: list[Row] = []
    for name, label in DELIVERED:
        units = calls[f"accept_{name}"]["warm_write_units"] + calls[f"deliver_{name}"]["write_units"]
        share = money[name]["share_of_provider_percent"]
        rows.append(
            (
                f"DynamoDB write units per {label}: accept, then delivery with its receipt",
                units,
                "(reported)",
                True,
                False,
            )
        )
        if name == "sms":  # the budget is for email; an SMS's is shown beside its own price
            rows.append((PER_SMS, share, "(reported)", True, False))
        else:
            rows.append(
                (
                    f"platform cost per 1,000 of this {label}, % of SES's price",
                    share,
                    f"≤ {SES_SHARE_BUDGET:g} %",
                    share <= SES_SHARE_BUDGET,
                    False,
                )
            )
    rows += [
        (
            "platform cost per 1,000 short emails without any DynamoDB write, % of SES's price",
            money["email"]["share_of_provider_without_writes_percent"],
            "(reported)",
            True,
            False,
        ),
        (
            "DynamoDB write units per email the cost budget leaves, once the rest is paid",
            money["email"]["write_units_the_budget_allows"],
            "(reported)",
            True,
            False,
        ),
    ]
    return rows


def report(figures: dict[str, Any], rows: list[Row]) -> str:
    lines = [
        "# Tidings benchmarks",
        "",
        f"One run of `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, on this project's 2-core machine; every figure is from this run.",
        "AWS call counts (botocore event hooks, moto behind them) are exact and CPU instruction counts (valgrind's"
        " callgrind) repeat to within 0.5 %; timings are medians, and move by ±30 % between runs on this shared machine.",
        "",
        "| what | measured | budget | within | enforced in CI |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {what} | {value:.3g} | {budget} | {'yes' if ok else '**no**'} | {'yes' if ci else 'no'} |"
        for what, value, budget, ok, ci in rows
    ]
    lines += ["", "## AWS calls by operation (per notification)", ""]
    for name, figure in figures["aws_calls"].items():
        detail: dict[str, float] = figure.get("warm_by_operation") or figure["by_operation"]
        lines.append(f"- **{name}**: " + ", ".join(f"{op} {n:.3g}" for op, n in detail.items()))
    if "init" in figures:
        lines += ["", "## Init per function (CPU instructions and wall-clock median; ratios to the baseline)", ""]
        for name, f in sorted(figures["init"]["functions"].items(), key=lambda item: -item[1]["instructions_ratio"]):
            lines.append(
                f"- {name}{' (API)' if f['api'] else ''}: {f['instructions'] / 1e6:.0f} M instructions, "
                f"{f['instructions_ratio']:.2f}×; {f['init_ms']:.0f} ms, {f['ratio']:.2f}×"
            )
        for name, label in DELIVERED:
            lines += ["", f"## Cost per 1,000 notifications (USD), {label}", ""]
            lines += [f"- {k}: {v:.5f}" for k, v in figures["cost_items"][name].items()]
            money = figures["cost"][name]
            provider = "a UK SMS, one part" if name == "sms" else "SES"
            lines.append(
                f"- **total: {money['platform_per_1000']:.4f}**, {money['share_of_provider_percent']:.3g} % of {provider} ({money['provider_per_1000']:.2f})"
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="AWS-call budgets only; non-zero when one is exceeded")
    args = parser.parse_args()
    figures: dict[str, Any] = {"aws_calls": aws_calls.measure(quick=args.check)}
    rows = call_rows(figures["aws_calls"])
    if args.check:
        over = [(what, value, budget) for what, value, budget, ok, ci in rows if ci and not ok]
        for what, value, budget in over:
            print(f"over budget: {what}: {value:.3g}, budget {budget}", file=sys.stderr)
        print(f"bench check: {sum(1 for r in rows if r[4]) - len(over)} passed, {len(over)} failed")
        return 1 if over else 0
    figures["init"] = init_cost.measure()
    figures["warm_handler"] = warm_handler.run()
    figures["warm_workers"] = warm_workers.run()
    figures["artifacts"] = artifacts.measure()
    figures["local_load"] = local_load.measure()
    calls = figures["aws_calls"]
    figures["cost_items"] = {
        name: cost.per_thousand(
            calls[f"accept_{name}"], calls[f"deliver_{name}"], figures["warm_handler"], figures["warm_workers"][name]
        )
        for name, _ in DELIVERED
    }
    figures["cost"] = {
        name: cost.summary(items, name, SES_SHARE_BUDGET) for name, items in figures["cost_items"].items()
    }
    rows += other_rows(figures) + cost_rows(calls, figures["cost"])
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(figures, indent=2) + "\n")
    (RESULTS / "latest.md").write_text(report(figures, rows))
    print(report(figures, rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
