"""Creates the template's tables, queues and secrets in the in-process moto, and resolves references."""

from __future__ import annotations

import json
import re
from typing import Any, cast

import boto3

from tidings_local.sam_template import SamTemplate

ACCOUNT = "123456789012"


class LocalResources:
    """Physical ids of what was created, keyed by logical id, for Ref / GetAtt / Sub."""

    def __init__(self, template: SamTemplate, region: str) -> None:
        self.template = template
        self.region = region
        self.refs: dict[str, str] = {
            "AWS::Region": region,
            "AWS::AccountId": ACCOUNT,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        self.attributes: dict[tuple[str, str], str] = {}
        for name, parameter in template.parameters.items():
            self.refs[name] = str(parameter.get("Default", ""))

    def create_all(self, admin_secret: str) -> None:
        for logical_id, props in self.template.of_type("AWS::DynamoDB::Table").items():
            self._create_table(logical_id, props)
        queues = self.template.of_type("AWS::SQS::Queue")
        # Dead-letter queues first: a redrive policy names its target's ARN.
        for logical_id in sorted(queues, key=lambda q: "RedrivePolicy" in queues[q]):
            self._create_queue(logical_id, queues[logical_id])
        sns = boto3.client("sns")
        for logical_id in self.template.of_type("AWS::SNS::Topic"):
            self.refs[logical_id] = sns.create_topic(Name=logical_id)["TopicArn"]
        for props in self.template.of_type("AWS::SNS::Subscription").values():
            sns.subscribe(
                TopicArn=self.resolve(props["TopicArn"]),
                Protocol=props["Protocol"],
                Endpoint=self.resolve(props["Endpoint"]),
            )
        for logical_id, props in self.template.of_type("AWS::Logs::LogGroup").items():
            self.refs[logical_id] = str(self.resolve(props["LogGroupName"]))
        for logical_id in self.template.of_type("AWS::SecretsManager::Secret"):
            secret = boto3.client("secretsmanager").create_secret(Name=logical_id, SecretString=admin_secret)
            self.refs[logical_id] = self.attributes[(logical_id, "Id")] = secret["ARN"]
        ses = boto3.client("sesv2")
        for logical_id, props in self.template.of_type("AWS::SES::ConfigurationSet").items():
            name = str(self.resolve(props.get("Name", logical_id)))
            ses.create_configuration_set(ConfigurationSetName=name)
            self.refs[logical_id] = name
        for logical_id, props in self.template.of_type("AWS::SES::EmailIdentity").items():
            identity = str(self.resolve(props["EmailIdentity"]))
            ses.create_email_identity(EmailIdentity=identity)  # moto treats it as verified
            self.refs[logical_id] = identity
        for logical_id, props in self.template.of_type("AWS::Events::EventBus").items():
            name = str(self.resolve(props["Name"]))
            boto3.client("events").create_event_bus(Name=name)
            self.refs[logical_id] = name
        for logical_id, props in self.template.of_type("AWS::S3::Bucket").items():
            self._create_bucket(logical_id, props)
        for logical_id in self.template.resources:
            self.refs.setdefault(logical_id, f"local-{logical_id}")  # APIs, layers, log groups

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            ((kind, arg),) = value.items()
            if kind == "Ref":
                return self.refs[arg]
            if kind == "Fn::GetAtt":
                return self.attributes[(arg[0], arg[1])]
            if kind == "Fn::Sub":  # a string, or a string and the values of its own names
                text, names = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))
                return re.sub(r"\$\{([^}]+)\}", lambda m: str(names[m[1]] if m[1] in names else self._sub(m[1])), text)
            if kind == "Fn::Join":
                separator, parts = arg
                return separator.join(str(self.resolve(part)) for part in parts)
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def _sub(self, name: str) -> str:
        if "." in name:
            logical_id, attribute = name.split(".", 1)
            return self.attributes[(logical_id, attribute)]
        return self.refs[name]

    def _create_table(self, logical_id: str, props: dict[str, Any]) -> None:
        request: dict[str, Any] = {
            "TableName": logical_id,
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if "GlobalSecondaryIndexes" in props:
            request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        if "StreamSpecification" in props:
            request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
        client = boto3.client("dynamodb")
        table = client.create_table(**request)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            client.update_time_to_live(TableName=logical_id, TimeToLiveSpecification=ttl)
        self.refs[logical_id] = logical_id
        self.attributes[(logical_id, "Arn")] = table["TableArn"]
        if "LatestStreamArn" in table:
            self.attributes[(logical_id, "StreamArn")] = table["LatestStreamArn"]

    def _create_bucket(self, logical_id: str, props: dict[str, Any]) -> None:
        """The bucket, with the template's lifecycle rules (moto keeps them; it never expires anything)."""
        name = f"local-{logical_id.lower()}"
        client = boto3.client("s3")
        client.create_bucket(Bucket=name, CreateBucketConfiguration=cast(Any, {"LocationConstraint": self.region}))
        rules = props.get("LifecycleConfiguration", {}).get("Rules", [])
        if rules:
            client.put_bucket_lifecycle_configuration(
                Bucket=name, LifecycleConfiguration=cast(Any, {"Rules": [_lifecycle_rule(r) for r in rules]})
            )
        self.refs[logical_id] = name
        self.attributes[(logical_id, "Arn")] = f"arn:aws:s3:::{name}"

    def _create_queue(self, logical_id: str, props: dict[str, Any]) -> None:
        attributes = {
            key: json.dumps(self.resolve(value)) if isinstance(value, dict) else str(value)
            for key, value in props.items()
            if key in ("VisibilityTimeout", "MessageRetentionPeriod", "RedrivePolicy", "DelaySeconds")
        }
        client = boto3.client("sqs")
        url = client.create_queue(QueueName=logical_id, Attributes=cast(Any, attributes))["QueueUrl"]
        arn = client.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        self.refs[logical_id] = url
        self.attributes[(logical_id, "Arn")] = arn
        self.attributes[(logical_id, "QueueName")] = logical_id


def _lifecycle_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """A CloudFormation lifecycle rule in the S3 API's shape (tag filters become a Filter)."""
    tags = [{"Key": t["Key"], "Value": str(t["Value"])} for t in rule.get("TagFilters", [])]
    if len(tags) > 1:
        selector: dict[str, Any] = {"And": {"Tags": tags}}
    elif tags:
        selector = {"Tag": tags[0]}
    else:
        selector = {"Prefix": rule.get("Prefix", "")}
    return {
        "ID": rule["Id"],
        "Status": rule["Status"],
        "Filter": selector,
        "Expiration": {"Days": int(rule["ExpirationInDays"])},
    }
