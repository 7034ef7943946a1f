"""Email address rule of the v2 schema (spec §5.4)."""

from __future__ import annotations

import re

LOCAL_PART = re.compile(r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+$")
HOST_LABEL = re.compile(r"^(xn|[a-z0-9]+)(-?-[a-z0-9]+)*$", re.IGNORECASE)
TLD = re.compile(r"^([a-z]{2,63}|xn--([a-z0-9]+-)*[a-z0-9]+)$", re.IGNORECASE)
MAX_LENGTH, MAX_HOST_LENGTH, MAX_LABEL_LENGTH = 320, 253, 63
INVALID = "Not a valid email address"
# notifications-utils removes these anywhere in an address before checking it (strip_and_remove_obscure_whitespace)
OBSCURE_WHITESPACE = dict.fromkeys(map(ord, "\u180e\u200b\u200c\u200d\u2060\ufeff\u2028\u2029\u00a0\u202f"))


class EmailAddressError(ValueError):
    """The address breaks the rule; the message is Notify's."""


def normalise_email_address(raw: str) -> str:
    """Return the trimmed address if valid (compare lowercased); raise EmailAddressError otherwise."""
    address = raw.translate(OBSCURE_WHITESPACE).strip()
    local, at, host = address.rpartition("@")
    if not at or len(address) > MAX_LENGTH or ".." in address or not LOCAL_PART.match(local):
        raise EmailAddressError(INVALID)
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise EmailAddressError(INVALID) from error
    labels = ascii_host.split(".")
    if len(ascii_host) > MAX_HOST_LENGTH or len(labels) < 2 or not TLD.match(labels[-1]):
        raise EmailAddressError(INVALID)
    if any(len(label) > MAX_LABEL_LENGTH or not HOST_LABEL.match(label) for label in labels):
        raise EmailAddressError(INVALID)
    return address
