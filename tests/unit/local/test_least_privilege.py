"""The transformed template grants each function only what it needs: no wildcard actions, and a wildcard
resource only where AWS has no ARN to name (publishing an SMS to a phone number). Every resource that carries
a policy (roles, queue policies, key policies, Lambda permissions) is of a kind these tests check, so a new
kind fails here until it is covered."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tidings_local.roles import Grant

# Publishing an SMS to a phone number has no resource ARN: only the functions that send SMS may do it.
WILDCARD_RESOURCE_GRANTS = {
    "DispatchFunctionRole": {"sns:Publish"},
    "V1SmsFunctionRole": {"sns:Publish"},
}
# ...and not to a topic: that grant names every resource but SNS's.
SNS_TOPICS = {"Fn::Sub": "arn:${AWS::Partition}:sns:*:*:*"}
# Wildcards inside an action name that a SAM policy template writes (SendMessage and SendMessageBatch).
ALLOWED_WILDCARD_ACTIONS = {"sqs:SendMessage*"}

_MANAGED = "arn:aws:iam::aws:policy/"
EVERY_FUNCTION_POLICIES = {
    f"{_MANAGED}service-role/AWSLambdaBasicExecutionRole",  # its own logs; the log group is named in Globals
    f"{_MANAGED}AWSXrayWriteOnlyAccess",  # Tracing: Active; X-Ray has no resource ARNs
}
# SAM attaches these for an event source mapping, with Resource "*" (a SAM limitation, no switch to scope them):
# only a function with that kind of trigger may carry one.
EVENT_SOURCE_POLICIES = {
    "SQS": f"{_MANAGED}service-role/AWSLambdaSQSQueueExecutionRole",
    "DynamoDB": f"{_MANAGED}service-role/AWSLambdaDynamoDBExecutionRole",
}

# Every resource type that carries a policy, and how it is checked; anything else with a policy fails below.
POLICY_TYPES = {"AWS::IAM::Role", "AWS::SQS::QueuePolicy", "AWS::KMS::Key", "AWS::Lambda::Permission"}
UNCHECKED_POLICY_TYPES = {
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::InstanceProfile",
    "AWS::SNS::TopicPolicy",
    "AWS::S3::BucketPolicy",
    "AWS::SecretsManager::ResourcePolicy",
    "AWS::Events::EventBusPolicy",
    "AWS::Logs::ResourcePolicy",
    "AWS::ApiGatewayV2::Authorizer",
}


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for policy in role["Properties"].get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]


def _of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {name: r for name, r in resources.items() if r["Type"] == kind}


def test_every_function_has_its_own_role(resources: dict[str, Any]) -> None:
    functions = _of_type(resources, "AWS::Lambda::Function")
    roles = _of_type(resources, "AWS::IAM::Role")
    assert len(functions) >= 30
    assert {f["Properties"]["Role"]["Fn::GetAtt"][0] for f in functions.values()} == set(roles)
    assert len(roles) == len(functions)  # one role per function, none shared


def test_no_function_has_a_wildcard_it_does_not_need(resources: dict[str, Any]) -> None:
    roles = _of_type(resources, "AWS::IAM::Role")
    wildcard_grants: dict[str, set[str]] = {}
    for name, role in roles.items():
        for statement in _statements(role):
            assert statement["Effect"] == "Allow", (name, statement)
            assert "NotAction" not in statement, (name, statement)
            actions = _listed(statement["Action"])
            for action in actions:
                assert action == action.strip() and ":" in action, (name, action)
                assert "*" not in action or action in ALLOWED_WILDCARD_ACTIONS, (name, action)
            if "NotResource" in statement:  # every resource but these: a wildcard with its exceptions
                assert statement["NotResource"] == SNS_TOPICS, (name, statement)
                wildcard_grants.setdefault(name, set()).update(actions)
            elif "*" in _listed(statement["Resource"]):
                wildcard_grants.setdefault(name, set()).update(actions)
    assert wildcard_grants == WILDCARD_RESOURCE_GRANTS


def test_managed_policies_are_the_lambda_basics_and_their_triggers_only(
    resources: dict[str, Any], template: dict[str, Any]
) -> None:
    for name, function in template["Resources"].items():
        if function["Type"] != "AWS::Serverless::Function":
            continue
        triggers = {event["Type"] for event in function["Properties"].get("Events", {}).values()}
        expected = EVERY_FUNCTION_POLICIES | {EVENT_SOURCE_POLICIES[t] for t in triggers if t in EVENT_SOURCE_POLICIES}
        managed = {
            arn if isinstance(arn, str) else arn["Fn::Sub"].replace("${AWS::Partition}", "aws")
            for arn in resources[f"{name}Role"]["Properties"].get("ManagedPolicyArns", [])
        }
        assert managed == expected, name


def test_api_functions_cannot_publish_or_send_email(resources: dict[str, Any]) -> None:
    for name in ("V2GetTemplateFunctionRole", "V2ListNotificationsFunctionRole", "AdminServicesFunctionRole"):
        actions = {a for s in _statements(resources[name]) for a in _listed(s["Action"])}
        assert not actions & {"sns:Publish", "ses:SendEmail", "sqs:SendMessage*"}, (name, actions)


def test_every_policy_bearing_resource_is_of_a_checked_kind(resources: dict[str, Any]) -> None:
    kinds = {r["Type"] for r in resources.values()}
    assert not kinds & UNCHECKED_POLICY_TYPES, kinds & UNCHECKED_POLICY_TYPES
    assert not {k for k in kinds if k.startswith("AWS::IAM::")} - POLICY_TYPES
    assert kinds >= POLICY_TYPES  # each check below has something to check


def test_queue_policies_admit_only_this_stack_s_topics(resources: dict[str, Any]) -> None:
    for name, policy in _of_type(resources, "AWS::SQS::QueuePolicy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            assert statement["Principal"] == {"Service": "sns.amazonaws.com"}, name
            assert _listed(statement["Action"]) == ["sqs:SendMessage"], name
            topics = _listed(statement["Condition"]["ArnEquals"]["aws:SourceArn"])
            assert topics and all(resources[t["Ref"]]["Type"] == "AWS::SNS::Topic" for t in topics), name


def test_key_policies_give_services_only_what_they_use(resources: dict[str, Any]) -> None:
    for name, key in _of_type(resources, "AWS::KMS::Key").items():
        assert key["Properties"]["EnableKeyRotation"] is True, name
        for statement in key["Properties"]["KeyPolicy"]["Statement"]:
            principal = statement["Principal"]
            if "Service" in principal:  # a service may use the key, for this account only, never manage it
                assert set(_listed(statement["Action"])) <= {"kms:Decrypt", "kms:GenerateDataKey*"}, name
                assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
            else:  # the account administers its key through IAM, as with every key
                assert principal == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}, name


@pytest.mark.parametrize("principal", ["apigateway.amazonaws.com", "events.amazonaws.com", "logs.amazonaws.com"])
def test_functions_are_invoked_only_from_this_stack_s_sources(resources: dict[str, Any], principal: str) -> None:
    permissions = [p["Properties"] for p in _of_type(resources, "AWS::Lambda::Permission").values()]
    assert {p["Principal"] for p in permissions} <= {
        "apigateway.amazonaws.com",
        "events.amazonaws.com",
        "logs.amazonaws.com",
    }
    chosen = [p for p in permissions if p["Principal"] == principal]
    assert chosen
    for permission in chosen:
        assert permission["Action"] == "lambda:InvokeFunction"
        assert "SourceArn" in permission, permission  # the API, the schedule rule or the SMS log group


def test_email_bodies_kept_apart_reach_only_the_functions_that_write_show_or_send_them(
    resources: dict[str, Any],
) -> None:
    """Receipts, callbacks, the sweeper, change events, /v1, the letter PDF and admin views never read an
    email's content (they ask the store for none)."""
    readers = {
        name.removesuffix("FunctionRole")
        for name, role in _of_type(resources, "AWS::IAM::Role").items()
        if "NotificationContentsTable" in repr(_statements(role))
    }
    assert readers == {
        "V2SendNotification",  # writes it
        "V2GetNotification",
        "V2ListNotifications",
        "Dispatch",  # sends what travelled by id
    }


