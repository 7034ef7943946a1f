"""Email through SES v2, tagged with the notification id so delivery events can be matched later."""

from __future__ import annotations

from typing import Any

from tidings.adapters.aws import sesv2
from tidings.adapters.provider_errors import sent_once


class SesEmailProvider:
    def __init__(self, configuration_set: str) -> None:
        self._configuration_set = configuration_set

    def send_email(
        self,
        *,
        to: str,
        from_address: str,
        reply_to: str | None,
        subject: str,
        body: str,
        unsubscribe_url: str | None,
        notification_id: str,
    ) -> str:
        from tidings.domain.templates.email_html import email_html  # noqa: PLC0415 (dispatch only)

        simple: dict[str, Any] = {
            "Subject": {"Data": subject, "Charset": "UTF-8"},
            "Body": {
                "Text": {"Data": body, "Charset": "UTF-8"},
                "Html": {"Data": email_html(body), "Charset": "UTF-8"},
            },
        }
        if unsubscribe_url:
            simple["Headers"] = [
                {"Name": "List-Unsubscribe", "Value": f"<{unsubscribe_url}>"},
                {"Name": "List-Unsubscribe-Post", "Value": "List-Unsubscribe=One-Click"},
            ]
        request: dict[str, Any] = {
            "FromEmailAddress": from_address,
            "Destination": {"ToAddresses": [to]},
            "Content": {"Simple": simple},
            "EmailTags": [{"Name": "notification_id", "Value": notification_id}],
        }
        if reply_to:
            request["ReplyToAddresses"] = [reply_to]
        if self._configuration_set:
            request["ConfigurationSetName"] = self._configuration_set
        return sent_once(lambda: str(sesv2().send_email(**request)["MessageId"]))
