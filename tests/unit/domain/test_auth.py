"""Every row of spec §2.3: the exact status and message for each way a /v2 token can be wrong."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import jwt
import pytest

from tests.fakes import FixedClock
from tidings.domain.auth import authenticate_admin, authenticate_api_key
from tidings.domain.errors import AuthError
from tidings.domain.models import ApiKey, Service, ServiceBundle
from tidings.domain.tokens import ALGORITHM, CLOCK, GENERAL, NO_ISS, NO_TOKEN, NOT_BEARER

CLOCK_NOW = FixedClock()
SERVICE_ID = str(uuid.uuid4())
SECRET, OTHER_SECRET = str(uuid.uuid4()), str(uuid.uuid4())


def key(secret: str = SECRET, key_type: str = "normal", revoked_days_ago: float | None = None) -> ApiKey:
    revoked = None if revoked_days_ago is None else CLOCK_NOW.now() - timedelta(days=revoked_days_ago)
    return ApiKey(
        id=str(uuid.uuid4()),
        service_id=SERVICE_ID,
        name="k",
        key_type=key_type,  # type: ignore[arg-type]
        secret=secret,
        created_at=CLOCK_NOW.now(),
        revoked_at=revoked,
    )


def bundle(*keys: ApiKey, active: bool = True) -> ServiceBundle:
    service = Service(id=SERVICE_ID, name="S", email_from="s", created_at=CLOCK_NOW.now(), active=active)
    return ServiceBundle(service=service, api_keys=list(keys))


def token(secret: str = SECRET, algorithm: str = "HS256", **claims: Any) -> str:
    payload = {"iss": SERVICE_ID, "iat": int(CLOCK_NOW.now().timestamp()), **claims}
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, secret, algorithm=algorithm)


def authenticate(header: str | None, found: ServiceBundle | None = None) -> Any:
    loaded = found if found is not None else bundle(key())
    return authenticate_api_key(header, lambda sid: loaded if sid == SERVICE_ID else None, CLOCK_NOW.now())


def refused(header: str | None, found: ServiceBundle | None = None) -> tuple[int, str]:
    with pytest.raises(AuthError) as error:
        authenticate(header, found)
    return error.value.status, error.value.message


# The messages the tests below import from tokens.py, as spec §2.3 words them (so a reworded constant fails here).
SPEC_WORDS = [
    (NO_TOKEN, "Unauthorized: authentication token must be provided"),
    (NOT_BEARER, "Unauthorized: authentication bearer scheme must be used"),
    (
        GENERAL,
        "Invalid token: make sure your API token matches the example at "
        "https://docs.notifications.service.gov.uk/rest-api.html#authorisation-header",
    ),
    (NO_ISS, "Invalid token: iss field not provided"),
    (CLOCK, "Error: Your system clock must be accurate to within 30 seconds"),
    (ALGORITHM, "Invalid token: algorithm used is not HS256"),
]


@pytest.mark.parametrize(("message", "spec"), SPEC_WORDS)
def test_the_shared_messages_are_the_specs_words(message: str, spec: str) -> None:
    assert message == spec


def test_a_valid_token_names_the_service_and_the_key_type() -> None:
    # Given a service with a test key and a live key, When the token is signed with the live key's secret
    caller = authenticate(f"Bearer {token()}", bundle(key(OTHER_SECRET, "test"), key(SECRET, "normal")))
    # Then the caller is that service, with the live key's type
    assert caller.service_id == SERVICE_ID
    assert caller.key.key_type == "normal"


@pytest.mark.parametrize("header", [None, ""])
def test_a_missing_header_is_401(header: str | None) -> None:
    assert refused(header) == (401, NO_TOKEN)


@pytest.mark.parametrize("header", ["Basic abc", "Token x", "Bearerx"])
def test_another_scheme_is_401(header: str) -> None:
    assert refused(header) == (401, NOT_BEARER)


@pytest.mark.parametrize("scheme", ["bearer ", "BEARER ", "Bearer "])
def test_the_bearer_scheme_is_matched_ignoring_case(scheme: str) -> None:
    assert authenticate(f"{scheme}{token()}").key.key_type == "normal"


@pytest.mark.parametrize("junk", ["not-a-jwt", "a.b.c", "e30.e30", ""])
def test_an_undecodable_token_is_the_general_error(junk: str) -> None:
    assert refused(f"Bearer {junk}") == (403, GENERAL)


def test_no_iss() -> None:
    assert refused(f"Bearer {token(iss=None)}") == (403, NO_ISS)


@pytest.mark.parametrize("issuer", ["x" * 36, "12345", "not-a-uuid"])
def test_an_iss_that_is_not_a_uuid(issuer: object) -> None:
    assert refused(f"Bearer {token(iss=issuer)}") == (
        403,
        "Invalid token: service id is not the right data type",
    )


def test_an_unknown_service() -> None:
    assert refused(f"Bearer {token(iss=str(uuid.uuid4()))}") == (403, "Invalid token: service not found")


def test_a_service_without_keys() -> None:
    assert refused(f"Bearer {token()}", bundle()) == (403, "Invalid token: service has no API keys")


def test_keys_revoked_over_7_days_ago_do_not_count() -> None:
    found = bundle(key(revoked_days_ago=7.5))
    assert refused(f"Bearer {token()}", found) == (403, "Invalid token: service has no API keys")


def test_an_archived_service() -> None:
    assert refused(f"Bearer {token()}", bundle(key(), active=False)) == (
        403,
        "Invalid token: service is archived",
    )


@pytest.mark.parametrize("offset", [-31, 31, -3600])
def test_iat_outside_30_seconds(offset: int) -> None:
    iat = int(CLOCK_NOW.now().timestamp()) + offset
    assert refused(f"Bearer {token(iat=iat)}") == (403, CLOCK)


@pytest.mark.parametrize("offset", [-30, -20, 0, 30])
def test_iat_within_30_seconds_inclusive(offset: int) -> None:
    iat = int(CLOCK_NOW.now().timestamp()) + offset
    assert authenticate(f"Bearer {token(iat=iat)}").service_id == SERVICE_ID


@pytest.mark.parametrize(("offset", "accepted"), [(-30, True), (30, True), (-31, False), (31, False)])
def test_the_window_counts_whole_seconds_within_a_second_too(offset: int, accepted: bool) -> None:
    """Notify compares iat with the time in whole seconds: at 12:00:00.7, iat = 11:59:30 is still 30 s ago."""
    now = CLOCK_NOW.now() + timedelta(milliseconds=700)
    iat = int(CLOCK_NOW.now().timestamp()) + offset
    header = f"Bearer {token(iat=iat)}"
    loaded = bundle(key())
    if accepted:
        assert authenticate_api_key(header, lambda sid: loaded, now).service_id == SERVICE_ID
    else:
        with pytest.raises(AuthError) as refusal:
            authenticate_api_key(header, lambda sid: loaded, now)
        assert refusal.value.message == CLOCK


@pytest.mark.parametrize("iat", ["1700000000", 1.5, True])
def test_iat_that_is_not_an_integer(iat: object) -> None:
    assert refused(f"Bearer {token(iat=iat)}") == (403, CLOCK)


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
@pytest.mark.parametrize("algorithm", ["HS512", "HS384"])
def test_another_algorithm(algorithm: str) -> None:
    assert refused(f"Bearer {token(algorithm=algorithm)}") == (403, ALGORITHM)


def test_alg_none() -> None:
    unsigned = jwt.encode({"iss": SERVICE_ID, "iat": int(CLOCK_NOW.now().timestamp())}, None, algorithm="none")
    assert refused(f"Bearer {unsigned}") == (403, ALGORITHM)


def test_a_wrong_secret() -> None:
    assert refused(f"Bearer {token(secret=OTHER_SECRET)}") == (403, "Invalid token: API key not found")


def test_a_missing_iat_tries_the_next_key_then_fails() -> None:
    assert refused(f"Bearer {token(iat=None)}") == (403, "Invalid token: API key not found")


@pytest.mark.parametrize("claims", [{"aud": "x"}, {"exp": 1_000_000}])
def test_other_jwt_errors_are_the_general_error(claims: dict[str, Any]) -> None:
    assert refused(f"Bearer {token(**claims)}") == (403, GENERAL)


def test_a_key_revoked_within_7_days() -> None:
    found = bundle(key(revoked_days_ago=6.9))
    assert refused(f"Bearer {token()}", found) == (403, "Invalid token: API key revoked")


def test_a_key_revoked_long_ago_beside_a_live_one_is_not_found() -> None:
    found = bundle(key(OTHER_SECRET), key(SECRET, revoked_days_ago=30))
    assert refused(f"Bearer {token()}", found) == (403, "Invalid token: API key not found")


ADMIN_SECRET = "admin-secret-0123456789abcdefghijklmnop"


def admin_token(secret: str = ADMIN_SECRET, **claims: Any) -> str:
    payload = {"iss": "tidings-admin", "iat": int(CLOCK_NOW.now().timestamp()), **claims}
    return jwt.encode({k: v for k, v in payload.items() if v is not None}, secret, algorithm="HS256")


def test_the_admin_token_passes_with_the_admin_secret() -> None:
    authenticate_admin(f"Bearer {admin_token()}", ADMIN_SECRET, CLOCK_NOW.now())


@pytest.mark.parametrize(
    ("header", "status", "message"),
    [
        (None, 401, NO_TOKEN),
        ("Basic x", 401, NOT_BEARER),
        (
            f"Bearer {admin_token(secret='another-secret-0123456789abcdefghij')}",
            403,
            "Invalid token: admin token not signed with the admin secret",
        ),
        (f"Bearer {admin_token(iss=SERVICE_ID)}", 403, "Invalid token: iss must be tidings-admin"),
        (f"Bearer {admin_token(iss=None)}", 403, NO_ISS),
        (f"Bearer {admin_token(iat=None)}", 403, "Invalid token: admin token has no iat"),
        (f"Bearer {admin_token(iat=int(CLOCK_NOW.now().timestamp()) - 31)}", 403, CLOCK),
    ],
)
def test_admin_tokens_fail_like_api_tokens(header: str | None, status: int, message: str) -> None:
    with pytest.raises(AuthError) as error:
        authenticate_admin(header, ADMIN_SECRET, CLOCK_NOW.now())
    assert (error.value.status, error.value.message) == (status, message)
