"""What IAM is asked to allow for an AWS call: the actions and resource ARNs AWS authorises it against.

Mostly the service's prefix and the operation's name on the resource the call names, except where AWS asks for
something else: a transaction's parts each need their own action (`dynamodb:UpdateItem`...), `HeadObject` is
`s3:GetObject`, and SES authorises a send against the identity of its From address and its configuration set.
A call not described here is refused with a note to describe it, so no new kind of call goes unchecked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

Asked = tuple[str, str]  # an action and the ARN it is asked for ("*" where AWS names none)

_TRANSACTION_PARTS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
}
_ON_ONE_TABLE = {"GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "DescribeTable"}
_ON_ONE_QUEUE = {
    "SendMessage",
    "SendMessageBatch",
    "ReceiveMessage",
    "DeleteMessage",
    "DeleteMessageBatch",
    "ChangeMessageVisibility",
    "ChangeMessageVisibilityBatch",
    "GetQueueAttributes",
}
_S3_OBJECT_ACTIONS = {"GetObject": "GetObject", "HeadObject": "GetObject", "PutObject": "PutObject"}
_S3_OBJECT_ACTIONS |= {"DeleteObject": "DeleteObject", "PutObjectTagging": "PutObjectTagging"}
_S3_OBJECT_ACTIONS |= {"GetObjectTagging": "GetObjectTagging"}


class NotDescribed(Exception):
    """An AWS call this module cannot yet say the IAM actions of."""


@dataclass(frozen=True)
class Place:
    """Where the calls are made, and the names AWS turns into ARNs."""

    region: str
    account: str
    email_identities: frozenset[str]  # SES identities: domains and addresses
    secrets: Mapping[str, str]  # Secrets Manager ARN by name

    def arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account}:{resource}"


def asked(service: str, operation: str, params: Mapping[str, Any], place: Place) -> list[Asked]:
    """The actions and resources a call to `service` (botocore's name: dynamodb, sesv2...) is authorised for."""
    describe = _SERVICES.get(service)
    found = describe(operation, params, place) if describe else None
    if found is None:
        raise NotDescribed(
            f"tidings local cannot tell which IAM actions {service}.{operation} needs: "
            "describe it in tidings_local/iam_actions.py"
        )
    return found


def _dynamodb(operation: str, params: Mapping[str, Any], place: Place) -> list[Asked] | None:
    def table(name: str) -> str:
        return name if name.startswith("arn:") else place.arn("dynamodb", f"table/{name}")

    if operation in _ON_ONE_TABLE:
        arn = table(params["TableName"])
        index = params.get("IndexName")
        return [(f"dynamodb:{operation}", f"{arn}/index/{index}" if index else arn)]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [(f"dynamodb:{operation}", table(name)) for name in params["RequestItems"]]
    if operation == "TransactWriteItems":
        return [
            (f"dynamodb:{_TRANSACTION_PARTS[kind]}", table(part["TableName"]))
            for entry in params["TransactItems"]
            for kind, part in entry.items()
        ]
    if operation == "TransactGetItems":
        return [("dynamodb:GetItem", table(entry["Get"]["TableName"])) for entry in params["TransactItems"]]
    return None


def leading_keys(service: str, operation: str, params: Mapping[str, Any]) -> frozenset[str] | None:
    """The partition keys a DynamoDB call touches, as `dynamodb:LeadingKeys` sees them, when a single-key `Key`
    names them; None when this cannot tell (a grant conditioned on them then refuses, as failing closed)."""
    if service != "dynamodb" or operation not in ("GetItem", "UpdateItem", "DeleteItem"):
        return None
    key = params.get("Key", {})
    if len(key) != 1:  # a sort key too: which attribute is the partition key needs the table's schema
        return None
    value = next(iter(key.values()))
    return frozenset({str(value["S"])}) if "S" in value else None


def _sqs(operation: str, params: Mapping[str, Any], place: Place) -> list[Asked] | None:
    if operation in _ON_ONE_QUEUE:
        name = str(params["QueueUrl"]).rstrip("/").rsplit("/", 1)[-1]
        return [(f"sqs:{operation}", place.arn("sqs", name))]
    if operation == "GetQueueUrl":
        return [("sqs:GetQueueUrl", place.arn("sqs", params["QueueName"]))]
    return None


def _sns(operation: str, params: Mapping[str, Any], place: Place) -> list[Asked] | None:
    if operation == "Publish":  # a text to a phone number has no resource to name
        return [("sns:Publish", params.get("TopicArn") or params.get("TargetArn") or "*")]
    return None


def _sesv2(operation: str, params: Mapping[str, Any], place: Place) -> list[Asked] | None:
    if operation != "SendEmail":
        return None
    identity = params.get("FromEmailAddressIdentityArn")
    if identity is None:  # the address if it is an identity of its own, else its domain's
        address = parseaddr(str(params.get("FromEmailAddress", "")))[1].lower()
        name = address if address in place.email_identities else address.rpartition("@")[2]
        identity = place.arn("ses", f"identity/{name}")
    found = [("ses:SendEmail", identity)]
    if "ConfigurationSetName" in params:
        found.append(("ses:SendEmail", place.arn("ses", f"configuration-set/{params['ConfigurationSetName']}")))
    return found


def _s3(operation: str, params: Mapping[str, Any], place: Place) -> list[Asked] | None:
    if operation in _S3_OBJECT_ACTIONS:
        found = [(f"s3:{_S3_OBJECT_ACTIONS[operation]}", object_arn(params["Bucket"], params["Key"]))]
        if operation == "PutObject" and params.get("Tagging"):  # tags set on upload need their own action
            found.append(("s3:PutObjectTagging", found[0][1]))
        return found
    if operation in ("ListObjects", "ListObjectsV2"):
        return [("s3:ListBucket", bucket_arn(params["Bucket"]))]
    return None


def bucket_arn(bucket: str) -> str:
    return f"arn:aws:s3:::{bucket}"


def object_arn(bucket: str, key: str) -> str:
    return f"{bucket_arn(bucket)}/{key}"


def _secretsmanager(operation: str, params: Mapping[str, Any], place: Place) -> list[Asked] | None:
    if operation != "GetSecretValue":
        return None
    secret = str(params["SecretId"])
    return [("secretsmanager:GetSecretValue", secret if secret.startswith("arn:") else place.secrets[secret])]


def _events(operation: str, params: Mapping[str, Any], place: Place) -> list[Asked] | None:
    if operation != "PutEvents":
        return None
    buses = {str(entry.get("EventBusName", "default")) for entry in params["Entries"]}
    return [
        ("events:PutEvents", bus if bus.startswith("arn:") else place.arn("events", f"event-bus/{bus}"))
        for bus in sorted(buses)
    ]


_SERVICES = {
    "dynamodb": _dynamodb,
    "sqs": _sqs,
    "sns": _sns,
    "sesv2": _sesv2,
    "s3": _s3,
    "secretsmanager": _secretsmanager,
    "events": _events,
}
