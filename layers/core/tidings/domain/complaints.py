"""Email complaints (spec §9): a recipient marked an email as spam. The service hears of it at its delivery-status
callback, in a payload of its own; the email's status is `delivered` (only a delivered email is complained of).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from tidings.domain.notifications import Notification
from tidings.domain.timefmt import iso_z
from tidings.ports import NotificationStore


@dataclass(frozen=True)
class Complaint:
    notification_id: str
    complaint_id: str  # the same for the same complaint told twice
    complained_at: datetime


class ComplaintAnnouncer(Protocol):
    def complained(self, n: Notification, complaint: Complaint) -> None: ...


def complaint_payload(n: Notification, complaint: Complaint) -> dict[str, Any]:
    return {
        "notification_id": n.id,
        "complaint_id": complaint.complaint_id,
        "reference": n.reference,
        "to": n.to,
        "complaint_date": iso_z(complaint.complained_at),
    }


def announce_complaints(
    complaints: Sequence[Complaint], store: NotificationStore, announcer: ComplaintAnnouncer
) -> int:
    """Queue a callback for each complaint about an email the store knows (one read for the batch); how many."""
    if not complaints:
        return 0
    found = store.load_many({c.notification_id for c in complaints}, content=False)  # the payload needs no body
    told = 0
    for complaint in complaints:
        n = found.get(complaint.notification_id)
        if n is not None and n.type == "email":
            announcer.complained(n, complaint)
            told += 1
    return told
