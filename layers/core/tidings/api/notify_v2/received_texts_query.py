"""GET /v2/received-text-messages' query schema, for its handler and the OpenAPI document alike. A module of its
own: the handler imports no more than it did (template_views, for the UUID field, it loaded already)."""

from __future__ import annotations

from tidings.api.notify_v2.template_views import UUID_FIELD
from tidings.api.validation import Schema

RECEIVED_QUERY = Schema(
    {
        "type": "object",
        "properties": {"older_than": UUID_FIELD},
        "additionalProperties": False,
    }
)
