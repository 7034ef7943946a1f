"""Authentication attacks on /v2, /v1 and /admin: each one gets exactly the answer its dialect documents.

/v2 and /admin answer Notify's AuthError table (spec notify-v2 §2.3); /v1 answers Notifea's codes (notifea-v1 §1.5).
Time is the injected clock (`wiring.override`), frozen per test: nothing sleeps.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import jwt
import pytest
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.fakes import FixedClock
from tests.integration.conftest import (
    ADMIN_SECRET,
    InProcessApi,
    Reply,
    SeededService,
    empty_queue,
    seed_service,
)
from tidings import wiring
from tidings.adapters import aws
from tidings.domain.tokens import ALGORITHM, CLOCK, GENERAL, NO_ISS, NO_TOKEN, NOT_BEARER
from tidings_local.admin_client import ADMIN_ISSUER, admin_token
from tidings_local.stack import LocalStack

NOT_FOUND = "Invalid token: API key not found"
REVOKED = "Invalid token: API key revoked"
NO_KEYS = "Invalid token: service has no API keys"
NOT_A_UUID = "Invalid token: service id is not the right data type"
NO_SERVICE = "Invalid token: service not found"
NOT_ADMIN_ISSUER = "Invalid token: iss must be tidings-admin"
NOT_ADMIN_SECRET = "Invalid token: admin token not signed with the admin secret"
OMIT = object()  # a claim left out of the token

pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # HS512 attacks


def v2_auth_error(message: str, status: int = 403) -> dict[str, Any]:
    return {"status_code": status, "errors": [{"error": "AuthError", "message": message}]}


def v1_error(status: int, code: str, message: str, metadata: list[str] | None = None) -> tuple[int, dict[str, Any]]:
    return status, {"data": {"message": message, "metadata": metadata or []}, "code": code}


V1_UNAUTHORIZED = v1_error(401, "unauthorized", "Unauthorized")
V1_NOT_A_JWT = v1_error(422, "authorization.header.invalid.type", "Authorization header is not valid JWT")
V1_EXPIRED = v1_error(403, "access.token.expired", "Access token expired")
V1_IP = v1_error(403, "access.token.ip.not.whitelisted", "You are using an IP that is not whitelisted")


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hand_made(header: dict[str, Any], claims: dict[str, Any], hmac_key: bytes | None) -> str:
    """A JWT built by hand, as an attacker would: any header, HMAC-SHA256 with any key, or no signature at all."""
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    signature = b"" if hmac_key is None else hmac.new(hmac_key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


@cache
def rsa_pair() -> tuple[bytes, bytes]:
    """An attacker's RSA key pair (private, public), PEM."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


_addresses = itertools.count()


def fresh_ip() -> str:
    """A TEST-NET-3 address of its own, so failed /v1 attempts never share the per-IP limit with other tests."""
    return f"203.0.113.{next(_addresses) % 254 + 1}"


@pytest.fixture
def clock(stack: LocalStack) -> Iterator[FixedClock]:
    """The handlers' clock, frozen at a whole second of real time (admin tokens signed now stay valid)."""
    frozen = FixedClock(datetime.now(UTC).replace(microsecond=0))
    wiring.override(dataclasses.replace(wiring.deps(), clock=frozen))
    yield frozen
    wiring.override(None)


def epoch(clock: FixedClock) -> int:
    return int(clock.now().timestamp())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_key(api: InProcessApi, service_id: str, key_type: str = "normal") -> tuple[str, str]:
    """(key id, combined key) of a new API key."""
    created = api.admin("POST", f"/admin/services/{service_id}/api-keys", {"name": "extra", "key_type": key_type})
    assert created.status == 201, created.body
    return created.json()["data"]["id"], created.json()["data"]["key"]


def revoke_key(api: InProcessApi, service_id: str, key_id: str) -> None:
    assert api.admin("POST", f"/admin/services/{service_id}/api-keys/{key_id}/revoke").status == 200


def issue_token(api: InProcessApi, service_id: str, **fields: Any) -> dict[str, Any]:
    """A /v1 access token: its record and (once) the bearer JWT under `token`."""
    issued = api.admin("POST", f"/admin/services/{service_id}/access-tokens", {"name": "t", **fields})
    assert issued.status == 201, issued.body
    data: dict[str, Any] = issued.json()["data"]
    return data


