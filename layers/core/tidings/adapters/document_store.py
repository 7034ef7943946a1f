"""Files sent by email on S3: `{service_id}/{file_id}`, the record as JSON user metadata, and a
`retention-weeks` tag that the bucket's lifecycle rules (one per week count, template.yaml) expire on."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from tidings.adapters.aws import s3
from tidings.domain.documents import Document

METADATA = "document"  # S3 user metadata is ASCII: the JSON is written with non-ASCII escaped
RETENTION_TAG = "retention-weeks"
MISSING = {"404", "NoSuchKey", "NotFound"}


def object_key(service_id: str, file_id: str) -> str:
    return f"{service_id}/{file_id}"


class S3DocumentStore:
    def __init__(self, bucket: str) -> None:
        self._bucket = bucket

    def put(self, document: Document, content: bytes) -> None:
        s3().put_object(
            Bucket=self._bucket,
            Key=object_key(document.service_id, document.id),
            Body=content,
            ContentType=document.content_type,
            Metadata={METADATA: json.dumps(document.model_dump(mode="json"))},
            Tagging=f"{RETENTION_TAG}={document.retention_weeks}",
            ServerSideEncryption="AES256",
        )

    def find(self, service_id: str, file_id: str) -> Document | None:
        try:
            head = s3().head_object(Bucket=self._bucket, Key=object_key(service_id, file_id))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING:
                return None
            raise
        return _document(head["Metadata"], service_id, file_id)

    def content(self, document: Document) -> bytes | None:
        try:
            got = s3().get_object(Bucket=self._bucket, Key=object_key(document.service_id, document.id))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in MISSING:
                return None
            raise
        return got["Body"].read()


def _document(metadata: dict[str, str], service_id: str, file_id: str) -> Document | None:
    raw = metadata.get(METADATA)
    if raw is None:
        return None
    document = Document.model_validate_json(raw)
    # The key already names both; a record claiming otherwise is not this link's file.
    return document if (document.service_id, document.id) == (service_id, file_id) else None
