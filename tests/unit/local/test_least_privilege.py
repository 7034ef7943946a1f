"""The transformed template grants each function only what it needs: no wildcard actions, and a wildcard
resource only where AWS has no ARN to name (publishing an SMS to a phone number)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from samtranslator.translator.transform import transform

from tidings_local.sam_template import _CfnLoader
from tidings_local.stack import TEMPLATE

ALLOWED_WILDCARD_RESOURCES = {"sns:Publish", "xray:PutTraceSegments", "xray:PutTelemetryRecords"}


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "eu-west-2")  # the translator fills in pseudo parameters
        document = yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)  # noqa: S506 (a SafeLoader subclass)
        for resource in document["Resources"].values():  # what `sam package` does before the transform
            for uri in ("CodeUri", "ContentUri"):
                if uri in resource.get("Properties", {}):
                    resource["Properties"][uri] = "s3://artifacts/code.zip"
        transformed: dict[str, Any] = transform(document, {}, _NoManagedPolicies())
    return dict(transformed["Resources"])


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for policy in role["Properties"].get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]


def test_no_function_has_a_wildcard_it_does_not_need(resources: dict[str, Any]) -> None:
    roles = {name: r for name, r in resources.items() if r["Type"] == "AWS::IAM::Role"}
    assert len(roles) >= 30  # one role per function
    for name, role in roles.items():
        for statement in _statements(role):
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not any(a == "*" or a.endswith(":*") for a in actions), (name, actions)
            targets = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            if "*" in targets:
                assert set(actions) <= ALLOWED_WILDCARD_RESOURCES, (name, actions)


def test_api_functions_cannot_publish_or_send_email(resources: dict[str, Any]) -> None:
    for name in ("V2GetTemplateFunctionRole", "V2ListNotificationsFunctionRole", "AdminServicesFunctionRole"):
        actions = {
            a
            for s in _statements(resources[name])
            for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
        }
        assert not actions & {"sns:Publish", "ses:SendEmail", "sqs:SendMessage"}, (name, actions)