def token_secret(service_id: str, token_id: str) -> str:
    """What a leaked token secret would give an attacker (read from the store: the API never shows it)."""
    bundle = wiring.deps().services.load(service_id)
    assert bundle is not None
    return next(t.secret for t in bundle.access_tokens if t.id == token_id)


def add_sender(api: InProcessApi, service_id: str, name: str) -> str:
    created = api.admin("POST", f"/admin/services/{service_id}/sms-senders", {"sms_sender": name})
    assert created.status == 201, created.body
    sender_id: str = created.json()["data"]["id"]
    return sender_id


def v1_answer(reply: Reply) -> tuple[int, Any]:
    return reply.status, reply.json()


# ---------------------------------------------------------------------------------------------------------- /v2


@dataclasses.dataclass(frozen=True)
class Victim:
    """Service A (attacked, with one live key), service B (the attacker's own), and the frozen time."""

    service_id: str
    secret: str
    other_id: str
    other_secret: str
    now: int

    def claims(self, **changes: object) -> dict[str, Any]:
        claims: dict[str, object] = {"iss": self.service_id, "iat": self.now, **changes}
        return {name: value for name, value in claims.items() if value is not OMIT}


@pytest.fixture
def victim(api: InProcessApi, clock: FixedClock) -> Victim:
    a, b = seed_service(api, "Victim", ("normal",)), seed_service(api, "Attacker", ("normal",))
    key, other = a.keys["normal"], b.keys["normal"]
    return Victim(key[-73:-37], key[-36:], other[-73:-37], other[-36:], epoch(clock))


def valid(v: Victim) -> str:
    return jwt.encode(v.claims(), v.secret, algorithm="HS256")


def tampered(v: Victim) -> str:
    """A's genuine signature over a payload that now claims another iat."""
    header, _, signature = valid(v).split(".")
    return f"{header}.{b64url(json.dumps(v.claims(iat=v.now - 1)).encode())}.{signature}"


V2_ATTACKS: list[Any] = [
    pytest.param(lambda v: hand_made({"alg": "none", "typ": "JWT"}, v.claims(), None), ALGORITHM, id="alg none"),
    pytest.param(lambda v: hand_made({"alg": "None"}, v.claims(), None), ALGORITHM, id="alg None"),
    pytest.param(
        lambda v: ".".join([*hand_made({"alg": "none"}, v.claims(), None).split(".")[:2], valid(v).split(".")[2]]),
        ALGORITHM,
        id="alg none with a genuine signature",
    ),
    pytest.param(lambda v: jwt.encode(v.claims(), rsa_pair()[0], algorithm="RS256"), ALGORITHM, id="RS256 signed"),
    pytest.param(
        lambda v: hand_made({"alg": "RS256", "typ": "JWT"}, v.claims(), v.secret.encode()),
        ALGORITHM,
        id="RS256 header over an HMAC of the real secret",
    ),
    pytest.param(
        lambda v: hand_made({"alg": "HS256", "typ": "JWT"}, v.claims(), rsa_pair()[1]),
        NOT_FOUND,
        id="HS256 with a public key as the HMAC secret",
    ),
    pytest.param(lambda v: jwt.encode(v.claims(), v.secret, algorithm="HS512"), ALGORITHM, id="HS512 real secret"),
    pytest.param(lambda v: jwt.encode(v.claims(), v.secret, algorithm="HS384"), ALGORITHM, id="HS384 real secret"),
    pytest.param(lambda v: jwt.encode(v.claims(), v.other_secret, algorithm="HS256"), NOT_FOUND, id="B's key"),
    pytest.param(
        lambda v: jwt.encode(v.claims(iss=v.other_id), v.secret, algorithm="HS256"),
        NOT_FOUND,
        id="iss of B signed with A's secret",
    ),
    pytest.param(
        lambda v: jwt.encode(v.claims(iss="00000000-0000-4000-8000-000000000000"), v.secret, algorithm="HS256"),
        NO_SERVICE,
        id="iss of no service",
    ),
    pytest.param(
        lambda v: jwt.encode(v.claims(iss=ADMIN_ISSUER), v.secret, algorithm="HS256"), NOT_A_UUID, id="iss not a uuid"
    ),
    pytest.param(lambda v: jwt.encode(v.claims(iss=OMIT), v.secret, algorithm="HS256"), NO_ISS, id="no iss"),
    pytest.param(lambda v: jwt.encode(v.claims(iat=OMIT), v.secret, algorithm="HS256"), NOT_FOUND, id="no iat"),
    pytest.param(lambda v: jwt.encode(v.claims(iat=str(v.now)), v.secret, algorithm="HS256"), CLOCK, id="iat string"),
    pytest.param(lambda v: jwt.encode(v.claims(iat=v.now + 0.5), v.secret, algorithm="HS256"), CLOCK, id="iat float"),
    pytest.param(lambda v: jwt.encode(v.claims(iat=True), v.secret, algorithm="HS256"), CLOCK, id="iat true"),
    pytest.param(lambda v: jwt.encode(v.claims(iat=None), v.secret, algorithm="HS256"), CLOCK, id="iat null"),
    pytest.param(
        lambda v: jwt.encode(v.claims(exp=v.now - 31), v.secret, algorithm="HS256"), GENERAL, id="exp 31 s ago"
    ),
    pytest.param(
        lambda v: jwt.encode(v.claims(nbf=v.now + 31), v.secret, algorithm="HS256"), GENERAL, id="nbf 31 s ahead"
    ),
    pytest.param(lambda v: jwt.encode(v.claims(aud="x"), v.secret, algorithm="HS256"), GENERAL, id="aud present"),
    pytest.param(tampered, NOT_FOUND, id="payload changed under a genuine signature"),
    pytest.param(lambda v: valid(v).rsplit(".", 1)[0] + ".", NOT_FOUND, id="signature stripped"),
    pytest.param(lambda v: "not.a.jwt", GENERAL, id="not a JWT"),
    pytest.param(lambda v: "", GENERAL, id="empty token"),
]


