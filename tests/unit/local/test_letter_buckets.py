"""The letter buckets: expiring with the notifications, and reachable only by the functions
that need them (send: put precompiled PDFs; dispatch: read/write/delete PDFs, drop to the printer; GET …/pdf: read)."""

from __future__ import annotations

from typing import Any

import pytest

from tidings.domain.models import Retention

BUCKETS = ("LettersBucket", "PrintBucket")
EXPECTED_GRANTS = {
    "LettersBucket": {
        "V2SendNotificationFunctionRole": {"s3:PutObject"},
        # and list: S3 tells a role that cannot list the bucket that a PDF not yet rendered (or gone) is forbidden,
        # not missing
        "DispatchFunctionRole": {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"},
        "V2GetLetterPdfFunctionRole": {"s3:GetObject", "s3:ListBucket"},
    },
    "PrintBucket": {"DispatchFunctionRole": {"s3:PutObject"}},
}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _grants(resources: dict[str, Any], bucket: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name, role in resources.items():
        if role["Type"] != "AWS::IAM::Role":
            continue
        for policy in role["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                if any(bucket in str(resource) for resource in _listed(statement.get("Resource", []))):
                    found.setdefault(name, set()).update(_listed(statement["Action"]))
    return found


@pytest.mark.parametrize("bucket", BUCKETS)
def test_only_the_functions_that_need_a_letter_bucket_reach_it(resources: dict[str, Any], bucket: str) -> None:
    assert _grants(resources, bucket) == EXPECTED_GRANTS[bucket]


@pytest.mark.parametrize("bucket", BUCKETS)
def test_letter_buckets_expire_with_retention(template: dict[str, Any], bucket: str) -> None:
    props = template["Resources"][bucket]["Properties"]  # private and encrypted: test_buckets_private.py
    rules = {r["Prefix"]: r["ExpirationInDays"] for r in props["LifecycleConfiguration"]["Rules"]}
    bounds = {type(m).__name__: m for m in Retention.model_fields["letter"].metadata}
    allowed = range(bounds["Ge"].ge, bounds["Le"].le + 1)  # every retention a service may choose
    assert rules == {f"{days}d/": days for days in allowed}


def test_only_the_dispatch_function_carries_the_letters_layer(template: dict[str, Any]) -> None:
    with_layer = {
        name
        for name, r in template["Resources"].items()
        if {"Ref": "LettersLayer"} in r.get("Properties", {}).get("Layers", [])
    }
    assert with_layer == {"DispatchFunction"}
