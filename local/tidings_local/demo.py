"""Demo data for `tidings local`: a live service with templates, a guest list and one key of each type."""

from __future__ import annotations

from typing import Any

from tidings_local.admin_client import AdminClient

TEAM_MOBILE, TEAM_EMAIL = "07700900123", "team@example.gov.uk"


def create_demo(client: AdminClient) -> dict[str, Any]:
    service = client.create_service(
        name="Demo service", restricted=False, contact_link="https://www.example.gov.uk/contact-us"
    )
    service_id = service["id"]
    client.set_guest_list(service_id, [TEAM_MOBILE], [TEAM_EMAIL])
    client.create_sms_sender(service_id, sms_sender="Tidings", is_default=True)
    sms = client.create_template(service_id, name="Demo SMS", type="sms", content="Hello ((name))")
    email = client.create_template(
        service_id,
        name="Demo email",
        type="email",
        subject="Hi ((name))",
        content="Dear ((name))\r\n((items))",
    )
    letter = client.create_template(
        service_id,
        name="Demo letter",
        type="letter",
        subject="Your appointment ((ref))",
        content=(
            "Dear ((name))\r\n\r\nYour appointment is confirmed.\r\n\r\n"
            "* Bring this letter\r\n* Arrive 10 minutes early"
        ),
        letter_contact_block="Demo service\n1 Demo Street\nLondon\nSW1A 2AA",
    )
    keys = {kind: client.create_api_key(service_id, f"demo {kind}", kind)["key"] for kind in ("normal", "team", "test")}
    return {
        "service_id": service_id,
        "templates": {"sms": sms["id"], "email": email["id"], "letter": letter["id"]},
        "keys": {"live": keys["normal"], "team": keys["team"], "test": keys["test"]},
    }
