"""Timestamps as both dialects print them: `YYYY-MM-DDThh:mm:ss.ffffffZ`, always UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_z(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
