"""The admin secret: from Secrets Manager in AWS (and in `tidings local`, where moto holds it)."""

from __future__ import annotations

from tidings.config import Settings

SECRET_MAX_AGE_SECONDS = 300


def admin_secret(settings: Settings) -> str:
    if settings.admin_secret:
        return settings.admin_secret
    from aws_lambda_powertools.utilities.parameters import get_secret  # noqa: PLC0415 (admin-only, lazy)

    value = get_secret(settings.admin_secret_arn, max_age=SECRET_MAX_AGE_SECONDS)
    return value if isinstance(value, str) else value.decode()
