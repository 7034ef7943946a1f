"""The pages behind a file's link (plain, accessible HTML: one heading, labelled field, errors announced),
and the file itself as an attachment. Everything shown is escaped; nothing is loaded from elsewhere."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response

from tidings.api.http import unavailable_retry_after
from tidings.domain.documents import Document, DocumentGone, TooManyAttempts, content_disposition
from tidings.domain.errors import NotFound
from tidings.observability import logger

HTML = "text/html; charset=utf-8"
# No scripts, no third parties, no framing, forms only to ourselves; no Referer, so the key in the URL stays here.
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
STYLE = (
    "body{font-family:Arial,sans-serif;font-size:19px;line-height:1.4;color:#0b0c0c;margin:0;padding:20px}"
    "main{max-width:640px;margin:0 auto}label{display:block;font-weight:bold;margin-bottom:5px}"
    "input{font-size:19px;padding:5px;width:100%;max-width:400px;border:2px solid #0b0c0c}"
    "button,.button{font-size:19px;padding:8px 12px;margin-top:15px;background:#00703c;color:#fff;border:0;"
    "display:inline-block;text-decoration:none}"
    ".error{color:#d4351c;font-weight:bold}.error-summary{border:4px solid #d4351c;padding:15px;margin-bottom:20px}"
    ":focus{outline:3px solid #fd0;outline-offset:0}"
)


def page(status: int, title: str, body: str, headers: dict[str, str] | None = None) -> Response[str]:
    html = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} – Tidings</title>\n<style>{STYLE}</style>\n</head>\n"
        f'<body>\n<main id="main">\n{body}\n</main>\n</body>\n</html>\n'
    )
    return Response(status, HTML, html, headers={**PAGE_HEADERS, **(headers or {})})


def confirm_page(document: Document, error: str | None = None, status: int = 200) -> Response[str]:
    """Ask for the recipient's address; the form posts back to this very URL (its key included)."""
    described = "email-hint email-error" if error else "email-hint"
    invalid = ' aria-invalid="true"' if error else ""
    summary = (
        '<div class="error-summary" role="alert" aria-labelledby="error-title">\n'
        f'<h2 id="error-title">There is a problem</h2>\n<p id="email-error" class="error">{escape(error)}</p>\n</div>\n'
        if error
        else ""
    )
    body = (
        f"{summary}<h1>Confirm your email address</h1>\n"
        f"<p>You have been sent a file: {escape(_describe(document))}.</p>\n"
        '<form method="post" novalidate>\n'
        '<label for="email_address">Email address</label>\n'
        '<p id="email-hint">Type the email address the file was sent to.</p>\n'
        f'<input id="email_address" name="email_address" type="email" autocomplete="email" spellcheck="false" '
        f'aria-describedby="{described}"{invalid}>\n'
        '<button type="submit">Download the file</button>\n</form>'
    )
    return page(status, f"Error: {error}" if error else "Confirm your email address", body)


def direct_page(document: Document, key: str) -> Response[str]:
    """No confirmation asked: the page links straight to the file."""
    href = f"?key={quote(key, safe='')}&amp;download=1"
    body = (
        "<h1>You have been sent a file</h1>\n"
        f"<p>{escape(_describe(document))}</p>\n"
        f'<p><a class="button" href="{href}" download>Download the file</a></p>'
    )
    return page(200, "You have been sent a file", body)


def not_found_page() -> Response[str]:
    body = (
        "<h1>No file was found at this address</h1>\n"
        "<p>Check that you copied the whole link from the email. If you did, contact the service that sent it.</p>"
    )
    return page(404, "No file was found at this address", body)


def gone_page() -> Response[str]:
    body = (
        "<h1>This file is no longer available</h1>\n"
        "<p>Files can only be downloaded for a limited time. Contact the service that sent it for a new copy.</p>"
    )
    return page(410, "This file is no longer available", body)


def too_many_page(retry_after: int) -> Response[str]:
    minutes = max(1, -(-retry_after // 60))
    body = (
        "<h1>Too many wrong email addresses</h1>\n"
        f"<p>The wrong email address was typed too many times. Try again in {minutes} minutes.</p>"
    )
    return page(429, "Too many wrong email addresses", body, {"Retry-After": str(retry_after)})


def file_response(document: Document, content: bytes) -> Response[bytes]:
    """The exact bytes, always as an attachment (never rendered on our origin)."""
    headers = {
        "Content-Disposition": content_disposition(document),
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
    }
    return Response(200, document.content_type, content, headers=headers)


def register_download_errors(app: APIGatewayHttpResolver) -> None:
    """Every refusal of a download is a page: unknown (404), expired (410), too many wrong addresses (429), and
    S3 or DynamoDB throttled or down (503, with Retry-After) rather than API Gateway's bare 500."""

    @app.exception_handler(NotFound)
    def _not_found(_: NotFound) -> Response[str]:
        return not_found_page()

    @app.not_found
    def _no_route(_: Exception) -> Response[str]:
        return not_found_page()

    @app.exception_handler(DocumentGone)
    def _gone(_: DocumentGone) -> Response[str]:
        return gone_page()

    @app.exception_handler(TooManyAttempts)
    def _too_many(error: TooManyAttempts) -> Response[str]:
        logger.info("document attempts exhausted")
        return too_many_page(error.retry_after)

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[str]:
        retry = unavailable_retry_after(error)
        if retry is None:
            logger.exception("unhandled error", extra={"error_type": type(error).__name__})
            return page(500, "Sorry, there is a problem", "<h1>Sorry, there is a problem</h1>\n<p>Try again later.</p>")
        logger.warning("backend unavailable", extra={"error_type": type(error).__name__})
        body = "<h1>Sorry, the file cannot be shown right now</h1>\n<p>Try again in a minute.</p>"
        return page(503, "Sorry, the file cannot be shown right now", body, {"Retry-After": str(retry)})


def _describe(document: Document) -> str:
    kind = document.content_type.split("/")[-1].split(".")[-1].split(";")[0].upper()
    size = f"{document.size / 1024:.0f} KB" if document.size >= 1024 else f"{document.size} bytes"
    name = document.filename or "a file"
    return f"{name} ({kind}, {size})"
