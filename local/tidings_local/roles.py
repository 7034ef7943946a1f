"""Each function's IAM role, enforced on the AWS calls its handler makes in `tidings local`.

moto checks no permissions (its IAM emulation matches actions on resource "*" only), so a role that lacks a
grant passes every local test and fails once deployed, as the counters' GetItem did. Here every role is read
from the template as CloudFormation receives it (after the SAM transform expands the policy templates), and a
call its function's role does not allow fails with the AccessDenied error AWS answers. Each refusal is also
kept, so the tests can assert there were none (a handler may catch the error). Calls the stack makes itself
(pollers, simulators, set-up) belong to no function and are not checked. Managed policies grant nothing here:
their documents are not in the template, and what the attached ones grant (logs, X-Ray, polling a trigger) is
Lambda's doing, never a handler's call.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from tidings_local.iam_actions import NotDescribed, Place, asked, bucket_arn, leading_keys

# The error code each service answers a refused call with.
_DENIED_CODES = {"sns": "AuthorizationError", "sqs": "AccessDenied", "s3": "AccessDenied"}
_DENIED_STATUS = {"dynamodb": 400, "secretsmanager": 400, "events": 400}


@dataclass(frozen=True)
class Grant:
    """One Allow statement: the actions (case-insensitive, with wildcards) on the resources (with wildcards), or
    on every resource but those listed (`NotResource`)."""

    actions: tuple[re.Pattern[str], ...]
    resources: tuple[re.Pattern[str], ...]
    all_but: bool = False  # `resources` are NotResource's: the grant covers every other resource
    # `ForAllValues:StringLike` on `dynamodb:LeadingKeys`: every partition key the call touches must match one
    leading_keys: tuple[re.Pattern[str], ...] | None = None

    @classmethod
    def of(cls, statement: Mapping[str, Any]) -> Grant:
        condition = statement.get("Condition")
        leading = _leading_key_patterns(condition) if condition is not None else None
        unsupported = "NotAction" in statement or (condition is not None and leading is None)
        if statement.get("Effect") != "Allow" or unsupported:
            raise ValueError(
                "tidings local evaluates Allow statements without conditions only (but for dynamodb:LeadingKeys), "
                f"not {statement}"
            )
        all_but = "NotResource" in statement
        return cls(
            tuple(_pattern(a, re.IGNORECASE) for a in _listed(statement["Action"])),
            tuple(_pattern(r) for r in _listed(statement["NotResource" if all_but else "Resource"])),
            all_but,
            leading,
        )

    def allows(self, action: str, resource: str, leading_keys: frozenset[str] | None = None) -> bool:
        """`leading_keys`: the partition keys the call touches, when known (unknown fails a conditional grant)."""
        listed = any(r.fullmatch(resource) for r in self.resources)
        if not (any(a.fullmatch(action) for a in self.actions) and listed != self.all_but):
            return False
        if self.leading_keys is None:
            return True
        patterns = self.leading_keys
        return leading_keys is not None and all(any(p.fullmatch(k) for p in patterns) for k in leading_keys)


@dataclass(frozen=True)
class Refusal:
    function: str
    action: str
    resource: str


@dataclass
class Roles:
    grants: dict[str, tuple[Grant, ...]]  # each function's inline policies, by the function's logical id
    place: Place
    refused: list[Refusal] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def of(cls, cloudformation: Mapping[str, Any], resolve: Callable[[Any], Any], place: Place) -> Roles:
        """The roles of the transformed template's functions, their ARNs resolved to the local stack's."""
        resources = cloudformation["Resources"]
        grants = {}
        for name, resource in resources.items():
            if resource["Type"] != "AWS::Lambda::Function":
                continue
            role = resources[resource["Properties"]["Role"]["Fn::GetAtt"][0]]["Properties"]
            statements = [s for p in role.get("Policies", []) for s in _listed(p["PolicyDocument"]["Statement"])]
            grants[name] = tuple(Grant.of(resolve(s)) for s in statements)
        return cls(grants, place)

    def allows(self, function: str, action: str, resource: str, leading_keys: frozenset[str] | None = None) -> bool:
        return any(grant.allows(action, resource, leading_keys) for grant in self.grants[function])

    def note(self, refusal: Refusal) -> None:
        with self._lock:
            self.refused.append(refusal)

    def check(
        self,
        function: str,
        service: str,
        operation: str,
        action: str,
        resource: str,
        *,
        leading_keys: frozenset[str] | None = None,
    ) -> None:
        if self.allows(function, action, resource, leading_keys):
            return
        self.note(Refusal(function, action, resource))
        role = f"arn:aws:sts::{self.place.account}:assumed-role/{function}Role/{function}"
        message = (
            f"User: {role} is not authorized to perform: {action} on resource: {resource} "
            f"because no identity-based policy allows the {action} action"
        )
        code = _DENIED_CODES.get(service, "AccessDeniedException")
        status = _DENIED_STATUS.get(service, 403)
        answer: Any = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": status}}
        raise ClientError(answer, operation)


_ACTING: ContextVar[tuple[str, Roles] | None] = ContextVar("tidings_local_acting_function", default=None)


@contextmanager
def acting_as(function: str, roles: Roles) -> Iterator[None]:
    """AWS calls made in this block (on this thread) are the function's, and its role must allow them."""
    token = _ACTING.set((function, roles))
    try:
        yield
    finally:
        _ACTING.reset(token)


def enforce_roles() -> None:
    """From now on, every boto3 call made while acting as a function is checked against its role (idempotent)."""
    original = getattr(BaseClient, "_make_api_call")  # noqa: B009 (a private botocore method)
    if getattr(original, "_checks_roles", False):
        return

    def checked(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        acting = _ACTING.get()
        if acting is None:
            return original(self, operation, params)
        function, roles = acting
        service = self.meta.service_model.service_name
        try:
            wanted = asked(service, operation, params, roles.place)
        except NotDescribed:
            roles.note(Refusal(function, f"{service}.{operation}", "(not described)"))
            raise
        keys = leading_keys(service, operation, params)
        for action, resource in wanted:
            roles.check(function, service, operation, action, resource, leading_keys=keys)
        try:
            return original(self, operation, params)
        except ClientError as error:
            if service == "s3" and operation in ("GetObject", "HeadObject") and _missing(error):
                # Without s3:ListBucket, S3 will not say that an object is missing: it refuses instead.
                roles.check(function, service, operation, "s3:ListBucket", bucket_arn(params["Bucket"]))
            raise

    checked._checks_roles = True  # type: ignore[attr-defined]
    setattr(BaseClient, "_make_api_call", checked)  # noqa: B010


def _missing(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404")


def _pattern(text: str, flags: int = 0) -> re.Pattern[str]:
    """IAM's wildcards: `*` any run of characters, `?` any one; everything else literal."""
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text), flags)


def _leading_key_patterns(condition: Mapping[str, Any]) -> tuple[re.Pattern[str], ...] | None:
    """The patterns of a condition that is exactly `ForAllValues:StringLike` on `dynamodb:LeadingKeys`."""
    if set(condition) != {"ForAllValues:StringLike"} or set(condition["ForAllValues:StringLike"]) != {
        "dynamodb:LeadingKeys"
    }:
        return None
    return tuple(_pattern(p) for p in _listed(condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]))


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]
