"""template.yaml as written (`template`) and as CloudFormation receives it after the SAM transform (`transformed`)."""

from __future__ import annotations

from typing import Any

import pytest

from tidings_local.sam_template import cloudformation, written
from tidings_local.stack import TEMPLATE


@pytest.fixture(scope="session")
def template() -> dict[str, Any]:
    """The SAM template's resources, parameters and globals, with short tags in their long form."""
    return written(TEMPLATE)


@pytest.fixture(scope="session")
def resources() -> dict[str, Any]:
    """The resources of the transformed template: functions, roles, the API stage, alarms..."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "eu-west-2")  # the translator fills in pseudo parameters
        return dict(cloudformation(TEMPLATE)["Resources"])
