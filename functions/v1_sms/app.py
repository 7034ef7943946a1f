"""GET /v1/sms (the account's SMS, newest first, paginated) and POST /v1/sms (send one)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from tidings.api.entry import http_entry
from tidings.api.http import refusals_counted, root_url
from tidings.api.notifea_v1.errors import rate_limit_headers
from tidings.api.notifea_v1.gate import client_ip, count_refused, current_v1_caller, throttle
from tidings.api.notifea_v1.requests import PageQuery, SmsCreate, SmsQuery, parse_body, parse_query
from tidings.api.notifea_v1.resolver import v1_resolver
from tidings.api.notifea_v1.views import ok, paginated, sms_json
from tidings.domain.errors import TidingsError
from tidings.domain.limits import V1_FAMILY, LimitExceeded, v1_request_counter
from tidings.domain.notifications import Notification
from tidings.domain.v1_sms import send_v1_sms, sender_for
from tidings.observability import logger
from tidings.wiring import deps

app = v1_resolver()


@app.get("/v1/sms", middlewares=[throttle])
def list_sms() -> dict[str, Any]:
    d, caller = deps(), current_v1_caller(app)
    query = parse_query(app, PageQuery)
    shown, total = d.notifications.offset_page(
        caller.service_id, "v1", d.clock.now(), offset=(query.page - 1) * query.pageSize, limit=query.pageSize
    )
    path = f"{root_url(app)}{app.current_event.path.lstrip('/')}"
    return ok(paginated([sms_json(n) for n in shown], total, query.page, query.pageSize, path))


@app.post("/v1/sms")  # counts the caller's /v1 request limit in the same write as the send limits
def post_sms() -> Response[dict[str, Any]]:
    # Refused before that write, or by a send limit in it, the request is counted alone: Laravel's throttle, which
    # runs first, counted it (and, spent, answers for it).
    with refusals_counted(lambda _: count_refused(app), also=_send_limit_spent):
        return _send()


def _send_limit_spent(error: TidingsError) -> bool:
    return isinstance(error, LimitExceeded) and error.counter.family != V1_FAMILY


def _send() -> Response[dict[str, Any]]:
    d, caller = deps(), current_v1_caller(app)
    request, options = parse_body(app, SmsCreate), parse_query(app, SmsQuery)
    now = d.clock.now()
    senders = d.service_senders.get(caller.service_id, fresh=False) or []
    if not any(s.id == request.sms_sender_id for s in senders):
        senders = d.service_senders.get(caller.service_id, fresh=True) or []
    _, ip_counter = v1_request_counter(caller.bundle.service, client_ip(app), now)
    sent = send_v1_sms(
        bundle=caller.bundle,
        sender=sender_for(senders, caller.token, request.sms_sender_id),
        content=request.content,
        recipient=request.recipient,
        now=now,
        store=d.notifications,
        queue=d.queue,
        counters=d.counters,
        extra_counters=[ip_counter],
    )
    notification = _sent_live(sent.notification, now) if options.live_result else sent.notification
    headers = rate_limit_headers(**asdict(sent.usage))
    return Response(200, content_types.APPLICATION_JSON, ok(sms_json(notification)), headers=headers)


def _sent_live(notification: Notification, now: datetime) -> Notification:
    """The SMS once the provider answered (the queued copy then finds it claimed). Should the store or the
    queue fail on the way, the SMS as accepted: it is stored and queued (or swept), so dispatch sends it, and an
    error here would have the caller send it again (unless the claim was applied and its answer lost: the queued
    copy then skips it, and it times out unsent)."""
    # Delivery (and the letter modules it carries) loads with the first live_result request only.
    from tidings.domain.dispatch import DispatchContext, Job, dispatch_batch  # noqa: PLC0415

    d = deps()
    context = DispatchContext(
        store=d.notifications,
        sms=d.providers.sms,
        email=d.providers.email,
        now=now,
        queue=d.queue,  # closing writes the store refuses after the send wait there
        # the send starts only with dispatch's reserve left (else the queued copy sends it)
        time_left=lambda: app.lambda_context.get_remaining_time_in_millis() / 1000,
    )
    try:
        dispatch_batch([Job(notification.id, notification)], context)  # a retryable failure: the queue retries
        return d.notifications.load_for_dispatch(notification.id, content=False) or notification  # inline
    except Exception as error:  # any AWS failure once accepted: answered as accepted, never as a failure
        logger.warning("live result unknown; the queued copy sends it", extra={"error": type(error).__name__})
        return notification


lambda_handler = http_entry(app)
