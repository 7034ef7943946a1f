"""template.yaml as written (`template`) and as CloudFormation receives it after the SAM transform (`transformed`)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from samtranslator.translator.transform import transform  # type: ignore[import-untyped]

from tidings_local.sam_template import _CfnLoader
from tidings_local.stack import TEMPLATE


class _NoManagedPolicies:
    def load(self) -> dict[str, str]:
        return {}


def _load() -> dict[str, Any]:
    document: dict[str, Any] = yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)  # noqa: S506 (a SafeLoader subclass)
    return document


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    """The SAM template's resources, parameters and globals, with short tags in their long form."""
    return _load()


@pytest.fixture(scope="session")
def resources() -> dict[str, Any]:
    """The resources of the transformed template: functions, roles, the API stage, alarms..."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "eu-west-2")  # the translator fills in pseudo parameters
        document = _load()
        for resource in document["Resources"].values():  # what `sam package` does before the transform
            for uri in ("CodeUri", "ContentUri"):
                if uri in resource.get("Properties", {}):
                    resource["Properties"][uri] = "s3://artifacts/code.zip"
        transformed: dict[str, Any] = transform(document, {}, _NoManagedPolicies())
    return dict(transformed["Resources"])
