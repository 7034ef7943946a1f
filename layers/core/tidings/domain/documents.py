"""Sending a file by email (spec §3.2): the upload's rules, its download link, and who may download it.

A personalisation value that is a mapping with a `file` key is an upload (what the official client's
`prepare_upload` builds). It is checked against a strict schema, decoded, and replaced in the email by a link
`{root}d/{service_id}/{file_id}?key={key}`: `file_id` is a random UUID, `key` 256 random bits (hex) of which only a
SHA-256 is stored, so neither the store nor the logs (which carry the file id) can rebuild a link. When the
sender asks for it (the default), the visitor must type the recipient's address first; only a salted SHA-256
of the normalised address is kept, and wrong addresses are counted: `WRONG_EMAIL_LIMIT` per file per hour.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import mimetypes
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote
from uuid import uuid4

from tidings.domain.email_address import OBSCURE_WHITESPACE
from tidings.domain.errors import BadRequest, NotFound, TidingsError, ValidationFailed
from tidings.domain.ids import is_canonical_uuid
from tidings.domain.limits import Counter, CounterFull, Counters, retry_after
from tidings.domain.models import Record

MAX_FILE_BYTES = 2 * 1024 * 1024  # what the official client checks before sending (2 MiB)
MAX_FILENAME_LENGTH = 100
DEFAULT_RETENTION_WEEKS = 26
MAX_RETENTION_WEEKS = 78
WRONG_EMAIL_LIMIT = 5  # wrong addresses typed per file within an hour of the first; then even the right one waits
ATTEMPT_WINDOW_SECONDS = 3600
TEST_DOCUMENT = "test-document"  # the link a simulated recipient gets: nothing is stored for it
UPLOAD_FIELDS = ("file", "filename", "confirm_email_before_download", "retention_period", "is_csv")
RETENTION = re.compile(r"^(\d+) weeks?$")
# Notify's list (its docs name these extensions); anything else is refused, so nothing served can be a page.
SUPPORTED_TYPES = {
    ".csv": "text/csv",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".jpeg": "image/jpeg",
    ".jpg": "image/jpeg",
    ".json": "application/json",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".rtf": "text/rtf",
    ".txt": "text/plain",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SIGNATURES = ((b"%PDF-", ".pdf"), (b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"))
UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\"]')


class DocumentGone(TidingsError):
    """The file existed but its retention is over (410)."""

    def __init__(self) -> None:
        super().__init__("This file is no longer available")


class WrongEmail(TidingsError):
    """The address typed is not the recipient's; `remaining` more tries this hour."""

    def __init__(self, remaining: int) -> None:
        super().__init__("That is not the email address the file was sent to")
        self.remaining = remaining


class TooManyAttempts(TidingsError):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many wrong email addresses")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Upload:
    """A checked upload: the decoded bytes and the sender's choices."""

    content: bytes
    filename: str | None
    content_type: str
    confirm_email: bool
    retention_weeks: int


@dataclass(frozen=True)
class DocumentLink:
    file_id: str
    key: str
    url: str


class Document(Record):
    """What is stored beside the bytes: enough to serve them, nothing that names the recipient."""

    id: str
    service_id: str
    filename: str | None
    content_type: str
    size: int
    confirm_email: bool
    email_salt: str  # hex; with email_hash, the normalised recipient (empty when no confirmation is asked)
    email_hash: str
    key_hash: str
    retention_weeks: int
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class StoredFile:
    document: Document
    content: bytes


def is_file(value: Any) -> bool:
    return isinstance(value, Mapping) and "file" in value


def new_link(root_url: str, service_id: str, simulated: bool = False) -> DocumentLink:
    """A fresh link under `root_url` (`scheme://host/`); a simulated recipient's names no file, in the shape
    Notify gives it (spec §3.2)."""
    if simulated:
        return DocumentLink(TEST_DOCUMENT, "", f"{root_url}services/{service_id}/documents/{TEST_DOCUMENT}")
    file_id, key = str(uuid4()), secrets.token_hex(32)  # hex: nothing Markdown could read as emphasis
    return DocumentLink(file_id, key, f"{root_url}d/{service_id}/{file_id}?key={key}")


