"""Admin response shapes. Secrets never appear, except a new key or token in its create response."""

from __future__ import annotations

from typing import Any

from tidings.domain.models import AccessToken, ApiKey, Callback, ReplyTo, Service, ServiceBundle, SmsSender
from tidings.domain.timefmt import iso_z


def data(payload: Any) -> dict[str, Any]:
    return {"data": payload}


def service_json(service: Service) -> dict[str, Any]:
    return service.model_dump(mode="json") | {"created_at": iso_z(service.created_at)}


def bundle_json(bundle: ServiceBundle) -> dict[str, Any]:
    return service_json(bundle.service) | {
        "api_keys": [api_key_json(k) for k in bundle.api_keys],
        "guest_list": bundle.guest_list.model_dump(mode="json"),
        "email_reply_to": [reply_to_json(r) for r in bundle.reply_tos],
        "callbacks": [callback_json(c) for c in bundle.callbacks],
        "access_tokens": [access_token_json(t) for t in bundle.access_tokens],
        "inbound_numbers": [n.number for n in bundle.inbound_numbers],
        "opt_outs": [n.number for n in bundle.opt_outs],
    }


def api_key_json(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "key_type": key.key_type,
        "created_at": iso_z(key.created_at),
        "revoked_at": iso_z(key.revoked_at),
    }


def reply_to_json(reply_to: ReplyTo) -> dict[str, Any]:
    return reply_to.model_dump(mode="json") | {"created_at": iso_z(reply_to.created_at)}


def callback_json(callback: Callback) -> dict[str, Any]:
    return {
        "id": callback.id,
        "type": callback.type,
        "url": callback.url,
        "created_at": iso_z(callback.created_at),
    }


def access_token_json(token: AccessToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "expires_at": iso_z(token.expires_at),
        "allowed_ips": token.allowed_ips,
        "sms_sender_ids": token.sms_sender_ids,
        "created_at": iso_z(token.created_at),
        "revoked_at": iso_z(token.revoked_at),
    }


def sms_sender_json(sender: SmsSender) -> dict[str, Any]:
    return sender.model_dump(mode="json") | {"created_at": iso_z(sender.created_at)}
