"""`tidings admin ...` against a running stack, as a person would use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e


def cli(stack: RunningStack, *args: str) -> tuple[int, Any]:
    env = {**os.environ, "TIDINGS_URL": stack.url, "TIDINGS_ADMIN_SECRET": stack.admin_secret}
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tidings_local.cli", "admin", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    return done.returncode, json.loads(done.stdout or done.stderr)


def test_a_person_can_set_up_a_service_from_the_cli(local_stack: RunningStack) -> None:
    code, service = cli(local_stack, "create-service", "--name", "CLI service", "--live")
    assert code == 0 and service["restricted"] is False
    code, key = cli(local_stack, "create-key", service["id"], "--name", "ci", "--type", "test")
    assert code == 0 and key["key"][-73:-37] == service["id"] and key["key_type"] == "test"
    code, template = cli(
        local_stack,
        "create-template",
        service["id"],
        "--name",
        "T",
        "--type",
        "email",
        "--content",
        "Hi",
        "--subject",
        "S",
    )
    assert code == 0 and template["version"] == 1
    code, sender = cli(
        local_stack,
        "create-sender",
        service["id"],
        "--sender",
        "CliShop",
        "--sms-live-time",
        "15",
        "--test-mode",
    )
    assert code == 0 and (sender["sms_live_time"], sender["test_mode"], sender["is_default"]) == (
        15,
        True,
        True,
    )
    code, shown = cli(local_stack, "show-service", service["id"])
    assert code == 0 and [k["key_type"] for k in shown["api_keys"]] == ["test"]


def test_cli_errors_are_shown_and_exit_non_zero(local_stack: RunningStack) -> None:
    code, error = cli(local_stack, "show-service", "00000000-0000-4000-8000-000000000000")
    assert code == 1 and error["errors"][0]["error"] == "NoResultFound"


def test_admin_bad_input_over_http(local_stack: RunningStack) -> None:
    from tidings_local.admin_client import admin_token  # noqa: PLC0415

    headers = {"Authorization": f"Bearer {admin_token(local_stack.admin_secret)}"}
    reply = requests.post(f"{local_stack.url}/admin/services", data="{", headers=headers, timeout=10)
    assert reply.status_code == 400 and reply.json()["errors"][0]["error"] == "BadRequestError"
    reply = requests.post(f"{local_stack.url}/admin/services", json={"name": ""}, headers=headers, timeout=10)
    assert reply.status_code == 400 and reply.json()["errors"][0]["error"] == "ValidationError"
