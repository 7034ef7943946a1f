"""The OpenAPI document against the code it is built from: /v2's query parameters come from the very schemas the
handlers check, not from copies that can drift from them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import BaseModel

from tidings.api.admin.requests import AdminRequest
from tidings.api.notifea_v1.requests import V1Request
from tidings.api.openapi import Operation, _clean, _component_name, _v2_operations, openapi_document
from tidings.api.validation import Schema
from tidings_local.sam_template import Route, SamTemplate

ROOT = Path(__file__).resolve().parents[3]
QUERIED = [operation for operation in _v2_operations() if operation.query is not None]


def handler_module(route: Route) -> ModuleType:
    """The module of the function the SAM template routes `route` to, loaded as Lambda (and `tidings local`) do."""
    template = SamTemplate.load(ROOT / "template.yaml")
    function = next(f for f in template.functions if route in f.routes)
    path = function.code_dir / f"{function.handler.rpartition('.')[0].replace('.', '/')}.py"
    spec = importlib.util.spec_from_file_location(f"openapi_test_{function.logical_id}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("operation", QUERIED, ids=[f"{o.method} {o.path}" for o in QUERIED])
def test_a_v2_query_is_documented_from_the_schema_its_handler_checks(operation: Operation) -> None:
    # GET /v2/received-text-messages was documented from a hand copy that lacked `additionalProperties: false`.
    module = handler_module(Route(operation.method, operation.path))
    checked = [_clean(value.schema) for value in vars(module).values() if isinstance(value, Schema)]
    assert operation.query in checked


def _subclasses(model: type[BaseModel]) -> list[type[BaseModel]]:
    return [sub for direct in model.__subclasses__() for sub in (direct, *_subclasses(direct))]


EXAMPLED = [
    model for model in (*_subclasses(AdminRequest), *_subclasses(V1Request)) if "examples" in model.model_json_schema()
]


def test_some_request_bodies_have_examples() -> None:
    assert {model.__name__ for model in EXAMPLED} >= {"CreateCallback", "CreateReplyTo", "SmsCreate"}


@pytest.mark.parametrize("model", EXAMPLED, ids=[model.__name__ for model in EXAMPLED])
def test_a_request_example_is_a_body_its_model_accepts_and_the_document_shows(model: type[BaseModel]) -> None:
    # The examples are what the fuzzer sends first, and what a reader of the document copies.
    examples = model.model_json_schema()["examples"]
    for example in examples:
        model.model_validate(example)
    assert openapi_document()["components"]["schemas"][_component_name(model)]["examples"] == examples