def test_functions_that_count_limits_may_read_their_counter_items(resources: dict[str, Any]) -> None:
    """The counter store updates an item and, in a day's first minute, reads yesterday's (a rate window still
    open at midnight): a role that may update the counters table must read its items too, or it fails at
    midnight only."""
    counting = []
    for name, role in _of_type(resources, "AWS::IAM::Role").items():
        on_counters = [s for s in _statements(role) if "CountersTable" in json.dumps(s.get("Resource"))]
        actions = {a for s in on_counters for a in _listed(s["Action"])}
        if "dynamodb:UpdateItem" in actions:
            counting.append(name)
            assert "dynamodb:GetItem" in actions, name
    assert {"V2SendNotificationFunctionRole", "V1SmsFunctionRole"} <= set(counting)


def test_the_sms_grant_publishes_to_phone_numbers_and_no_topic() -> None:
    grant = Grant.of(
        {"Effect": "Allow", "Action": "sns:Publish", "NotResource": "arn:aws:sns:*:*:*"}  # as tidings local resolves it
    )
    assert grant.allows("sns:Publish", "*")  # a text to a phone number names no resource
    assert not grant.allows("sns:Publish", "arn:aws:sns:eu-west-2:123456789012:provider-receipts")
    assert not grant.allows("ses:SendEmail", "*")
