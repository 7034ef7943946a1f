"""A person downloads a file sent by email, in a real browser: Debian's headless chromium, driven by Selenium
through chromium-driver (`make e2e` installs both when missing; the test never skips).

The official client sends an email with a file to `tidings local`; the link is read from what SES was asked to
send (GET /_local/outbox); the browser opens it, a wrong address is refused, the right one downloads the file,
and the bytes on disk are the bytes sent.
"""

from __future__ import annotations

import io
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from notifications_python_client import NotificationsAPIClient, prepare_upload
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.e2e.conftest import RunningStack, Seed

pytestmark = pytest.mark.e2e
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEADLINE_SECONDS = 30
RECIPIENT = "team@example.gov.uk"
# Every byte value, so any re-encoding on the way (base64, text, line endings) would show.
CONTENT = b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"


def wait_for(what: str, probe: object) -> object:
    """Poll `probe` (a callable) until it answers something truthy, or fail at the deadline."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        found = probe()  # type: ignore[operator]
        if found:
            return found
        time.sleep(0.1)  # polling a browser and a queue consumer, with a deadline: never a fixed wait
    raise AssertionError(f"no {what} within {DEADLINE_SECONDS}s")


@pytest.fixture
def downloads() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="tidings-downloads-") as directory:
        yield Path(directory)


@pytest.fixture
def browser(downloads: Path) -> Iterator[WebDriver]:
    with tempfile.TemporaryDirectory(prefix="tidings-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in [*FLAGS, f"--user-data-dir={profile}"]:
            options.add_argument(flag)
        options.add_experimental_option(
            "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
        )
        driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
        try:
            driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
            yield driver
        finally:
            driver.quit()


def link_from_outbox(local_stack: RunningStack, notification_id: str) -> str:
    """The download link in the email SES was asked to send, once the dispatcher has sent it."""

    def sent() -> str | None:
        messages = requests.get(f"{local_stack.url}/_local/outbox", timeout=10).json()["messages"]
        bodies = [str(m["body"]) for m in messages if m["notification_id"] == notification_id]
        for body in bodies:
            match = re.search(r"https?://[^\s)\"'<>]+/d/[^\s)\"'<>]+", body)
            if match:
                return match.group(0).replace("&amp;", "&")
        return None

    return str(wait_for("email in the outbox", sent))


def submit_address(driver: WebDriver, address: str) -> None:
    field = driver.find_element(By.ID, "email_address")
    label = driver.find_element(By.CSS_SELECTOR, "label[for=email_address]")
    assert label.text == "Email address"
    field.clear()
    field.send_keys(address)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def test_a_person_confirms_their_address_and_downloads_the_exact_file(
    local_stack: RunningStack, seed: Seed, browser: WebDriver, downloads: Path
) -> None:
    client = NotificationsAPIClient(seed.live, base_url=local_stack.url)
    upload = prepare_upload(io.BytesIO(CONTENT), filename="your-letter.pdf")
    sent = client.send_email_notification(RECIPIENT, seed.email_t, {"name": "Amala", "items": upload})
    link = link_from_outbox(local_stack, sent["id"])

    browser.get(link)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Confirm your email address"
    assert "your-letter.pdf" in browser.find_element(By.TAG_NAME, "main").text

    submit_address(browser, "someone.else@example.gov.uk")
    alert = wait_for("refusal", lambda: browser.find_elements(By.CSS_SELECTOR, "[role=alert]"))
    assert "That is not the email address the file was sent to" in alert[0].text  # type: ignore[index]
    assert browser.title.startswith("Error:")
    assert browser.find_element(By.ID, "email_address").get_attribute("aria-invalid") == "true"
    assert list(downloads.iterdir()) == []

    submit_address(browser, " Team@Example.gov.uk")
    target = downloads / "your-letter.pdf"
    wait_for("downloaded file", lambda: target.exists() and not list(downloads.glob("*.crdownload")))
    assert target.read_bytes() == CONTENT
