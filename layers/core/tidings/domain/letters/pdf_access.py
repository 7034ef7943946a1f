"""GET /v2/notifications/{id}/pdf (spec §3.7): which letters have a PDF to show, and the errors otherwise."""

from __future__ import annotations

from tidings.domain.errors import BadRequest, PdfNotReady
from tidings.domain.notifications import Notification
from tidings.ports import LetterStore

NOT_A_LETTER = "Notification is not a letter"
VIRUS = "File did not pass the virus scan"
TECHNICAL_FAILURE = "PDF not available for letters in status technical-failure"


def letter_pdf(notification: Notification, letters: LetterStore) -> bytes:
    """The caller's letter's PDF (the caller has already found it among its own service's notifications)."""
    if notification.type != "letter":
        raise BadRequest(NOT_A_LETTER)
    if notification.status == "virus-scan-failed":
        raise BadRequest(VIRUS)
    if notification.status == "technical-failure":
        raise BadRequest(TECHNICAL_FAILURE)
    if notification.api_status == "pending-virus-check":  # stored `sending` while a dispatch checks it: unscanned
        raise PdfNotReady()
    pdf = letters.get_pdf(notification)
    if pdf is None:
        raise PdfNotReady()
    return pdf
