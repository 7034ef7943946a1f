"""Every S3 bucket the template declares (documents, letters, print drop, and any added later) is private, owner-only
and encrypted at rest: they hold recipients' files and letters."""

from __future__ import annotations

from typing import Any

from tests.unit.local.resource_types import of_type

BLOCKS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")


def _buckets(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return of_type(resources, "AWS::S3::Bucket")


def test_the_template_declares_the_three_buckets(resources: dict[str, Any]) -> None:
    assert set(_buckets(resources)) == {"DocumentsBucket", "LettersBucket", "PrintBucket"}


def test_every_bucket_blocks_all_public_access(resources: dict[str, Any]) -> None:
    blocked = {name: props.get("PublicAccessBlockConfiguration") for name, props in _buckets(resources).items()}
    assert blocked == dict.fromkeys(blocked, dict.fromkeys(BLOCKS, True))  # all four switches, on every bucket


def test_every_bucket_is_owner_enforced_and_encrypted(resources: dict[str, Any]) -> None:
    for name, props in _buckets(resources).items():
        assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}], name
        default = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
        assert default["SSEAlgorithm"] in ("AES256", "aws:kms"), name
