"""Reading notifications back (spec §3.5, §3.6): one service's, the caller's key type for lists."""

from __future__ import annotations

from datetime import datetime

from tidings.domain.answer_limit import BODY_BYTES
from tidings.domain.errors import NotFound
from tidings.domain.notifications import FILTER_ALIASES, STATUSES, Notification
from tidings.ports import ListedPage, NotificationQuery, NotificationStore

REPORTABLE = frozenset(STATUSES) - {"failed"}
# The most notifications one page reads (40 index queries, up to 100 batch reads). Nothing indexes a status, so
# a status filter that matches little would otherwise read the whole retention in one request, past the
# function's timeout. A page cut here says where the next goes on (its `next` link).
LIST_KEYS_BUDGET = 10_000
# The most list-index keys one page looks at: a reference or type filter runs in the index (about 40 queries of
# a megabyte, a second or two), so a lookup by reference goes through 200,000 notifications, not 10,000.
LIST_INDEX_KEYS_BUDGET = 200_000


def get_notification(
    store: NotificationStore, service_id: str, notification_id: str, now: datetime, content: bool = True
) -> Notification:
    notification = store.find(notification_id, now, content)
    # A /v1 SMS is Notifea's (no template, its own retention): /v2 neither lists nor shows it.
    if notification is None or notification.service_id != service_id or notification.dialect != "v2":
        raise NotFound()
    return notification


def expand_statuses(requested: list[str]) -> frozenset[str] | None:
    """`failed`, `accepted` and `received` stand for groups; asking for everything means no filter."""
    expanded = {status for name in requested for status in FILTER_ALIASES.get(name, [name])}
    if not expanded or expanded >= REPORTABLE:
        return None
    return frozenset(expanded)


def list_notifications(
    store: NotificationStore,
    service_id: str,
    key_type: str,
    now: datetime,
    *,
    statuses: list[str],
    types: list[str],
    reference: str | None,
    older_than: str | None,
) -> ListedPage:
    anchor = None
    if older_than is not None:
        # Only its place in the list matters, so an expired one still anchors (a page that stopped at its budget
        # goes on from the last key it read, which may be an expired one TTL has not deleted yet).
        anchor = store.load_for_dispatch(older_than, content=False)
        if anchor is None or anchor.service_id != service_id:
            return ListedPage([])  # an unknown id, or another service's, lists nothing
    return store.page(
        NotificationQuery(
            service_id=service_id,
            key_type=key_type,
            now=now,
            statuses=expand_statuses(statuses),
            types=frozenset(types) or None,
            reference=reference,
            older_than=anchor,
            content_bytes=BODY_BYTES,  # more never fits one answer, however it is sent (answer_limit.py)
            keys_budget=LIST_KEYS_BUDGET,
            index_keys_budget=LIST_INDEX_KEYS_BUDGET,
        )
    )
