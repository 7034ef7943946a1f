"""Versioned templates: one item per version plus a head item (row 0) holding the latest.

Only head items carry `listed_service_id`, so the by_service index lists each template once.
"""

from __future__ import annotations

from typing import Any, cast

from botocore.exceptions import ClientError

from tidings.adapters.aws import dynamodb
from tidings.adapters.dynamo_items import from_item, key, query_all, to_item
from tidings.domain.errors import BadRequest
from tidings.domain.models import Template

HEAD = 0
BY_SERVICE = "by_service"


class DynamoTemplateStore:
    def __init__(self, table: str) -> None:
        self._table = table

    def get(self, template_id: str, version: int | None = None) -> Template | None:
        row = HEAD if version is None else version
        item = dynamodb().get_item(TableName=self._table, Key=key(template_id=template_id, row=row))
        return from_item(Template, item["Item"]) if "Item" in item else None

    def list_for_service(self, service_id: str) -> list[Template]:
        items = query_all(
            TableName=self._table,
            IndexName=BY_SERVICE,
            KeyConditionExpression="listed_service_id = :id",
            ExpressionAttributeValues=key(**{":id": service_id}),
        )
        return [from_item(Template, item) for item in items]

    def save(self, template: Template) -> None:
        # Head and version item move together; the condition stops an older version replacing a newer one.
        head = {
            "TableName": self._table,
            "Item": to_item(template, template_id=template.id, row=HEAD, listed_service_id=template.service_id),
            "ConditionExpression": "attribute_not_exists(template_id) OR version <= :version",
            "ExpressionAttributeValues": key(**{":version": template.version}),
        }
        version_item = {
            "TableName": self._table,
            "Item": to_item(template, template_id=template.id, row=template.version),
        }
        try:
            dynamodb().transact_write_items(TransactItems=cast(Any, [{"Put": head}, {"Put": version_item}]))
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                raise BadRequest("The template was changed at the same time; fetch it and try again", 409) from error
            raise