def parse_upload(value: Mapping[str, Any]) -> Upload:
    """Check an upload as Notify does: its schema (ValidationError), then the file itself (BadRequestError)."""
    messages = _schema_messages(value)
    if messages:
        raise ValidationFailed(messages)
    try:
        content = base64.b64decode("".join(value["file"].split()), validate=True)  # wrapped lines too, as Notify
    except (binascii.Error, ValueError) as error:
        raise BadRequest("Document is not base64 encoded") from error
    if len(content) > MAX_FILE_BYTES:
        raise BadRequest("File is larger than 2MB")
    filename = value.get("filename")
    if filename is not None and len(filename) > MAX_FILENAME_LENGTH:
        raise BadRequest(f"`filename` cannot be longer than {MAX_FILENAME_LENGTH} characters")
    weeks = _weeks(value.get("retention_period"))  # None only when no period was given: the schema saw to that
    return Upload(
        content=content,
        filename=filename,
        content_type=_content_type(content, filename, bool(value.get("is_csv"))),
        confirm_email=value.get("confirm_email_before_download") is not False,
        retention_weeks=weeks if weeks is not None else DEFAULT_RETENTION_WEEKS,
    )


def stored_file(upload: Upload, link: DocumentLink, service_id: str, recipient: str, now: datetime) -> StoredFile:
    salt = secrets.token_hex(16)
    document = Document(
        id=link.file_id,
        service_id=service_id,
        filename=upload.filename,
        content_type=upload.content_type,
        size=len(upload.content),
        confirm_email=upload.confirm_email,
        email_salt=salt if upload.confirm_email else "",
        email_hash=_email_digest(salt, recipient) if upload.confirm_email else "",
        key_hash=_digest(link.key),
        retention_weeks=upload.retention_weeks,
        created_at=now,
        expires_at=now + timedelta(weeks=upload.retention_weeks),
    )
    return StoredFile(document, upload.content)


def find_document(
    find: Callable[[str, str], Document | None], service_id: str, file_id: str, key: str, now: datetime
) -> Document:
    """The document a link names, looked up under its own service only (another service's id is unknown here),
    if the link's key is right and its retention is not over."""
    if not (is_canonical_uuid(service_id.lower()) and is_canonical_uuid(file_id.lower())):
        raise NotFound("No file was found at this address")
    return open_document(find(service_id, file_id), key, now)


def open_document(document: Document | None, key: str, now: datetime) -> Document:
    """The document, if the key is right and its retention is not over."""
    if document is None or not hmac.compare_digest(_digest(key), document.key_hash):
        raise NotFound("No file was found at this address")
    if document.expires_at <= now:
        raise DocumentGone
    return document


def confirm_recipient(document: Document, typed: str, counters: Counters, now: datetime) -> None:
    """Pass when `typed` is the recipient's address; count a wrong one (WRONG_EMAIL_LIMIT an hour).

    Every attempt takes a token before its address is compared, and the right address gives it back: so however
    many attempts arrive at once, no more than the limit of wrong ones are ever compared."""
    if not document.confirm_email:
        return
    counter = Counter("wrong_email", WRONG_EMAIL_LIMIT, window_seconds=ATTEMPT_WINDOW_SECONDS)
    item_key = f"document#{document.id}"
    try:
        taken = counters.take(item_key, [counter], now, now + timedelta(seconds=2 * ATTEMPT_WINDOW_SECONDS))
    except CounterFull as error:
        raise TooManyAttempts(error.seconds_to_wait(now)) from error
    if hmac.compare_digest(_email_digest(document.email_salt, typed), document.email_hash):
        counters.give_back(item_key, counter)
        return
    remaining = WRONG_EMAIL_LIMIT - taken.get(counter.name, WRONG_EMAIL_LIMIT)
    if remaining <= 0:
        raise TooManyAttempts(retry_after(counter, now, taken))
    raise WrongEmail(remaining)


