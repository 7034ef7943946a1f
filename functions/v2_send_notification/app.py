"""POST /v2/notifications/sms, /email and /letter: validate, check, store as `created`, queue, answer 201.

A letter body with `content` is a precompiled letter (spec §3.4): its PDF is kept and it waits as
`pending-virus-check` for the dispatch function's checks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from aws_lambda_powertools.event_handler import Response, content_types

from tidings.api.entry import http_entry
from tidings.api.http import json_body, optional_uuid, rate_limit_headers, refusals_counted, root_url, uuid_param
from tidings.api.notify_v2.auth import current_caller
from tidings.api.notify_v2.notification_views import (
    EMAIL_REQUEST,
    LETTER_REQUEST,
    PRECOMPILED_REQUEST,
    SMS_REQUEST,
    accepted_json,
    precompiled_json,
    scheduled_for_problems,
)
from tidings.api.notify_v2.resolver import notify_v2_resolver
from tidings.domain.errors import TidingsError
from tidings.domain.limits import take_for_refused
from tidings.domain.send import Accepted, SendContext, SendRequest, send_notification
from tidings.observability import logger
from tidings.wiring import deps

app = notify_v2_resolver()
Route = Callable[[], Response[dict[str, Any]]]


def _counting_refusals(channel: str) -> Callable[[Route], Route]:
    """As Notify, which takes the token first (spec §5.5 step 1): a refused request uses one up, and once the
    minute's (or the day's) limit is spent, even a bad request is answered 429."""

    def wrap(route: Route) -> Route:
        @functools.wraps(route)
        def counted() -> Response[dict[str, Any]]:
            d, caller = deps(), current_caller(app)
            service, key_type = caller.bundle.service, caller.key.key_type

            def count(refusal: TidingsError) -> None:
                international = refusal.after_international_recipient
                take_for_refused(d.counters, service, key_type, channel, d.clock.now(), international=international)

            with refusals_counted(count):
                return route()

        return counted

    return wrap


@app.post("/v2/notifications/sms")
@_counting_refusals("sms")
def post_sms() -> Response[dict[str, Any]]:
    body = _validated(SMS_REQUEST)
    return _send(
        SendRequest(
            channel="sms",
            recipient=body["phone_number"],
            sms_sender_id=optional_uuid(body.get("sms_sender_id"), "sms_sender_id"),
            **_common(body),
        )
    )


@app.post("/v2/notifications/email")
@_counting_refusals("email")
def post_email() -> Response[dict[str, Any]]:
    body = _validated(EMAIL_REQUEST)
    request = SendRequest(
        channel="email",
        recipient=body["email_address"],
        email_reply_to_id=optional_uuid(body.get("email_reply_to_id"), "email_reply_to_id"),
        one_click_unsubscribe_url=body.get("one_click_unsubscribe_url"),
        sanitise_content_for=body.get("sanitise_content_for"),
        **_common(body),
    )
    return _send(request)


def _validated(schema: Any) -> dict[str, Any]:
    body = json_body(app)  # no body: 400 Invalid JSON, as Notify answers
    scheduled = body.get("scheduled_for") if isinstance(body, dict) else None
    schema.check(body, more=scheduled_for_problems(scheduled, deps().clock.now()))
    return dict(body)


def _common(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "template_id": uuid_param(str(body["template_id"]), "template_id"),
        "personalisation": body.get("personalisation") or {},
        "reference": body.get("reference"),
    }


def _send(request: SendRequest) -> Response[dict[str, Any]]:
    d = deps()
    caller = current_caller(app)
    context = SendContext(
        caller=caller,
        load_template=d.latest_templates.get,
        load_senders=lambda fresh: d.service_senders.get(caller.service_id, fresh=fresh) or [],
        now=d.clock.now(),
        email_domain=d.settings.email_domain,
        default_sms_sender=d.settings.default_sms_sender,
        root_url=root_url(app),
    )
    documents = d.documents if request.channel == "email" else None
    accepted = send_notification(request, context, d.notifications, d.queue, d.counters, documents=documents)
    logger.info("accepted", extra={"notification_id": accepted.notification.id, "type": request.channel})
    headers = rate_limit_headers(**asdict(accepted.usage)) if accepted.usage else None
    return Response(201, content_types.APPLICATION_JSON, accepted_json(accepted, context.root_url), headers=headers)


@app.post("/v2/notifications/letter")
@_counting_refusals("letter")
def post_letter() -> Response[dict[str, Any]]:
    # Letters' addresses, postage and PDF checks load on the first letter: most calls here send SMS or email.
    from tidings.domain.letters.accept import (  # noqa: PLC0415
        LetterRequest,
        PrecompiledRequest,
        send_letter,
        send_precompiled,
    )

    d = deps()
    body = json_body(app)  # no body: 400 Invalid JSON, as Notify answers
    caller = current_caller(app)
    context = SendContext(
        caller=caller,
        load_template=d.latest_templates.get,
        load_senders=lambda _: [],  # letters have no sender
        now=d.clock.now(),
        email_domain=d.settings.email_domain,
        default_sms_sender=d.settings.default_sms_sender,
        root_url=root_url(app),
    )
    accepted: Accepted
    if isinstance(body, dict) and "content" in body:
        PRECOMPILED_REQUEST.check(body)
        request = PrecompiledRequest(body["reference"], body["content"], body.get("postage"))
        accepted = send_precompiled(request, context, d.notifications, d.queue, d.counters, letters=d.providers.letters)
        answer = precompiled_json(accepted.notification)
    else:
        LETTER_REQUEST.check(body)
        accepted = send_letter(LetterRequest(**_common(body)), context, d.notifications, d.queue, d.counters)
        answer = accepted_json(accepted, context.root_url)
    logger.info("accepted", extra={"notification_id": accepted.notification.id, "type": "letter"})
    headers = rate_limit_headers(**asdict(accepted.usage)) if accepted.usage else None
    return Response(201, content_types.APPLICATION_JSON, answer, headers=headers)


lambda_handler = http_entry(app)
