"""GET and POST /d/{service_id}/{file_id}?key=…: the page behind a file's link, the address check, the file.

GET shows the page: a form asking for the recipient's address, or (no confirmation asked) a direct link,
`?key=…&download=1`, to the file. POST checks the typed address and answers the file itself. Unknown ids,
another service's ids and wrong keys are all the same 404 page; a file past its retention is a 410 page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from tidings.api.download_pages import confirm_page, direct_page, file_response, register_download_errors
from tidings.api.entry import http_entry
from tidings.domain.documents import (
    Document,
    WrongEmail,
    confirm_recipient,
    find_document,
    wrong_email_message,
)
from tidings.domain.errors import NotFound
from tidings.observability import logger
from tidings.wiring import deps

app = APIGatewayHttpResolver()
register_download_errors(app)


@app.get("/d/<service_id>/<file_id>")
def show(service_id: str, file_id: str) -> Response[Any]:
    document = _document(service_id, file_id)
    if document.confirm_email:
        return confirm_page(document)
    if app.current_event.get_query_string_value("download") == "1":
        return _download(document)
    return direct_page(document, _key())


@app.post("/d/<service_id>/<file_id>")
def confirm(service_id: str, file_id: str) -> Response[Any]:
    document = _document(service_id, file_id)
    d = deps()
    try:
        confirm_recipient(document, _typed_address(), d.counters, d.clock.now())
    except WrongEmail as wrong:
        logger.info("document address refused", extra={"document_id": document.id, "remaining": wrong.remaining})
        return confirm_page(document, wrong_email_message(wrong.remaining), status=403)
    return _download(document)


def _document(service_id: str, file_id: str) -> Document:
    d = deps()
    return find_document(d.documents.find, service_id, file_id, _key(), d.clock.now())


def _download(document: Document) -> Response[Any]:
    content = deps().documents.content(document)
    if content is None:
        raise NotFound("No file was found at this address")
    logger.info("document downloaded", extra={"document_id": document.id, "service_id": document.service_id})
    return file_response(document, content)


def _key() -> str:
    return app.current_event.get_query_string_value("key") or ""


def _typed_address() -> str:
    try:
        form = parse_qs(app.current_event.decoded_body or "")
    except ValueError:  # a body that is not UTF-8: nothing typed
        return ""
    return (form.get("email_address") or [""])[0]


lambda_handler = http_entry(app)
