"""The whole Tidings stack in one process: moto for AWS, every function in-process, queue pollers."""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3

from tidings_local.email_tags import record_sent_tags
from tidings_local.http_events import HttpRequest, HttpResponse, to_event, to_response
from tidings_local.iam_actions import Place
from tidings_local.lambda_runtime import Functions, ResponseSizeTooLarge
from tidings_local.print_simulator import PrinterSimulator
from tidings_local.provider_simulator import ProviderSimulator
from tidings_local.queue_pollers import QueuePoller
from tidings_local.resources import ACCOUNT, LocalResources
from tidings_local.roles import Roles, enforce_roles
from tidings_local.routing import Router
from tidings_local.sam_template import SamTemplate, cloudformation
from tidings_local.serialise import serialise_aws_calls
from tidings_local.stream_pollers import StreamPoller

REGION = "eu-west-2"
DEFAULT_PRINT_DELAY = timedelta(seconds=5)  # the simulated printer: `accepted` → `received` this long after
REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = REPO_ROOT / "template.yaml"
FAKE_AWS_ENV = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
}


class LocalStack:
    """Start with `start()`; then `handle()` HTTP requests while pollers drain the queues."""

    def __init__(
        self,
        admin_secret: str,
        template_path: Path = TEMPLATE,
        env: dict[str, str] | None = None,
        print_delay: timedelta = DEFAULT_PRINT_DELAY,
    ) -> None:
        self.admin_secret = admin_secret
        self.print_delay = print_delay
        self.template_path = template_path
        self.template = SamTemplate.load(template_path)
        self._extra_env = env or {}
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.pollers: list[QueuePoller] = []
        self.stream_pollers: list[StreamPoller] = []

    def start(self, run_pollers: bool = True) -> None:
        os.environ.update(FAKE_AWS_ENV)
        from moto import mock_aws  # noqa: PLC0415 (only after the fake credentials are in place)

        self._moto = mock_aws()
        self._moto.start()
        serialise_aws_calls()
        record_sent_tags()
        self.resources = LocalResources(self.template, REGION)
        self.resources.create_all(self.admin_secret)
        os.environ.update(self._function_environment())
        os.environ.update({"LOCAL_MODE": "true", **self._extra_env})
        enforce_roles()
        self.functions = Functions(self.template.functions, self.roles_from(self.template_path))
        self.router = Router(self.template.functions)
        for spec in self.template.functions:
            for trigger in spec.queues:
                arn = self.resources.resolve(trigger.queue)
                self.pollers.append(QueuePoller(self.functions, spec, trigger, arn, REGION))
            for stream in spec.streams:
                arn = self.resources.resolve(stream.stream)
                on_failure = self.resources.resolve(stream.on_failure) if stream.on_failure else None
                self.stream_pollers.append(StreamPoller(self.functions, spec, stream, arn, on_failure))
        self.providers = ProviderSimulator(
            self.functions, "ReceiptsFunction", self.resources.refs["ProviderEventsTopic"], REGION
        )
        self.printer = PrinterSimulator(
            self.resources.refs["PrintBucket"], self.resources.refs["PrintEventsTopic"], self.print_delay
        )
        if run_pollers:
            runners: list[QueuePoller | StreamPoller | ProviderSimulator | PrinterSimulator] = [
                *self.pollers,
                *self.stream_pollers,
                self.providers,
                self.printer,
            ]
            for poller in runners:
                self._spawn(poller.run, self._stop)
            for spec in self.template.functions:
                for every in spec.schedules:
                    self._spawn(self._run_schedule, spec.logical_id, every)

    def invoke_scheduled(self, logical_id: str, at: str | None = None) -> Any:
        """Invoke a scheduled function with the event EventBridge would send (`at`: its time, ISO 8601)."""
        event = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": "Scheduled Event",
            "source": "aws.events",
            "account": "123456789012",
            "time": at or time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "region": REGION,
            "resources": [],
            "detail": {},
        }
        return self.functions.invoke(logical_id, event)

    def is_scheduled(self, logical_id: str) -> bool:
        return any(spec.logical_id == logical_id and spec.schedules for spec in self.template.functions)

    def queue_depths(self) -> dict[str, int]:
        """Messages waiting or in flight, per queue: 0 means a consumer has finished with everything."""
        sqs = boto3.client("sqs")
        depths = {}
        for logical_id in self.template.of_type("AWS::SQS::Queue"):
            attributes = sqs.get_queue_attributes(
                QueueUrl=self.resources.refs[logical_id],
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
            depths[logical_id] = sum(int(value) for value in attributes.values())
        return depths

    def _run_schedule(self, logical_id: str, every: float) -> None:
        while not self._stop.wait(every):
            self.invoke_scheduled(logical_id)

    def _spawn(self, target: Any, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def inject_inbound_sms(self, from_number: str, to_number: str, body: str) -> str:
        """What a two-way number's channel publishes when a text arrives (End User Messaging's payload)."""

        message = {
            "originationNumber": from_number,
            "destinationNumber": to_number,
            "messageKeyword": body.split(maxsplit=1)[0].upper() if body.split() else "",
            "messageBody": body,
            "inboundMessageId": str(uuid.uuid4()),
        }
        topic = self.resources.refs["TwoWaySmsTopic"]
        return str(boto3.client("sns").publish(TopicArn=topic, Message=json.dumps(message))["MessageId"])

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._moto.stop()

    def handle(self, request: HttpRequest) -> HttpResponse:
        match = self.router.match(request.method, request.path)
        if match is None:
            return HttpResponse(404, [("Content-Type", "application/json")], b'{"message":"Not Found"}')
        event = to_event(request, match.route_key, match.path_parameters)
        try:
            return to_response(self.functions.invoke(match.function.logical_id, event))
        except ResponseSizeTooLarge as error:  # the invocation failed: API Gateway answers as for any such failure
            print(f"tidings local: {error}", file=sys.stderr)
            return HttpResponse(500, [("Content-Type", "application/json")], b'{"message":"Internal Server Error"}')

    def _function_environment(self) -> dict[str, str]:
        """One process hosts every function, so their variables must agree; the template makes them so."""
        merged: dict[str, str] = {}
        for spec in self.template.functions:
            for name, value in spec.environment.items():
                resolved = str(self.resources.resolve(value))
                if merged.setdefault(name, resolved) != resolved:
                    raise ValueError(f"{name} differs between functions; tidings local runs them in one process")
        return merged

    def resolve(self, value: Any) -> Any:
        return self.resources.resolve(value)

    def roles_from(self, template_path: Path) -> Roles:
        """The roles of a template's functions, on this stack's resources (a test may check a changed one)."""
        place = Place(
            region=REGION,
            account=ACCOUNT,
            email_identities=frozenset(
                self.resources.refs[logical_id] for logical_id in self.template.of_type("AWS::SES::EmailIdentity")
            ),
            secrets={
                logical_id: self.resources.refs[logical_id]
                for logical_id in self.template.of_type("AWS::SecretsManager::Secret")
            },
        )
        return Roles.of(cloudformation(template_path), self.resources.resolve, place)
