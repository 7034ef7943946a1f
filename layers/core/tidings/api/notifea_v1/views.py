"""/v1 response shapes as pydantic models: responses are built from them, and the OpenAPI document too."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from tidings.domain.models import Retention, SmsSender
from tidings.domain.notifications import Notification
from tidings.domain.timefmt import iso_z
from tidings.domain.v1_sms import live_time_days, result_of

T = TypeVar("T")


class View(BaseModel):
    # Each shape's validator is built when first used: a function renders only a few of them.
    model_config = ConfigDict(defer_build=True)


class V1Country(View):
    id: int
    nice_name: str


class V1ListedCountry(V1Country):
    iso3: str


class V1EmbeddedSender(View):
    uuid: str
    sender_name: str
    sms_live_time: int
    created_at: str


class V1Sms(View):
    uuid: str
    recipient: str
    content: str
    result: int
    delete_at: str
    created_at: str
    user_sms_sender: V1EmbeddedSender
    country: V1Country


class V1Sender(View):
    uuid: str
    sender_name: str
    sms_live_time: int
    created_at: str
    test_mode: int


class PaginatedMetadata(View):
    model_config = ConfigDict(populate_by_name=True)

    current_page: int
    first_page_url: str
    from_: int | None = Field(default=None, alias="from")
    last_page: int
    last_page_url: str
    next_page_url: str | None
    path: str
    per_page: int
    prev_page_url: str | None
    to: int | None
    total: int


class Paginated(BaseModel, Generic[T]):
    paginated_data: list[T]
    paginated_metadata: PaginatedMetadata


class Ok(BaseModel, Generic[T]):
    data: T
    code: Literal["ok"] = "ok"


class ErrorData(View):
    message: str
    metadata: list[str] | None = None


class Error(View):
    data: ErrorData
    code: str


class Status(View):
    name: str


class Price(View):
    value: str


class Countries(View):
    data: list[V1ListedCountry]
    metadata: list[Any]


def ok(payload: Any) -> dict[str, Any]:
    return {"data": payload, "code": "ok"}


def sms_json(n: Notification) -> dict[str, Any]:
    sender = n.extra["sender"]
    return V1Sms(
        uuid=n.id,
        recipient=n.to,
        content=n.body,
        result=result_of(n),
        # Exact, from the live time it was sent with (the stored `expires_at` keeps whole seconds only).
        delete_at=iso_z(n.created_at + timedelta(days=int(sender["sms_live_time"]))) or "",
        created_at=iso_z(n.created_at) or "",
        user_sms_sender=V1EmbeddedSender(
            uuid=sender["id"],
            sender_name=sender["name"],
            sms_live_time=int(sender["sms_live_time"]),
            created_at=iso_z(datetime.fromisoformat(str(sender["created_at"]).replace("Z", "+00:00"))) or "",
        ),
        country=V1Country(**n.extra["country"]),
    ).model_dump()


def sender_json(sender: SmsSender, retention: Retention) -> dict[str, Any]:
    """`retention` is the service's: what a sender without its own `sms_live_time` applies."""
    return V1Sender(
        uuid=sender.id,
        sender_name=sender.sms_sender,
        sms_live_time=live_time_days(sender, retention),
        created_at=iso_z(sender.created_at) or "",
        test_mode=int(sender.test_mode),
    ).model_dump()


def paginated(items: list[dict[str, Any]], total: int, page: int, per_page: int, path: str) -> dict[str, Any]:
    """Laravel's LengthAwarePaginator shape; `items` is the requested page of a list of `total`."""
    last = max(1, math.ceil(total / per_page))
    first = (page - 1) * per_page + 1 if items else None

    def url(number: int) -> str:
        return f"{path}?pageSize={per_page}&page={number}"

    metadata = PaginatedMetadata(
        current_page=page,
        first_page_url=url(1),
        from_=first,
        last_page=last,
        last_page_url=url(last),
        next_page_url=url(page + 1) if page < last else None,
        path=path,
        per_page=per_page,
        prev_page_url=url(page - 1) if page > 1 else None,
        to=first + len(items) - 1 if first is not None else None,
        total=total,
    ).model_dump(by_alias=True)
    return {"paginated_data": items, "paginated_metadata": metadata}