def content_disposition(document: Document) -> str:
    """`attachment`, with the upload's filename (an ASCII fallback and the exact UTF-8 name, RFC 6266)."""
    name = UNSAFE_FILENAME.sub("_", document.filename or "") or _default_name(document)
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def normalise_for_comparison(address: str) -> str:
    """How an address is compared: trimmed (obscure whitespace too) and case-insensitive."""
    return address.translate(OBSCURE_WHITESPACE).strip().casefold()


def wrong_email_message(remaining: int) -> str:
    tries = "1 more try" if remaining == 1 else f"{remaining} more tries"
    return f"That is not the email address the file was sent to. You have {tries} this hour."


def _default_name(document: Document) -> str:
    extension = next((ext for ext, kind in SUPPORTED_TYPES.items() if kind == document.content_type), ".bin")
    return f"file{extension}"


def _schema_messages(value: Mapping[str, Any]) -> list[str]:
    messages: list[str] = []
    file, filename = value.get("file"), value.get("filename")
    if not isinstance(file, str):
        messages.append(f"file {_shown(file)} is not of type string")
    if filename is not None and not (isinstance(filename, str) and "." in filename):
        messages.append("filename `filename` must end with a file extension. For example, filename.csv")
    confirm = value.get("confirm_email_before_download")
    if confirm is not None and not isinstance(confirm, bool):
        messages.append(
            "confirm_email_before_download Unsupported value for confirm_email_before_download: "
            f"{_shown(confirm)}. Use a boolean true or false value."
        )
    retention = value.get("retention_period")
    if retention is not None and _weeks(retention) is None:
        messages.append(
            f"retention_period Unsupported value for retention_period: {_shown(retention)}. "
            f"Supported periods are from 1 to {MAX_RETENTION_WEEKS} weeks."
        )
    is_csv = value.get("is_csv")
    if is_csv is not None and not isinstance(is_csv, bool):
        messages.append(f"is_csv Unsupported value for is_csv: {_shown(is_csv)}. Use a boolean true or false value.")
    if is_csv is not None and filename is not None:
        messages.append("is_csv Cannot set both is_csv and filename")
    extra = [key for key in value if key not in UPLOAD_FIELDS]
    if extra:
        verb = "was" if len(extra) == 1 else "were"
        messages.append(f"Additional properties are not allowed ({', '.join(map(str, extra))} {verb} unexpected)")
    return list(dict.fromkeys(messages))


def _shown(value: Any) -> str:
    """A value as Notify's messages show it (Python's str, single quotes removed)."""
    return str(value).replace("'", "")


def _weeks(value: Any) -> int | None:
    if isinstance(value, str):
        match = RETENTION.match(value.strip().lower())
        if match and 1 <= int(match.group(1)) <= MAX_RETENTION_WEEKS:
            return int(match.group(1))
    return None


def _content_type(content: bytes, filename: str | None, is_csv: bool) -> str:
    if filename is not None:
        extension = "." + filename.rsplit(".", 1)[-1].lower()
        if extension in SUPPORTED_TYPES:
            return SUPPORTED_TYPES[extension]
        raise BadRequest(_unsupported(mimetypes.guess_type(f"x{extension}")[0] or extension))
    if is_csv:
        return SUPPORTED_TYPES[".csv"]
    for signature, extension in SIGNATURES:
        if content.startswith(signature):
            return SUPPORTED_TYPES[extension]
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(_unsupported("application/octet-stream")) from None
    return SUPPORTED_TYPES[".txt"]


def _unsupported(kind: str) -> str:
    supported = ", ".join(f"'{extension}'" for extension in SUPPORTED_TYPES)
    return f"Unsupported file type '{kind}'. Supported types are: {supported}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _email_digest(salt: str, address: str) -> str:
    return hashlib.sha256(f"{salt}:{normalise_for_comparison(address)}".encode()).hexdigest()
