"""SMS through SNS `publish` to a phone number: transactional, with the sender ID or origination number."""

from __future__ import annotations

from typing import Any

from tidings.adapters.aws import sns
from tidings.adapters.provider_errors import sent_once


class SnsSmsProvider:
    def send_sms(self, *, to: str, body: str, sender: str, notification_id: str) -> str:
        attributes: dict[str, Any] = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}
        if sender.isdigit():
            attributes["AWS.MM.SMS.OriginationNumber"] = {"DataType": "String", "StringValue": f"+{sender}"}
        else:
            attributes["AWS.SNS.SMS.SenderID"] = {"DataType": "String", "StringValue": sender}
        return sent_once(
            lambda: str(sns().publish(PhoneNumber=f"+{to}", Message=body, MessageAttributes=attributes)["MessageId"])
        )
