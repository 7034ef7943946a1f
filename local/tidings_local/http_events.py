"""HTTP requests to API Gateway v2 (payload format 2.0) events, and Lambda results back to HTTP."""

from __future__ import annotations

import base64
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

TEXT_TYPES = ("application/json", "text/", "application/x-www-form-urlencoded", "application/xml")


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes
    source_ip: str


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def to_event(request: HttpRequest, route_key: str, path_parameters: dict[str, str]) -> dict[str, Any]:
    headers: dict[str, str] = {}
    for raw_name, value in request.headers:
        name = raw_name.lower()
        headers[name] = f"{headers[name]},{value}" if name in headers else value
    headers.setdefault("x-forwarded-for", request.source_ip)
    headers.setdefault("x-forwarded-proto", "http")
    host = headers.get("host", "127.0.0.1")
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": request.path,
        "rawQueryString": request.query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "http": {
                "method": request.method,
                "path": request.path,
                "protocol": "HTTP/1.1",
                "sourceIp": request.source_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route_key,
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if request.query:
        event["queryStringParameters"] = _joined_query(request.query)
    if path_parameters:
        event["pathParameters"] = path_parameters
    if "cookie" in headers:
        event["cookies"] = [c.strip() for c in headers["cookie"].split(";")]
    if request.body:
        event["body"], event["isBase64Encoded"] = _body(request.body, headers.get("content-type", ""))
    return event


def to_response(result: Any) -> HttpResponse:
    if not isinstance(result, dict) or "statusCode" not in result:
        # Payload 2.0 lets a function return bare JSON: API Gateway answers it as 200 application/json.
        return HttpResponse(200, [("Content-Type", "application/json")], json.dumps(result).encode())
    headers = [(k, str(v)) for k, v in (result.get("headers") or {}).items()]
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(name, str(v)) for v in values]
    headers += [("Set-Cookie", cookie) for cookie in result.get("cookies") or []]
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    return HttpResponse(int(result["statusCode"]), headers, raw)


def _joined_query(query: str) -> dict[str, str]:
    joined: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return joined


def _body(raw: bytes, content_type: str) -> tuple[str, bool]:
    if content_type.startswith(TEXT_TYPES) or not content_type:
        try:
            return raw.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(raw).decode("ascii"), True
