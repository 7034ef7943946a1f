"""The letter step of a dispatch: make the PDF (render a templated letter, or scan and check a precompiled one),
keep it in the letter store, and count its sheets. The dispatch then prints it, or simulates that for test keys.
"""

from __future__ import annotations

from tidings.domain.errors import ProviderError, ValidationFailed
from tidings.domain.letters.address import INTERNATIONAL_LETTERS, SLOTS, validate_address
from tidings.domain.letters.postage import MAX_SHEETS, letter_postage, sheets_for
from tidings.domain.letters.precompiled import TOO_LONG, check_pdf
from tidings.domain.letters.render_pdf import LetterContent, render_letter
from tidings.domain.notifications import Notification
from tidings.ports import LetterStore, VirusScanner

VIRUS_FOUND = "The file did not pass the virus scan"
NOT_STORED = "The letter's PDF is missing"
NOT_RENDERED = "The letter could not be rendered"


def prepare_letter(
    notification: Notification, letters: LetterStore | None, scanner: VirusScanner | None
) -> tuple[dict[str, object], bytes]:
    """The changes the letter calls for (its sheets, or a failed status with the reason) and its PDF.

    Raises ProviderError when a port cannot answer (the queue retries); a letter that can never be printed
    ends as validation-failed, virus-scan-failed or technical-failure instead.
    """
    if letters is None:
        raise ProviderError("No letter store is configured", retryable=False)
    if notification.precompiled:
        return _precompiled(notification, letters, scanner)
    content = LetterContent(
        address=tuple(notification.to.split("\n")),
        heading=notification.subject or "",
        body=notification.body,
        contact_block=notification.letter_contact_block,
        date=notification.created_at,
    )
    try:
        rendered = render_letter(content)
    except Exception:  # one letter's content must not fail its batch: it fails alone, as technical-failure
        return {"status": "technical-failure", "failure_reason": NOT_RENDERED}, b""
    if sheets_for(rendered.pages) > MAX_SHEETS:
        return {"status": "validation-failed", "failure_reason": TOO_LONG}, b""
    letters.put_pdf(notification, rendered.pdf)
    return {"billable_sheets": sheets_for(rendered.pages)}, rendered.pdf


def _precompiled(
    notification: Notification, letters: LetterStore, scanner: VirusScanner | None
) -> tuple[dict[str, object], bytes]:
    if scanner is None:
        raise ProviderError("No virus scanner is configured", retryable=False)
    pdf = letters.get_pdf(notification)
    if pdf is None:
        return {"status": "technical-failure", "failure_reason": NOT_STORED}, b""
    if not scanner.is_clean(pdf):
        letters.delete_pdf(notification)  # never kept, never served
        return {"status": "virus-scan-failed", "failure_reason": VIRUS_FOUND}, b""
    checked = check_pdf(pdf)
    if checked.problem is not None:
        return {"status": "validation-failed", "failure_reason": checked.problem}, b""
    try:  # the address window's lines follow a templated letter's rules (Notify checks both alike)
        # (a letter accepted before the permission was kept on it may go abroad, as any could then)
        postal = validate_address(list(checked.address), bool(notification.extra.get(INTERNATIONAL_LETTERS, True)))
    except ValidationFailed as refused:
        return {"status": "validation-failed", "failure_reason": refused.messages[0]}, b""
    lines = list(postal.lines)
    head = lines[:-1][: SLOTS - 1]  # GET shows the first lines as line_1…, the last as postcode
    address: list[str | None] = [*head, *[None] * (SLOTS - 1 - len(head)), lines[-1]]
    changes: dict[str, object] = {
        "billable_sheets": sheets_for(checked.pages),
        "address": address,
        "to": "\n".join(lines),
        "normalised_to": "\n".join(lines),
        "postage": letter_postage(notification.postage, postal.zone),  # abroad: the zone's, as Notify sets it
    }
    return changes, pdf