@pytest.mark.parametrize(("token", "message"), V2_ATTACKS)
def test_v2_refuses_forged_tokens(
    api: InProcessApi, victim: Victim, token: Callable[[Victim], str], message: str
) -> None:
    reply = api.request("GET", "/v2/notifications", headers=bearer(token(victim)))
    assert (reply.status, reply.json()) == (403, v2_auth_error(message))


def test_v2_the_genuine_token_is_accepted(api: InProcessApi, victim: Victim) -> None:
    reply = api.request("GET", "/v2/notifications", headers=bearer(valid(victim)))
    assert reply.status == 200 and reply.json()["notifications"] == []


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param(None, NO_TOKEN, id="no header"),
        pytest.param("", NO_TOKEN, id="empty header"),
        pytest.param("Basic dXNlcjpwYXNz", NOT_BEARER, id="basic"),
        pytest.param("Token abc", NOT_BEARER, id="other scheme"),
    ],
)
def test_v2_without_a_bearer_token_is_401(api: InProcessApi, victim: Victim, header: str | None, message: str) -> None:
    headers = {} if header is None else {"Authorization": header}
    reply = api.request("GET", "/v2/notifications", headers=headers)
    assert (reply.status, reply.json()) == (401, v2_auth_error(message, 401))


@pytest.mark.parametrize("offset", [-31, 31, -3600, 86_400])
def test_v2_iat_more_than_30_seconds_off_is_refused(
    api: InProcessApi, service: SeededService, clock: FixedClock, offset: int
) -> None:
    reply = api.v2("GET", "/v2/notifications", service.keys["normal"], iat=epoch(clock) + offset)
    assert (reply.status, reply.json()) == (403, v2_auth_error(CLOCK))


@pytest.mark.parametrize("offset", [-30, -29, 0, 29, 30])
def test_v2_iat_within_30_seconds_is_accepted(
    api: InProcessApi, service: SeededService, clock: FixedClock, offset: int
) -> None:
    reply = api.v2("GET", "/v2/notifications", service.keys["normal"], iat=epoch(clock) + offset)
    assert reply.status == 200 and reply.json()["notifications"] == []


