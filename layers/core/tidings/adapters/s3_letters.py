"""Letter PDFs in S3, and the print provider's drop: both keyed by the notification's retention.

Keys start with `{days}d/`, the notification's retention in days; each bucket's lifecycle (template.yaml) has
one rule per retention Tidings allows (1-90 days) that expires objects under that prefix after as many days,
so a PDF lives as long as its notification and no longer.

The print drop writes the PDF, then a JSON manifest beside it (the manifest's arrival says the PDF is
complete); the print provider collects both and answers through the provider-events topic (see
`tidings.api.provider_events.from_print_event`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from botocore.exceptions import BotoCoreError, ClientError

from tidings.adapters.aws import s3
from tidings.adapters.provider_errors import classify
from tidings.domain.notifications import Notification
from tidings.domain.timefmt import iso_z

MIN_DAYS, MAX_DAYS = 1, 90
SECONDS_PER_DAY = 86_400
MANIFEST_VERSION = 1


def retention_prefix(notification: Notification) -> str:
    days = round((notification.expires_at - notification.created_at).total_seconds() / SECONDS_PER_DAY)
    return f"{min(MAX_DAYS, max(MIN_DAYS, days))}d"


def letter_key(notification: Notification) -> str:
    return f"{retention_prefix(notification)}/{notification.service_id}/{notification.id}.pdf"


def print_reference(notification: Notification) -> str:
    return f"print-{notification.id}"


class S3LetterStore:
    def __init__(self, bucket: str) -> None:
        self._bucket = bucket

    def put_pdf(self, notification: Notification, pdf: bytes) -> None:
        try:
            s3().put_object(Bucket=self._bucket, Key=letter_key(notification), Body=pdf, ContentType="application/pdf")
        except (BotoCoreError, ClientError) as error:
            raise classify(error) from error

    def get_pdf(self, notification: Notification) -> bytes | None:
        try:
            return s3().get_object(Bucket=self._bucket, Key=letter_key(notification))["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise classify(error) from error
        except BotoCoreError as error:
            raise classify(error) from error

    def delete_pdf(self, notification: Notification) -> None:
        try:
            s3().delete_object(Bucket=self._bucket, Key=letter_key(notification))
        except (BotoCoreError, ClientError) as error:
            raise classify(error) from error


class S3PrintDrop:
    """The production printer: PDF and manifest into the print bucket, under `{days}d/{YYYY-MM-DD}/`."""

    def __init__(self, bucket: str) -> None:
        self._bucket = bucket

    def print_letter(self, notification: Notification, pdf: bytes, sheets: int) -> str:
        base = f"{retention_prefix(notification)}/{notification.created_at:%Y-%m-%d}/{notification.id}"
        reference = print_reference(notification)
        manifest = {
            "version": MANIFEST_VERSION,
            "print_reference": reference,  # what the provider's receipts must name
            "notification_id": notification.id,
            "service_id": notification.service_id,
            "pdf": f"{base}.pdf",
            "postage": notification.postage,
            "sheets": sheets,
            "precompiled": notification.precompiled,
            "created_at": iso_z(notification.created_at),
            "handed_over_at": iso_z(datetime.now(UTC)),
        }  # no address or content: the PDF carries them
        try:
            s3().put_object(Bucket=self._bucket, Key=f"{base}.pdf", Body=pdf, ContentType="application/pdf")
            s3().put_object(
                Bucket=self._bucket,
                Key=f"{base}.json",
                Body=json.dumps(manifest).encode(),
                ContentType="application/json",
            )
        except (BotoCoreError, ClientError) as error:
            raise classify(error) from error
        return reference
