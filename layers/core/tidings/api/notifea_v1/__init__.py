"""Notifea's v1 SMS dialect: `{"data", "code"}` envelopes, HTTP 200 for every success."""