@pytest.mark.parametrize(
    "claims",
    [
        pytest.param({"nbf": 30}, id="nbf 30 s ahead"),
        pytest.param({"exp": -30}, id="exp 30 s ago"),
        pytest.param({"nbf": -3600, "exp": 3600}, id="nbf past, exp ahead"),
    ],
)
def test_v2_nbf_and_exp_have_30_seconds_of_leeway(api: InProcessApi, victim: Victim, claims: dict[str, int]) -> None:
    token = jwt.encode(
        victim.claims(**{name: victim.now + offset for name, offset in claims.items()}), victim.secret, "HS256"
    )
    reply = api.request("GET", "/v2/notifications", headers=bearer(token))
    assert reply.status == 200 and reply.json()["notifications"] == []


def test_v2_a_revoked_key_is_refused_while_the_others_still_work(
    api: InProcessApi, service: SeededService, clock: FixedClock
) -> None:
    key_id, key = new_key(api, service.id)
    assert api.v2("GET", "/v2/notifications", key, iat=epoch(clock)).status == 200
    revoke_key(api, service.id, key_id)
    refused = api.v2("GET", "/v2/notifications", key, iat=epoch(clock))
    assert (refused.status, refused.json()) == (403, v2_auth_error(REVOKED))
    assert api.v2("GET", "/v2/notifications", service.keys["normal"], iat=epoch(clock)).status == 200


@pytest.mark.parametrize(
    ("revoked_for", "message"),
    [
        pytest.param(timedelta(days=7), REVOKED, id="7 days: still tried, so 'revoked'"),
        pytest.param(timedelta(days=7, seconds=1), NOT_FOUND, id="7 days 1 s: never tried"),
        pytest.param(timedelta(days=400), NOT_FOUND, id="400 days"),
    ],
)
def test_v2_a_key_revoked_long_ago_is_not_even_tried(
    api: InProcessApi, service: SeededService, clock: FixedClock, revoked_for: timedelta, message: str
) -> None:
    key_id, key = new_key(api, service.id)
    revoke_key(api, service.id, key_id)  # at the frozen instant
    clock.moment += revoked_for
    refused = api.v2("GET", "/v2/notifications", key, iat=epoch(clock))
    assert (refused.status, refused.json()) == (403, v2_auth_error(message))


def test_v2_a_service_whose_only_key_was_revoked_long_ago_has_no_keys(api: InProcessApi, clock: FixedClock) -> None:
    lonely = seed_service(api, "Lonely", ())
    key_id, key = new_key(api, lonely.id)
    revoke_key(api, lonely.id, key_id)
    clock.moment += timedelta(days=8)
    refused = api.v2("GET", "/v2/notifications", key, iat=epoch(clock))
    assert (refused.status, refused.json()) == (403, v2_auth_error(NO_KEYS))


# -------------------------------------------------------------------------------------------------------- /admin


ADMIN_ATTACKS: list[Any] = [
    pytest.param(
        lambda now: hand_made({"alg": "none"}, {"iss": ADMIN_ISSUER, "iat": now}, None), ALGORITHM, id="alg none"
    ),
    pytest.param(
        lambda now: jwt.encode({"iss": ADMIN_ISSUER, "iat": now}, ADMIN_SECRET, algorithm="HS512"),
        ALGORITHM,
        id="HS512 with the admin secret",
    ),
    pytest.param(
        lambda now: jwt.encode({"iss": ADMIN_ISSUER, "iat": now}, rsa_pair()[0], algorithm="RS256"),
        ALGORITHM,
        id="RS256",
    ),
    pytest.param(
        lambda now: hand_made({"alg": "HS256"}, {"iss": ADMIN_ISSUER, "iat": now}, rsa_pair()[1]),
        NOT_ADMIN_SECRET,
        id="HS256 with a public key as the secret",
    ),
    pytest.param(
        lambda now: jwt.encode({"iss": ADMIN_ISSUER, "iat": now}, "guessed-secret", algorithm="HS256"),
        NOT_ADMIN_SECRET,
        id="another secret",
    ),
    pytest.param(
        lambda now: jwt.encode({"iss": ADMIN_ISSUER}, ADMIN_SECRET, algorithm="HS256"),
        "Invalid token: admin token has no iat",
        id="no iat",
    ),
    pytest.param(lambda now: admin_token(ADMIN_SECRET, now - 31), CLOCK, id="iat 31 s ago"),
    pytest.param(lambda now: admin_token(ADMIN_SECRET, now + 31), CLOCK, id="iat 31 s ahead"),
    pytest.param(
        lambda now: jwt.encode({"iss": "tidings-admin2", "iat": now}, ADMIN_SECRET, algorithm="HS256"),
        NOT_ADMIN_ISSUER,
        id="another issuer",
    ),
    pytest.param(lambda now: jwt.encode({"iat": now}, ADMIN_SECRET, algorithm="HS256"), NO_ISS, id="no iss"),
]


