"""Send a file by email (spec §3.2): the upload's schema and file rules, its link, who may download it."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from typing import Any

import pytest

from tests.fakes import FixedClock, InMemoryCounters
from tidings.domain.documents import (
    MAX_FILE_BYTES,
    WRONG_EMAIL_LIMIT,
    Document,
    DocumentGone,
    TooManyAttempts,
    WrongEmail,
    confirm_recipient,
    content_disposition,
    find_document,
    new_link,
    parse_upload,
    stored_file,
)
from tidings.domain.errors import BadRequest, NotFound, ValidationFailed
from tidings.domain.limits import Counter

NOW = FixedClock().now()
SERVICE = "11111111-1111-4111-8111-111111111111"
PDF = b"%PDF-1.4 hello"


def upload(content: bytes = PDF, **fields: Any) -> dict[str, Any]:
    return {"file": base64.b64encode(content).decode("ascii"), **fields}


def schema_errors(value: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationFailed) as caught:
        parse_upload(value)
    return caught.value.messages


def refusal(value: dict[str, Any]) -> str:
    with pytest.raises(BadRequest) as caught:
        parse_upload(value)
    return caught.value.message


def test_defaults_are_confirmation_on_and_26_weeks() -> None:
    parsed = parse_upload(upload(filename=None, confirm_email_before_download=None, retention_period=None))
    assert (parsed.content, parsed.content_type, parsed.confirm_email, parsed.retention_weeks) == (
        PDF,
        "application/pdf",
        True,
        26,
    )


@pytest.mark.parametrize(("period", "weeks"), [("1 week", 1), ("78 weeks", 78), (" 12 Weeks ", 12)])
def test_retention_periods(period: str, weeks: int) -> None:
    assert parse_upload(upload(retention_period=period)).retention_weeks == weeks


def test_only_an_explicit_false_turns_confirmation_off() -> None:
    assert parse_upload(upload(confirm_email_before_download=False)).confirm_email is False
    assert parse_upload(upload(confirm_email_before_download=True)).confirm_email is True


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"filename": "noextension"}, "filename `filename` must end with a file extension. For example, filename.csv"),
        (
            {"retention_period": "100 weeks"},
            "retention_period Unsupported value for retention_period: 100 weeks. Supported periods are from 1 to 78 weeks.",
        ),
        (
            {"retention_period": "0 weeks"},
            "retention_period Unsupported value for retention_period: 0 weeks. Supported periods are from 1 to 78 weeks.",
        ),
        (
            {"retention_period": "1 month"},
            "retention_period Unsupported value for retention_period: 1 month. Supported periods are from 1 to 78 weeks.",
        ),
        (
            {"confirm_email_before_download": "yes"},
            "confirm_email_before_download Unsupported value for confirm_email_before_download: yes. "
            "Use a boolean true or false value.",
        ),
        ({"is_csv": "no"}, "is_csv Unsupported value for is_csv: no. Use a boolean true or false value."),
        ({"is_csv": True, "filename": "a.csv"}, "is_csv Cannot set both is_csv and filename"),
        ({"other": 1}, "Additional properties are not allowed (other was unexpected)"),
    ],
)
def test_schema_messages(fields: dict[str, Any], message: str) -> None:
    assert schema_errors(upload(**fields)) == [message]


def test_every_schema_problem_is_reported_together() -> None:
    assert schema_errors({"file": 5, "filename": "x", "a": 1, "b": 2}) == [
        "file 5 is not of type string",
        "filename `filename` must end with a file extension. For example, filename.csv",
        "Additional properties are not allowed (a, b were unexpected)",
    ]


def test_file_rules() -> None:
    assert refusal({"file": "not base64!"}) == "Document is not base64 encoded"
    wrapped = base64.encodebytes(b"a line of text\n" * 10).decode()  # in lines, as MIME encoders write it
    assert "\n" in wrapped.strip() and parse_upload({"file": wrapped}).content == b"a line of text\n" * 10
    assert refusal(upload(b"x" * (MAX_FILE_BYTES + 1), filename="a.txt")) == "File is larger than 2MB"
    assert parse_upload(upload(b"x" * MAX_FILE_BYTES, filename="a.txt")).content_type == "text/plain"
    assert refusal(upload(filename="x" * 97 + ".pdf")) == "`filename` cannot be longer than 100 characters"
    assert refusal(upload(filename="page.html")).startswith("Unsupported file type 'text/html'. Supported types are:")
    assert refusal(upload(b"\x00\xff\xfe")).startswith("Unsupported file type 'application/octet-stream'")


@pytest.mark.parametrize(
    ("content", "fields", "kind"),
    [
        (b"a,b\n1,2\n", {"is_csv": True}, "text/csv"),
        (b"\x89PNG\r\n\x1a\n....", {}, "image/png"),
        (b"plain words", {}, "text/plain"),
        (
            b"anything",
            {"filename": "Report.DOCX"},
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_content_types(content: bytes, fields: dict[str, Any], kind: str) -> None:
    assert parse_upload(upload(content, **fields)).content_type == kind


def test_links_are_unguessable_and_name_the_service() -> None:
    first, second = new_link("https://api.test/", SERVICE), new_link("https://api.test/", SERVICE)
    assert re.fullmatch(rf"https://api\.test/d/{SERVICE}/[0-9a-f-]{{36}}\?key=[0-9a-f]{{64}}", first.url)
    assert first.file_id != second.file_id and first.key != second.key
    assert (
        new_link("https://api.test/", SERVICE, simulated=True).url
        == f"https://api.test/services/{SERVICE}/documents/test-document"
    )


def stored(**fields: Any) -> tuple[Document, str]:
    link = new_link("https://api.test/", SERVICE)
    file = stored_file(parse_upload(upload(**fields)), link, SERVICE, "Amala@Example.gov.uk", NOW)
    return file.document, link.key


def test_the_record_keeps_neither_the_address_nor_the_key() -> None:
    document, key = stored(filename="a.pdf")
    text = document.model_dump_json()
    assert "amala" not in text.lower() and key not in text
    assert document.expires_at == NOW + timedelta(weeks=26) and document.size == len(PDF)


def test_a_link_opens_only_with_its_key_under_its_service_and_within_retention() -> None:
    document, key = stored()
    files = {(SERVICE, document.id): document}
    assert find_document(lambda s, f: files.get((s, f)), SERVICE, document.id, key, NOW) == document
    other_service = "22222222-2222-4222-8222-222222222222"
    for service_id, file_id, given in [
        (SERVICE, document.id, "wrong"),
        (SERVICE, document.id, ""),
        (other_service, document.id, key),
        (SERVICE, "not-a-uuid", key),
    ]:
        with pytest.raises(NotFound):
            find_document(lambda s, f: files.get((s, f)), service_id, file_id, given, NOW)
    with pytest.raises(DocumentGone):
        find_document(lambda s, f: files.get((s, f)), SERVICE, document.id, key, NOW + timedelta(weeks=26))


def test_the_address_is_compared_ignoring_case_and_spaces() -> None:
    document, _ = stored()
    counters = InMemoryCounters()
    confirm_recipient(document, "  amala@EXAMPLE.gov.uk ", counters, NOW)
    with pytest.raises(WrongEmail) as wrong:
        confirm_recipient(document, "someone@example.gov.uk", counters, NOW)
    assert wrong.value.remaining == WRONG_EMAIL_LIMIT - 1


def test_wrong_addresses_are_limited_per_hour_and_then_even_the_right_one_waits() -> None:
    document, _ = stored()
    counters = InMemoryCounters()
    for attempt in range(1, WRONG_EMAIL_LIMIT):
        with pytest.raises(WrongEmail) as wrong:
            confirm_recipient(document, f"guess{attempt}@example.com", counters, NOW)
        assert wrong.value.remaining == WRONG_EMAIL_LIMIT - attempt
    with pytest.raises(TooManyAttempts):
        confirm_recipient(document, "last@example.com", counters, NOW)
    with pytest.raises(TooManyAttempts) as locked:
        confirm_recipient(document, "amala@example.gov.uk", counters, NOW)
    assert 0 < locked.value.retry_after <= 3600
    confirm_recipient(document, "amala@example.gov.uk", counters, NOW + timedelta(hours=1))


def test_attempts_in_flight_hold_their_tokens_so_no_more_than_the_limit_are_compared() -> None:
    """Parallel guesses: each takes its token before its address is compared. With the limit's worth of attempts
    in flight (tokens taken, not yet compared), one more is refused before its address is looked at, right or
    not; the right address gives its token back once it has passed."""
    document, _ = stored()
    counters = InMemoryCounters()
    confirm_recipient(document, "amala@example.gov.uk", counters, NOW)
    assert counters.read(f"document#{document.id}")["wrong_email"] == 0  # the right address counted nothing
    in_flight = Counter("wrong_email", WRONG_EMAIL_LIMIT, window_seconds=3600)
    for _ in range(WRONG_EMAIL_LIMIT):
        counters.take(f"document#{document.id}", [in_flight], NOW, NOW + timedelta(hours=2))
    with pytest.raises(TooManyAttempts):
        confirm_recipient(document, "amala@example.gov.uk", counters, NOW)


def test_no_confirmation_asked_lets_anyone_with_the_link_through() -> None:
    document, _ = stored(confirm_email_before_download=False)
    assert document.email_hash == "" and document.email_salt == ""
    confirm_recipient(document, "", InMemoryCounters(), NOW)


def test_content_disposition_keeps_the_name_and_cannot_be_broken_out_of() -> None:
    document, _ = stored(filename="Rapport d’été.pdf")
    assert content_disposition(document) == (
        "attachment; filename=\"Rapport d__t_.pdf\"; filename*=UTF-8''Rapport%20d%E2%80%99%C3%A9t%C3%A9.pdf"
    )
    evil, _ = stored(filename='a"\r\nSet-Cookie: x=1;.pdf')
    assert "\r" not in content_disposition(evil) and '"a_' in content_disposition(evil)
    unnamed, _ = stored()
    assert content_disposition(unnamed).startswith('attachment; filename="file.pdf"')
