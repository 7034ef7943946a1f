"""Letters in the dispatch batch: rendered or checked, kept, printed (or simulated), with their sheets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.fakes import FixedClock, InMemoryNotificationStore, MemoryLetters, RecordingProviders
from tidings.adapters.virus_scan import EICAR, SignatureScanner
from tidings.domain.dispatch import DispatchContext, Job, Outcome, dispatch_batch
from tidings.domain.errors import ProviderError
from tidings.domain.letters.address import INTERNATIONAL_LETTERS, NOT_REAL, POSTCODE_OR_COUNTRY, UK_POSTCODE
from tidings.domain.letters.precompiled import NOT_A_PDF
from tidings.domain.letters.render_pdf import LetterContent, render_letter
from tidings.domain.notifications import Notification

NOW = FixedClock().now()
ADDRESS = "A Person\n1 High St\nSW1A 1AA"


class RecordingPrinter:
    def __init__(self, error: ProviderError | None = None) -> None:
        self.printed: list[tuple[str, int]] = []
        self.error = error

    def print_letter(self, notification: Notification, pdf: bytes, sheets: int) -> str:
        if self.error:
            raise self.error
        assert pdf.startswith(b"%PDF")
        self.printed.append((notification.id, sheets))
        return f"print-{notification.id}"


def letter(store: InMemoryNotificationStore, **fields: Any) -> Notification:
    defaults = {
        "id": "l1", "service_id": "s", "key_type": "normal", "type": "letter", "template_id": "t",
        "template_version": 1, "to": ADDRESS, "normalised_to": ADDRESS, "body": "Dear Jo", "subject": "Hello",
        "sender": "S", "created_at": NOW, "expires_at": NOW + timedelta(days=7), "postage": "second",
    }  # fmt: skip
    notification = Notification.model_validate({**defaults, **fields})
    store.put(notification)
    return notification


def context(store: InMemoryNotificationStore, letters: MemoryLetters, printer: RecordingPrinter) -> DispatchContext:
    providers = RecordingProviders()
    return DispatchContext(
        store=store,
        sms=providers,
        email=providers,
        now=NOW,
        letters=letters,
        scanner=SignatureScanner(),
        printer=printer,
    )


def run(store: InMemoryNotificationStore, letters: MemoryLetters, printer: RecordingPrinter, *ids: str) -> Any:
    return dispatch_batch([Job(i) for i in ids], context(store, letters, printer))


def test_a_templated_letter_is_rendered_kept_and_printed() -> None:
    store, letters, printer = InMemoryNotificationStore(), MemoryLetters(), RecordingPrinter()
    letter(store)
    assert run(store, letters, printer, "l1") == {"l1": Outcome.SENT}
    assert printer.printed == [("l1", 1)]
    assert letters.pdfs["l1"].startswith(b"%PDF")
    n = store.items["l1"]
    assert (n.status, n.api_status, n.billable_sheets, store.references["print-l1"].id) == (
        "sending",
        "accepted",
        1,
        "l1",
    )


def test_test_key_letters_are_kept_but_never_printed() -> None:
    store, letters, printer = InMemoryNotificationStore(), MemoryLetters(), RecordingPrinter()
    letter(store, simulate=True)
    assert run(store, letters, printer, "l1") == {"l1": Outcome.SIMULATED}
    assert printer.printed == [] and "l1" in letters.pdfs
    assert (store.items["l1"].api_status, store.items["l1"].billable_sheets) == ("received", 1)


def test_a_letter_over_ten_sheets_fails_validation() -> None:
    store, letters, printer = InMemoryNotificationStore(), MemoryLetters(), RecordingPrinter()
    letter(store, body="\n\n***\n\n".join(["Page"] * 21))
    assert run(store, letters, printer, "l1") == {"l1": Outcome.FAILED}
    assert store.items["l1"].status == "validation-failed" and printer.printed == []


def test_a_print_provider_outage_is_retried() -> None:
    store, letters = InMemoryNotificationStore(), MemoryLetters()
    printer = RecordingPrinter(ProviderError("SlowDown", retryable=True))
    letter(store)
    assert run(store, letters, printer, "l1") == {"l1": Outcome.RETRY}
    assert store.items["l1"].status == "created"  # the queue brings it back


def precompiled(store: InMemoryNotificationStore, letters: MemoryLetters, pdf: bytes, abroad: bool = False) -> None:
    n = letter(
        store,
        precompiled=True,
        status="pending-virus-check",
        to="",
        normalised_to="",
        body="",
        extra={INTERNATIONAL_LETTERS: abroad},
    )
    letters.put_pdf(n, pdf)


def client_pdf(*address: str) -> bytes:
    lines = address or ("Ms B Client", "2 Low Road", "Leeds", "LS1 4AP")
    return render_letter(LetterContent(lines, "H", "B", None, NOW)).pdf


@pytest.mark.parametrize(
    ("address", "abroad", "reason"),
    [
        (("Ms B Client", "2 Low Road", "Leeds"), False, UK_POSTCODE),  # no postcode under the town
        (("Ms B Client", "2 Low Road", "Leeds", "LS1"), False, UK_POSTCODE),  # half a postcode
        (("M. Dupont", "1 rue de Rivoli", "Paris", "France"), False, UK_POSTCODE),  # abroad, not allowed
        (("Ms B Client", "2 Low Road", "Atlantis"), True, POSTCODE_OR_COUNTRY),
        (("Ms B Client", "No fixed abode", "LS1 4AP"), False, NOT_REAL),
    ],
)
def test_a_precompiled_letter_whose_address_breaks_the_rules_fails_validation(
    address: tuple[str, ...], abroad: bool, reason: str
) -> None:
    store, letters, printer = InMemoryNotificationStore(), MemoryLetters(), RecordingPrinter()
    precompiled(store, letters, client_pdf(*address), abroad=abroad)
    assert run(store, letters, printer, "l1") == {"l1": Outcome.FAILED}
    assert (store.items["l1"].status, store.items["l1"].failure_reason) == ("validation-failed", reason)
    assert printer.printed == []


def test_a_precompiled_letter_abroad_from_a_service_that_may_send_abroad_takes_the_zones_postage() -> None:
    store, letters, printer = InMemoryNotificationStore(), MemoryLetters(), RecordingPrinter()
    precompiled(store, letters, client_pdf("M. Dupont", "1 rue de Rivoli", "Paris", "France"), abroad=True)
    assert run(store, letters, printer, "l1") == {"l1": Outcome.SENT}
    n = store.items["l1"]
    assert (n.postage, n.to, printer.printed) == ("europe", "M. Dupont\n1 rue de Rivoli\nParis\nFrance", [("l1", 1)])


def test_a_precompiled_letters_postcode_is_printed_as_a_postcode() -> None:
    store, letters, printer = InMemoryNotificationStore(), MemoryLetters(), RecordingPrinter()
    precompiled(store, letters, client_pdf("Ms B Client", "2 Low Road", "Leeds", "ls14ap"))
    assert run(store, letters, printer, "l1") == {"l1": Outcome.SENT}
    assert (store.items["l1"].address[-1], store.items["l1"].postage) == ("LS1 4AP", "second")


def test_a_precompiled_letter_is_scanned_checked_and_printed() -> None:
    store, letters, printer = InMemoryNotificationStore(), MemoryLetters(), RecordingPrinter()
    precompiled(store, letters, client_pdf())
    assert run(store, letters, printer, "l1") == {"l1": Outcome.SENT}
    n = store.items["l1"]
    assert (n.status, n.billable_sheets, n.to) == ("sending", 1, "Ms B Client\n2 Low Road\nLeeds\nLS1 4AP")
    assert n.address == ["Ms B Client", "2 Low Road", "Leeds", None, None, None, "LS1 4AP"]
    assert printer.printed == [("l1", 1)]


def test_a_precompiled_letter_with_a_virus_is_deleted_and_never_printed() -> None:
    store, letters, printer = InMemoryNotificationStore(), MemoryLetters(), RecordingPrinter()
    precompiled(store, letters, client_pdf() + EICAR)
    assert run(store, letters, printer, "l1") == {"l1": Outcome.FAILED}
    assert (store.items["l1"].status, letters.pdfs, printer.printed) == ("virus-scan-failed", {}, [])


def test_a_precompiled_letter_that_is_no_pdf_fails_validation() -> None:
    store, letters, printer = InMemoryNotificationStore(), MemoryLetters(), RecordingPrinter()
    precompiled(store, letters, b"%PDF-1.4 nonsense")
    assert run(store, letters, printer, "l1") == {"l1": Outcome.FAILED}
    assert (store.items["l1"].status, store.items["l1"].failure_reason) == ("validation-failed", NOT_A_PDF)


def test_letters_and_sms_share_one_batch() -> None:
    store, letters, printer = InMemoryNotificationStore(), MemoryLetters(), RecordingPrinter()
    letter(store)
    sms = {
        "id": "s1", "service_id": "s", "key_type": "normal", "type": "sms", "template_id": "t", "template_version": 1,
        "to": "07700900123", "normalised_to": "447700900123", "body": "Hi", "sender": "GOVUK", "created_at": NOW,
        "expires_at": NOW + timedelta(days=7),
    }  # fmt: skip
    store.put(Notification.model_validate(sms))
    assert run(store, letters, printer, "l1", "s1") == {"l1": Outcome.SENT, "s1": Outcome.SENT}
    assert store.items["s1"].billable_sheets == 0 and store.items["l1"].billable_sheets == 1
