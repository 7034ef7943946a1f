"""Reads template.yaml: the functions, their routes and queue triggers, and the resources to create."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that turns CloudFormation short tags (!Ref, !GetAtt, !Sub...) into their long form."""


def _intrinsic(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if tag_suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


class _NoManagedPolicies:
    """The transform looks managed policies up by name; the template names them by ARN, so none is needed."""

    def load(self) -> dict[str, str]:
        return {}


def written(path: Path) -> dict[str, Any]:
    """The template as written, with short tags in their long form."""
    document: dict[str, Any] = yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 (SafeLoader subclass)
    return document


def cloudformation(path: Path) -> dict[str, Any]:
    """The template as CloudFormation receives it: code locations as `sam package` leaves them, then the SAM
    transform (policy templates expanded into roles, events into permissions...). The translator reads the
    region from the environment (AWS_DEFAULT_REGION)."""
    from samtranslator.translator.transform import transform  # type: ignore[import-untyped]  # noqa: PLC0415

    document = written(path)
    for resource in document["Resources"].values():
        for uri in ("CodeUri", "ContentUri"):
            if uri in resource.get("Properties", {}):
                resource["Properties"][uri] = "s3://artifacts/code.zip"
    transformed: dict[str, Any] = transform(document, {}, _NoManagedPolicies())
    return transformed


@dataclass(frozen=True)
class Route:
    method: str  # GET, POST, ... or ANY
    path: str  # /v2/template/{template_id}, or $default


@dataclass(frozen=True)
class QueueTrigger:
    queue: Any  # the template's Queue value (an intrinsic), resolved by the stack
    batch_size: int
    report_failures: bool


@dataclass(frozen=True)
class StreamTrigger:
    name: str  # the event's key under the function's Events
    stream: Any  # the template's Stream value (an intrinsic), resolved by the stack
    patterns: list[dict[str, Any]]  # FilterCriteria's patterns: a record matching none is never delivered
    max_retries: int  # MaximumRetryAttempts: a failed batch is retried this often, then dropped
    batch_size: int = 100
    report_failures: bool = False  # FunctionResponseTypes has ReportBatchItemFailures
    bisect: bool = False  # BisectBatchOnFunctionError
    on_failure: Any = None  # DestinationConfig.OnFailure.Destination (an SQS queue's ARN, as an intrinsic)


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_dir: Path
    handler: str
    environment: dict[str, Any]
    routes: list[Route] = field(default_factory=list)
    queues: list[QueueTrigger] = field(default_factory=list)
    schedules: list[float] = field(default_factory=list)  # seconds between scheduled invocations
    streams: list[StreamTrigger] = field(default_factory=list)
    timeout: int = 10


@dataclass(frozen=True)
class SamTemplate:
    root: Path
    resources: dict[str, Any]
    parameters: dict[str, Any]
    functions: list[FunctionSpec]
    function_globals: dict[str, Any] = field(default_factory=dict)  # Globals.Function, as written

    @classmethod
    def load(cls, path: Path) -> SamTemplate:
        document = written(path)
        globals_ = document.get("Globals", {}).get("Function", {})
        resources = document["Resources"]
        functions = [
            _function(path.parent, logical_id, resource["Properties"], globals_)
            for logical_id, resource in resources.items()
            if resource["Type"] == "AWS::Serverless::Function"
        ]
        return cls(path.parent, resources, document.get("Parameters", {}), functions, globals_)

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource.get("Properties", {})
            for logical_id, resource in self.resources.items()
            if resource["Type"] == resource_type
        }


def _function(root: Path, logical_id: str, props: dict[str, Any], globals_: dict[str, Any]) -> FunctionSpec:
    environment = {
        **globals_.get("Environment", {}).get("Variables", {}),
        **props.get("Environment", {}).get("Variables", {}),
    }
    routes, queues, schedules, streams = [], [], [], []
    for event_name, event in props.get("Events", {}).items():
        event_props = event.get("Properties", {})
        if event["Type"] == "HttpApi":
            routes.append(Route(str(event_props["Method"]).upper(), str(event_props["Path"])))
        elif event["Type"] == "DynamoDB":
            filters = event_props.get("FilterCriteria", {}).get("Filters", [])
            streams.append(
                StreamTrigger(
                    name=event_name,
                    stream=event_props["Stream"],
                    patterns=[json.loads(f["Pattern"]) for f in filters],
                    max_retries=int(event_props.get("MaximumRetryAttempts", -1)),
                    batch_size=int(event_props.get("BatchSize", 100)),
                    report_failures="ReportBatchItemFailures" in event_props.get("FunctionResponseTypes", []),
                    bisect=bool(event_props.get("BisectBatchOnFunctionError", False)),
                    on_failure=event_props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination"),
                )
            )
        elif event["Type"] == "Schedule":
            schedules.append(rate_seconds(str(event_props["Schedule"])))
        elif event["Type"] == "SQS":
            queues.append(
                QueueTrigger(
                    queue=event_props["Queue"],
                    batch_size=int(event_props.get("BatchSize", 10)),
                    report_failures="ReportBatchItemFailures" in event_props.get("FunctionResponseTypes", []),
                )
            )
    return FunctionSpec(
        logical_id=logical_id,
        code_dir=root / props["CodeUri"],
        handler=props["Handler"],
        environment=environment,
        routes=routes,
        queues=queues,
        schedules=schedules,
        streams=streams,
        timeout=int(props.get("Timeout", globals_.get("Timeout", 3))),
    )


_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


def rate_seconds(expression: str) -> float:
    """`rate(5 minutes)` in seconds (cron schedules are not run locally)."""
    match = re.fullmatch(r"rate\((\d+) (\w+)\)", expression.strip())
    if match is None:
        raise ValueError(f"tidings local runs rate() schedules only, not {expression}")
    return int(match.group(1)) * _UNITS[match.group(2)]