@pytest.mark.parametrize(("token", "message"), ADMIN_ATTACKS)
def test_admin_refuses_forged_tokens(
    api: InProcessApi, clock: FixedClock, token: Callable[[int], str], message: str
) -> None:
    reply = api.request("POST", "/admin/services", {"name": "Forged"}, bearer(token(epoch(clock))))
    assert (reply.status, reply.json()) == (403, v2_auth_error(message))


@pytest.mark.parametrize("offset", [-29, 29])
def test_admin_iat_within_30_seconds_is_accepted(api: InProcessApi, clock: FixedClock, offset: int) -> None:
    token = admin_token(ADMIN_SECRET, epoch(clock) + offset)
    reply = api.request("POST", "/admin/services", {"name": "On time"}, bearer(token))
    assert reply.status == 201 and reply.json()["data"]["name"] == "On time"


# ---------------------------------------------------------------------------------- credentials of another dialect


@dataclasses.dataclass(frozen=True)
class Credentials:
    service_id: str
    v2: str  # an Authorization header value
    v1: str
    admin: str


@pytest.fixture
def credentials(api: InProcessApi, service: SeededService, clock: FixedClock) -> Credentials:
    token = issue_token(api, service.id)["token"]
    return Credentials(
        service.id,
        api.v2_authorization(service.keys["normal"]),
        f"Bearer {token}",
        f"Bearer {admin_token(ADMIN_SECRET, epoch(clock))}",
    )


@pytest.mark.parametrize(
    ("credential", "path", "expected"),
    [
        pytest.param("admin", "/v2/notifications", (403, v2_auth_error(NOT_A_UUID)), id="admin token on /v2"),
        pytest.param("v1", "/v2/notifications", (403, v2_auth_error(NOT_FOUND)), id="v1 token on /v2"),
        pytest.param("admin", "/v1/sms", V1_UNAUTHORIZED, id="admin token on /v1"),
        pytest.param("v2", "/v1/sms", V1_UNAUTHORIZED, id="v2 key on /v1"),
        pytest.param("v2", "/admin/services/{id}", (403, v2_auth_error(NOT_ADMIN_ISSUER)), id="v2 key on /admin"),
        pytest.param("v1", "/admin/services/{id}", (403, v2_auth_error(NOT_ADMIN_ISSUER)), id="v1 token on /admin"),
    ],
)
def test_credentials_work_only_in_their_own_dialect(
    api: InProcessApi, credentials: Credentials, credential: str, path: str, expected: tuple[int, Any]
) -> None:
    header = getattr(credentials, credential)
    reply = api.request(
        "GET", path.replace("{id}", credentials.service_id), headers={"Authorization": header}, source_ip=fresh_ip()
    )
    assert (reply.status, reply.json()) == expected


def test_each_credential_works_in_its_own_dialect(api: InProcessApi, credentials: Credentials) -> None:
    own = {"v2": "/v2/notifications", "v1": "/v1/sms", "admin": f"/admin/services/{credentials.service_id}"}
    for credential, path in own.items():
        reply = api.request("GET", path, headers={"Authorization": getattr(credentials, credential)})
        assert reply.status == 200, (credential, reply.body)


def test_a_service_key_secret_cannot_sign_admin_tokens(
    api: InProcessApi, service: SeededService, clock: FixedClock
) -> None:
    forged = jwt.encode({"iss": ADMIN_ISSUER, "iat": epoch(clock)}, service.keys["normal"][-36:], algorithm="HS256")
    reply = api.request("GET", f"/admin/services/{service.id}", headers=bearer(forged))
    assert (reply.status, reply.json()) == (403, v2_auth_error(NOT_ADMIN_SECRET))


