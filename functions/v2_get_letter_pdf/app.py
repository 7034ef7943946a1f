"""GET /v2/notifications/{id}/pdf: the caller's letter as PDF bytes (base64 in the Lambda response)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from tidings.api.entry import http_entry
from tidings.api.http import uuid_param
from tidings.api.notify_v2.auth import current_caller
from tidings.api.notify_v2.resolver import notify_v2_resolver
from tidings.domain.letters.pdf_access import letter_pdf
from tidings.domain.notification_queries import get_notification
from tidings.wiring import deps

app = notify_v2_resolver()


@app.get("/v2/notifications/<notification_id>/pdf")
def get_pdf(notification_id: str) -> Response[bytes]:
    d = deps()
    notification = get_notification(  # another service's id answers as an unknown one: 404
        d.notifications,
        current_caller(app).service_id,
        uuid_param(notification_id, "notification_id"),
        d.clock.now(),
        content=False,  # a letter's is inline; an email's (never shown here) stays unread
    )
    return Response(200, "application/pdf", letter_pdf(notification, d.providers.letters))


lambda_handler = http_entry(app)
