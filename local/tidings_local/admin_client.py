"""A small client for the /admin API (used by the CLI, the demo data and the tests)."""

from __future__ import annotations

import time
from typing import Any

import jwt
import requests

ADMIN_ISSUER = "tidings-admin"


class AdminError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


def admin_token(secret: str, issued_at: int | None = None) -> str:
    """A fresh admin JWT: HS256 over the admin secret, `iss` tidings-admin, `iat` now."""
    iat = int(time.time()) if issued_at is None else issued_at
    return jwt.encode({"iss": ADMIN_ISSUER, "iat": iat}, secret, algorithm="HS256")


class AdminClient:
    def __init__(self, base_url: str, secret: str, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self._secret = secret
        self._timeout = timeout
        self._session = requests.Session()

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self._session.request(
            method,
            f"{self.base_url}{path}",
            json=body,
            headers={"Authorization": f"Bearer {admin_token(self._secret)}"},
            timeout=self._timeout,
        )
        payload = response.json() if response.content else {}
        if response.status_code >= 400:
            raise AdminError(response.status_code, payload)
        data: dict[str, Any] = payload["data"]
        return data

    def create_service(self, **fields: Any) -> dict[str, Any]:
        return self.call("POST", "/admin/services", fields)

    def show_service(self, service_id: str) -> dict[str, Any]:
        return self.call("GET", f"/admin/services/{service_id}")

    def update_service(self, service_id: str, **fields: Any) -> dict[str, Any]:
        return self.call("POST", f"/admin/services/{service_id}", fields)

    def create_api_key(self, service_id: str, name: str, key_type: str) -> dict[str, Any]:
        return self.call("POST", f"/admin/services/{service_id}/api-keys", {"name": name, "key_type": key_type})

    def revoke_api_key(self, service_id: str, key_id: str) -> dict[str, Any]:
        return self.call("POST", f"/admin/services/{service_id}/api-keys/{key_id}/revoke")

    def create_template(self, service_id: str, **fields: Any) -> dict[str, Any]:
        return self.call("POST", f"/admin/services/{service_id}/templates", fields)

    def update_template(self, service_id: str, template_id: str, **fields: Any) -> dict[str, Any]:
        return self.call("POST", f"/admin/services/{service_id}/templates/{template_id}", fields)

    def set_guest_list(self, service_id: str, phone_numbers: list[str], email_addresses: list[str]) -> dict[str, Any]:
        body = {"phone_numbers": phone_numbers, "email_addresses": email_addresses}
        return self.call("POST", f"/admin/services/{service_id}/guest-list", body)

    def create_sms_sender(self, service_id: str, **fields: Any) -> dict[str, Any]:
        return self.call("POST", f"/admin/services/{service_id}/sms-senders", fields)