def test_the_admin_secret_cannot_sign_as_a_service(
    api: InProcessApi, service: SeededService, clock: FixedClock
) -> None:
    forged = jwt.encode({"iss": service.id, "iat": epoch(clock)}, ADMIN_SECRET, algorithm="HS256")
    reply = api.request("GET", "/v2/notifications", headers=bearer(forged))
    assert (reply.status, reply.json()) == (403, v2_auth_error(NOT_FOUND))


# ---------------------------------------------------------------------------------------------------------- /v1


@dataclasses.dataclass(frozen=True)
class V1Victim:
    service_id: str
    token: str
    token_id: str
    secret: str
    other_service_id: str
    other_token: str
    other_secret: str

    def claims(self, **changes: object) -> dict[str, Any]:
        claims = {**jwt.decode(self.token, options={"verify_signature": False}), **changes}
        return {name: value for name, value in claims.items() if value is not OMIT}


@pytest.fixture
def v1_victim(api: InProcessApi, clock: FixedClock) -> V1Victim:
    a, b = seed_service(api, "V1 victim", ()), seed_service(api, "V1 attacker", ())
    token, other = issue_token(api, a.id), issue_token(api, b.id)
    return V1Victim(
        a.id,
        token["token"],
        token["id"],
        token_secret(a.id, token["id"]),
        b.id,
        other["token"],
        token_secret(b.id, other["id"]),
    )


V1_ATTACKS: list[Any] = [
    pytest.param(lambda v: hand_made({"alg": "none"}, v.claims(), None), V1_UNAUTHORIZED, id="alg none"),
    pytest.param(lambda v: jwt.encode(v.claims(), rsa_pair()[0], algorithm="RS256"), V1_UNAUTHORIZED, id="RS256"),
    pytest.param(
        lambda v: hand_made({"alg": "RS256"}, v.claims(), v.secret.encode()),
        V1_UNAUTHORIZED,
        id="RS256 header over an HMAC of the real secret",
    ),
    pytest.param(
        lambda v: hand_made({"alg": "HS256"}, v.claims(), rsa_pair()[1]),
        V1_UNAUTHORIZED,
        id="HS256 with a public key as the secret",
    ),
    pytest.param(lambda v: jwt.encode(v.claims(), v.secret, algorithm="HS512"), V1_UNAUTHORIZED, id="HS512"),
    pytest.param(
        lambda v: jwt.encode(v.claims(), v.other_secret, algorithm="HS256"), V1_UNAUTHORIZED, id="B's token secret"
    ),
    pytest.param(
        lambda v: jwt.encode(v.claims(iss=v.other_service_id), v.secret, algorithm="HS256"),
        V1_UNAUTHORIZED,
        id="iss of B, A's token id and secret",
    ),
    pytest.param(
        lambda v: jwt.encode(v.claims(jti="00000000-0000-4000-8000-000000000000"), v.secret, algorithm="HS256"),
        V1_UNAUTHORIZED,
        id="unknown jti",
    ),
    pytest.param(lambda v: jwt.encode(v.claims(jti=OMIT), v.secret, algorithm="HS256"), V1_UNAUTHORIZED, id="no jti"),
    pytest.param(lambda v: jwt.encode(v.claims(iss=OMIT), v.secret, algorithm="HS256"), V1_UNAUTHORIZED, id="no iss"),
    pytest.param(
        lambda v: hand_made({"alg": "HS256"}, v.claims(iss=7), v.secret.encode()), V1_UNAUTHORIZED, id="iss int"
    ),
    pytest.param(
        lambda v: jwt.encode(v.claims(iss="x" * 3000), v.secret, algorithm="HS256"),
        V1_UNAUTHORIZED,
        id="iss too long for a DynamoDB key",
    ),
    pytest.param(lambda v: v.token.rsplit(".", 1)[0] + ".", V1_UNAUTHORIZED, id="signature stripped"),
    pytest.param(lambda v: "not.a.jwt", V1_NOT_A_JWT, id="not a JWT"),
    pytest.param(lambda v: "", V1_NOT_A_JWT, id="empty token"),
]


DYNAMODB_KEY_BYTES = 2048  # DynamoDB refuses longer partition keys, in reads too; moto does not check


def _refuse_oversized_keys(params: dict[str, Any], model: Any, **_: Any) -> None:
    values = list(params.get("Key", {}).values())
    condition = params.get("KeyConditionExpression", "")
    values += [v for name, v in params.get("ExpressionAttributeValues", {}).items() if name in condition]
    if any(len(str(value.get("S", "")).encode()) > DYNAMODB_KEY_BYTES for value in values):
        message = "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit"
        raise ClientError({"Error": {"Code": "ValidationException", "Message": message}}, model.name)


