"""Building blocks of the JSON Schemas that document the answers (/v2's and /admin's) in the OpenAPI document."""

from __future__ import annotations

from typing import Any

STRING: dict[str, Any] = {"type": "string"}
STRING_OR_NULL: dict[str, Any] = {"type": ["string", "null"]}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
INTEGER: dict[str, Any] = {"type": "integer"}
STRINGS: dict[str, Any] = {"type": "array", "items": STRING}
UUID: dict[str, Any] = {"type": "string", "format": "uuid"}
TIME: dict[str, Any] = {"type": "string", "format": "date-time"}
TIME_OR_NULL: dict[str, Any] = {"type": ["string", "null"], "format": "date-time"}
URI: dict[str, Any] = {"type": "string", "format": "uri"}


def object_of(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every property is always there, bar `optional`; more may come (Notify adds fields over time)."""
    return {"type": "object", "required": [p for p in properties if p not in optional], "properties": properties}


def one_of(*values: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}
