"""Services and everything that hangs off them, in one DynamoDB table keyed (service_id, sk).

One Query on the partition returns the whole bundle that auth and the accept path need.
"""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError
from pydantic import BaseModel

from tidings.adapters.aws import dynamodb
from tidings.adapters.dynamo_items import from_item, key, query_all, to_item
from tidings.domain.models import (
    AccessToken,
    ApiKey,
    Callback,
    GuestList,
    InboundNumber,
    OptOut,
    ReplyTo,
    Service,
    ServiceBundle,
)

SERVICE, GUEST_LIST = "service", "guest_list"
_LISTS: dict[str, tuple[str, type[BaseModel]]] = {
    "key#": ("api_keys", ApiKey),
    "reply_to#": ("reply_tos", ReplyTo),
    "callback#": ("callbacks", Callback),
    "token#": ("access_tokens", AccessToken),
    "inbound#": ("inbound_numbers", InboundNumber),
    "optout#": ("opt_outs", OptOut),
}


class DynamoServiceStore:
    def __init__(self, table: str) -> None:
        self._table = table

    def load(self, service_id: str) -> ServiceBundle | None:
        items = self._query_partition(service_id)
        service = next((i for i in items if i["sk"]["S"] == SERVICE), None)
        if service is None:
            return None
        parts: dict[str, Any] = {"service": from_item(Service, service)}
        for item in items:
            sk = item["sk"]["S"]
            if sk == GUEST_LIST:
                parts["guest_list"] = from_item(GuestList, item)
            for prefix, (field, model) in _LISTS.items():
                if sk.startswith(prefix):
                    parts.setdefault(field, []).append(from_item(model, item))
        return ServiceBundle.model_validate(parts)

    def create_service(self, service: Service) -> bool:
        return self._write_service(service, "attribute_not_exists(service_id)", None)

    def save_service(self, service: Service, previous_email_from: str) -> bool:
        return self._write_service(service, "attribute_exists(service_id)", previous_email_from)

    def _write_service(self, service: Service, condition: str, previous_email_from: str | None) -> bool:
        """The service, and the item that makes its `email_from` its own across services, in one transaction:
        both land or neither. A changed address frees the one it replaces."""
        owned = "attribute_not_exists(service_id) OR #owner = :owner"
        names, values = {"#owner": "owner"}, {":owner": {"S": service.id}}
        claim = {"service_id": {"S": _address_key(service.email_from)}, "sk": {"S": "owner"}}
        actions: list[Any] = [
            {"Put": {"TableName": self._table, "Item": to_item(service, service_id=service.id, sk=SERVICE),
                     "ConditionExpression": condition}},
            {"Put": {"TableName": self._table, "Item": {**claim, "owner": {"S": service.id}},
                     "ConditionExpression": owned, "ExpressionAttributeNames": names,
                     "ExpressionAttributeValues": values}},
        ]  # fmt: skip
        if previous_email_from is not None and _address_key(previous_email_from) != claim["service_id"]["S"]:
            freed = key(service_id=_address_key(previous_email_from), sk="owner")
            actions.append(
                {"Delete": {"TableName": self._table, "Key": freed, "ConditionExpression": owned,
                            "ExpressionAttributeNames": names, "ExpressionAttributeValues": values}}
            )  # fmt: skip
        try:
            dynamodb().transact_write_items(TransactItems=actions)
        except ClientError as error:
            reasons = error.response.get("CancellationReasons", [])
            if len(reasons) > 1 and reasons[1].get("Code") == "ConditionalCheckFailed":
                return False  # the address is another service's
            raise
        return True

    def put_api_key(self, api_key: ApiKey) -> None:
        self._put(api_key.service_id, f"key#{api_key.id}", api_key)

    def put_guest_list(self, service_id: str, guest_list: GuestList) -> None:
        self._put(service_id, GUEST_LIST, guest_list)

    def put_reply_to(self, service_id: str, reply_to: ReplyTo) -> None:
        self._put(service_id, f"reply_to#{reply_to.id}", reply_to)

    def put_callback(self, service_id: str, callback: Callback) -> None:
        self._put(service_id, f"callback#{callback.type}", callback)

    def put_access_token(self, token: AccessToken) -> None:
        self._put(token.service_id, f"token#{token.id}", token)

    def claim_inbound_number(self, number: InboundNumber) -> bool:
        # The number's own item makes ownership unique across services; both writes land or neither.
        try:
            dynamodb().transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": to_item(
                                number, service_id=f"number#{number.number}", sk="owner", owner=number.service_id
                            ),
                            "ConditionExpression": "attribute_not_exists(service_id)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": to_item(number, sk=f"inbound#{number.number}"),
                        }
                    },
                ]
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "TransactionCanceledException":
                return False
            raise
        return True

    def owner_of_number(self, number: str) -> str | None:
        item = dynamodb().get_item(TableName=self._table, Key=key(service_id=f"number#{number}", sk="owner"))
        return str(item["Item"]["owner"]["S"]) if "Item" in item else None

    def put_opt_out(self, service_id: str, opt_out: OptOut) -> None:
        self._put(service_id, f"optout#{opt_out.number}", opt_out)

    def remove_opt_out(self, service_id: str, number: str) -> bool:
        result = dynamodb().delete_item(
            TableName=self._table, Key=key(service_id=service_id, sk=f"optout#{number}"), ReturnValues="ALL_OLD"
        )
        return "Attributes" in result

    def _put(self, service_id: str, sk: str, record: BaseModel, condition: str | None = None) -> None:
        request: dict[str, Any] = {
            "TableName": self._table,
            "Item": to_item(record, service_id=service_id, sk=sk),
        }
        if condition:
            request["ConditionExpression"] = condition
        dynamodb().put_item(**request)

    def _query_partition(self, service_id: str) -> list[dict[str, Any]]:
        return query_all(
            TableName=self._table,
            KeyConditionExpression="service_id = :id",
            ExpressionAttributeValues=key(**{":id": service_id}),
        )


def _address_key(email_from: str) -> str:
    """The partition of the item that says which service sends from `email_from` (local parts compared without
    case, as mailboxes are)."""
    return f"email_from#{email_from.lower()}"
