"""What SES and SNS are asked, against stubbed clients: moto keeps neither an SMS's sender and type nor an
email's configuration set, so nothing else would fail if a send stopped asking for them."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from tidings.adapters import ses_email, sns_sms

CREDENTIALS: dict[str, Any] = {"region_name": "eu-west-2", "aws_access_key_id": "x", "aws_secret_access_key": "x"}
TRANSACTIONAL = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}


@pytest.mark.parametrize(
    ("sender", "attribute"),
    [
        ("GOVUK", {"AWS.SNS.SMS.SenderID": {"DataType": "String", "StringValue": "GOVUK"}}),
        ("447700900456", {"AWS.MM.SMS.OriginationNumber": {"DataType": "String", "StringValue": "+447700900456"}}),
    ],
    ids=["sender-id", "origination-number"],
)
def test_an_sms_is_transactional_from_its_sender(
    monkeypatch: pytest.MonkeyPatch, sender: str, attribute: dict[str, Any]
) -> None:
    client = boto3.client("sns", **CREDENTIALS)
    monkeypatch.setattr(sns_sms, "sns", lambda: client)
    expected = {"PhoneNumber": "+447700900123", "Message": "Hi", "MessageAttributes": TRANSACTIONAL | attribute}
    with Stubber(client) as stub:
        stub.add_response("publish", {"MessageId": "sns-1"}, expected)
        reference = sns_sms.SnsSmsProvider().send_sms(
            to="447700900123", body="Hi", sender=sender, notification_id="n-1"
        )
        stub.assert_no_pending_responses()
    assert reference == "sns-1"


def test_an_email_goes_in_the_configuration_set_tagged_with_its_notification(monkeypatch: pytest.MonkeyPatch) -> None:
    client = boto3.client("sesv2", **CREDENTIALS)
    monkeypatch.setattr(ses_email, "sesv2", lambda: client)
    expected = {
        "FromEmailAddress": "service@example.gov.uk",
        "Destination": {"ToAddresses": ["jo@example.com"]},
        "ReplyToAddresses": ["help@example.gov.uk"],
        "Content": ANY,
        "EmailTags": [{"Name": "notification_id", "Value": "n-1"}],  # how its delivery events find it
        "ConfigurationSetName": "tidings-events",  # where those events are published
    }
    with Stubber(client) as stub:
        stub.add_response("send_email", {"MessageId": "ses-1"}, expected)
        reference = ses_email.SesEmailProvider("tidings-events").send_email(
            to="jo@example.com",
            from_address="service@example.gov.uk",
            reply_to="help@example.gov.uk",
            subject="Hi",
            body="Hello",
            unsubscribe_url=None,
            notification_id="n-1",
        )
        stub.assert_no_pending_responses()
    assert reference == "ses-1"