@pytest.fixture
def dynamodb_key_limits() -> Iterator[None]:
    """Make moto's DynamoDB refuse oversized keys as the real one does."""
    events = aws.dynamodb().meta.events
    events.register("before-parameter-build.dynamodb", _refuse_oversized_keys, unique_id="key-limits")
    yield
    events.unregister("before-parameter-build.dynamodb", unique_id="key-limits")


@pytest.mark.usefixtures("dynamodb_key_limits")
@pytest.mark.parametrize(("token", "expected"), V1_ATTACKS)
def test_v1_refuses_forged_tokens(
    api: InProcessApi, v1_victim: V1Victim, token: Callable[[V1Victim], str], expected: tuple[int, Any]
) -> None:
    reply = api.request("GET", "/v1/sms", headers=bearer(token(v1_victim)), source_ip=fresh_ip())
    assert v1_answer(reply) == expected


def test_v1_the_victims_own_token_is_accepted(api: InProcessApi, v1_victim: V1Victim) -> None:
    reply = api.request("GET", "/v1/sms", headers=bearer(v1_victim.token))
    assert reply.status == 200 and reply.json()["data"]["paginated_data"] == []


@pytest.mark.parametrize("header", [None, "Basic dXNlcjpwYXNz", "Token abc"])
def test_v1_without_a_bearer_token_is_401(api: InProcessApi, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    assert v1_answer(api.request("GET", "/v1/sms", headers=headers, source_ip=fresh_ip())) == V1_UNAUTHORIZED


def test_v1_a_revoked_token_is_401(api: InProcessApi, v1_victim: V1Victim) -> None:
    api.admin("POST", f"/admin/services/{v1_victim.service_id}/access-tokens/{v1_victim.token_id}/revoke")
    assert v1_answer(api.request("GET", "/v1/sms", headers=bearer(v1_victim.token))) == V1_UNAUTHORIZED


@pytest.mark.parametrize(
    ("allowed", "source", "accepted"),
    [
        pytest.param(["198.51.100.0/24"], "198.51.100.7", True, id="inside a /24"),
        pytest.param(["198.51.100.0/24"], "198.51.100.255", True, id="last address of the /24"),
        pytest.param(["198.51.100.0/24"], "198.51.101.0", False, id="next /24"),
        pytest.param(["198.51.100.0/24"], "127.0.0.1", False, id="loopback"),
        pytest.param(["198.51.100.7/32"], "198.51.100.8", False, id="neighbour of a /32"),
        pytest.param(["198.51.100.0/24"], "2001:db8::1", False, id="IPv6 against an IPv4 range"),
        pytest.param(["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1", True, id="IPv6 inside its range"),
        pytest.param(["2001:db8::/32"], "2001:db9::1", False, id="IPv6 outside its range"),
    ],
)
def test_v1_tokens_only_work_from_their_ip_ranges(
    api: InProcessApi, service: SeededService, clock: FixedClock, allowed: list[str], source: str, accepted: bool
) -> None:
    token = issue_token(api, service.id, allowed_ips=allowed)["token"]
    reply = api.request("GET", "/v1/sms", headers=bearer(token), source_ip=source)
    if accepted:
        assert reply.status == 200 and reply.json()["code"] == "ok"
    else:
        assert v1_answer(reply) == V1_IP


@pytest.mark.parametrize(
    ("after_expiry", "expected"),
    [
        pytest.param(timedelta(seconds=-1), None, id="1 s before: accepted"),
        pytest.param(timedelta(0), V1_EXPIRED, id="at the instant"),
        pytest.param(timedelta(seconds=1), V1_EXPIRED, id="1 s after"),
        pytest.param(timedelta(days=365), V1_EXPIRED, id="a year after"),
    ],
)
def test_v1_tokens_stop_at_their_expiry(
    api: InProcessApi,
    service: SeededService,
    clock: FixedClock,
    after_expiry: timedelta,
    expected: tuple[int, Any] | None,
) -> None:
    expires = clock.now() + timedelta(hours=1)
    token = issue_token(api, service.id, expires_at=expires.isoformat())["token"]
    clock.moment = expires + after_expiry
    reply = api.request("GET", "/v1/sms", headers=bearer(token), source_ip=fresh_ip())
    if expected is None:
        assert reply.status == 200 and reply.json()["code"] == "ok"
    else:
        assert v1_answer(reply) == expected


def test_v1_a_token_cannot_be_issued_for_another_services_sender(api: InProcessApi, service: SeededService) -> None:
    other = seed_service(api, "Sender owner", ())
    theirs = add_sender(api, other.id, "Theirs")
    refused = api.admin(
        "POST", f"/admin/services/{service.id}/access-tokens", {"name": "t", "sms_sender_ids": [theirs]}
    )
    assert (refused.status, refused.json()) == (
        400,
        {
            "status_code": 400,
            "errors": [
                {"error": "ValidationError", "message": f"sms_sender_ids.0 {theirs} is not a sender of this service"}
            ],
        },
    )


def test_v1_sending_from_another_services_sender_is_as_from_no_sender(
    api: InProcessApi, service: SeededService
) -> None:
    other = seed_service(api, "Sender owner", ())
    theirs = add_sender(api, other.id, "Theirs")
    add_sender(api, service.id, "Ours")
    token = issue_token(api, service.id)["token"]
    answers = []
    for sender in (theirs, "00000000-0000-4000-8000-000000000000"):
        body = {"sms_sender_id": sender, "content": "Hi", "recipient": "+447700900123"}
        answers.append(v1_answer(api.request("POST", "/v1/sms", body, bearer(token))))
    expected = v1_error(404, "user_sms_sender.not.found", "user_sms_sender was not found")
    assert answers == [expected, expected]


@pytest.fixture
def nothing_left_queued(stack: LocalStack) -> Iterator[None]:
    yield
    empty_queue(stack)


@pytest.mark.usefixtures("nothing_left_queued")
def test_v1_a_token_limited_to_one_sender_cannot_use_another(api: InProcessApi, service: SeededService) -> None:
    allowed, other = add_sender(api, service.id, "Allowed"), add_sender(api, service.id, "Other")
    token = issue_token(api, service.id, sms_sender_ids=[allowed])["token"]
    body = {"sms_sender_id": other, "content": "Hi", "recipient": "+447700900123"}
    refused = api.request("POST", "/v1/sms", body, bearer(token))
    assert v1_answer(refused) == v1_error(
        422,
        "sms.sender.not.whitelisted",
        "Sms sender you are trying to send from can not be used with this access token",
        ["sms_sender_id"],
    )
    sent = api.request("POST", "/v1/sms", {**body, "sms_sender_id": allowed}, bearer(token))
    assert sent.status == 200 and sent.json()["data"]["user_sms_sender"]["uuid"] == allowed


def test_v1_a_token_limited_to_one_sender_cannot_point_anothers_webhook(
    api: InProcessApi, service: SeededService
) -> None:
    """Renaming the other sender is allowed (Notifea's checks 23-27); taking the SMS sent through it is not."""
    allowed, other = add_sender(api, service.id, "Mine"), add_sender(api, service.id, "Theirs")
    token = issue_token(api, service.id, sms_sender_ids=[allowed])["token"]
    hook = {"sender_name": "Theirs", "sms_live_time": 1, "webhook_url": "https://attacker.example/hook"}
    for change in (hook, {**hook, "webhook_url": ""}):
        refused = api.request("PUT", f"/v1/user-sms-senders/{other}", change, bearer(token))
        assert v1_answer(refused) == v1_error(
            422,
            "sms.sender.not.whitelisted",
            "Sms sender you are trying to send from can not be used with this access token",
            ["webhook_url"],
        )
    stored = wiring.deps().senders.get(other)
    assert stored is not None and stored.webhook_url is None
    renamed = api.request(
        "PUT", f"/v1/user-sms-senders/{other}", {"sender_name": "Theirs2", "sms_live_time": 1}, bearer(token)
    )
    assert renamed.status == 200 and renamed.json()["data"]["sender_name"] == "Theirs2"
    own = api.request("PUT", f"/v1/user-sms-senders/{allowed}", {**hook, "sender_name": "Mine"}, bearer(token))
    assert own.status == 200, own.body
