"""What IAM is asked for each kind of AWS call the functions make, and how a role's statements match it."""

from __future__ import annotations

import pytest

from tidings_local.iam_actions import NotDescribed, Place, asked, leading_keys
from tidings_local.roles import Grant

PLACE = Place(
    region="eu-west-2",
    account="123456789012",
    email_identities=frozenset({"mail.example", "ceo@other.example"}),
    secrets={"AdminSecret": "arn:aws:secretsmanager:eu-west-2:123456789012:secret:AdminSecret-AbCdEf"},
)
TABLE = "arn:aws:dynamodb:eu-west-2:123456789012:table"


def test_each_part_of_a_transaction_needs_its_own_action() -> None:
    transaction = {
        "TransactItems": [
            {"Update": {"TableName": "Notifications", "Key": {}}},
            {"Put": {"TableName": "References", "Item": {}}},
            {"ConditionCheck": {"TableName": "Services", "Key": {}}},
            {"Delete": {"TableName": "Notifications", "Key": {}}},
        ]
    }
    assert asked("dynamodb", "TransactWriteItems", transaction, PLACE) == [
        ("dynamodb:UpdateItem", f"{TABLE}/Notifications"),
        ("dynamodb:PutItem", f"{TABLE}/References"),
        ("dynamodb:ConditionCheckItem", f"{TABLE}/Services"),
        ("dynamodb:DeleteItem", f"{TABLE}/Notifications"),
    ]


def test_a_query_of_an_index_is_asked_for_on_the_index() -> None:
    query = {"TableName": "Notifications", "IndexName": "by_service_expiry"}
    assert asked("dynamodb", "Query", query, PLACE) == [
        ("dynamodb:Query", f"{TABLE}/Notifications/index/by_service_expiry")
    ]
    batch = {"RequestItems": {"A": {"Keys": []}, "B": {"Keys": []}}}
    assert asked("dynamodb", "BatchGetItem", batch, PLACE) == [
        ("dynamodb:BatchGetItem", f"{TABLE}/A"),
        ("dynamodb:BatchGetItem", f"{TABLE}/B"),
    ]


def test_an_email_is_asked_for_on_its_sender_s_identity_and_configuration_set() -> None:
    ses = "arn:aws:ses:eu-west-2:123456789012"
    send = {"FromEmailAddress": '"A service" <news@mail.example>', "ConfigurationSetName": "tidings-dev"}
    assert asked("sesv2", "SendEmail", send, PLACE) == [
        ("ses:SendEmail", f"{ses}:identity/mail.example"),
        ("ses:SendEmail", f"{ses}:configuration-set/tidings-dev"),
    ]
    own = {"FromEmailAddress": "CEO@other.example"}  # an address that is an identity of its own
    assert asked("sesv2", "SendEmail", own, PLACE) == [("ses:SendEmail", f"{ses}:identity/ceo@other.example")]


def test_a_text_to_a_phone_number_names_no_resource_and_a_queue_is_named_by_its_url() -> None:
    assert asked("sns", "Publish", {"PhoneNumber": "+447700900123", "Message": "x"}, PLACE) == [("sns:Publish", "*")]
    url = "https://sqs.eu-west-2.amazonaws.com/123456789012/DispatchQueue"
    assert asked("sqs", "SendMessage", {"QueueUrl": url, "MessageBody": "x"}, PLACE) == [
        ("sqs:SendMessage", "arn:aws:sqs:eu-west-2:123456789012:DispatchQueue")
    ]


def test_s3_reads_are_get_object_and_tags_set_on_upload_need_their_own_action() -> None:
    head = {"Bucket": "letters", "Key": "7d/a.pdf"}
    assert asked("s3", "HeadObject", head, PLACE) == [("s3:GetObject", "arn:aws:s3:::letters/7d/a.pdf")]
    put = {"Bucket": "docs", "Key": "f", "Body": b"", "Tagging": "retention-weeks=2"}
    assert asked("s3", "PutObject", put, PLACE) == [
        ("s3:PutObject", "arn:aws:s3:::docs/f"),
        ("s3:PutObjectTagging", "arn:aws:s3:::docs/f"),
    ]


def test_a_secret_named_by_name_is_asked_for_by_its_arn() -> None:
    assert asked("secretsmanager", "GetSecretValue", {"SecretId": "AdminSecret"}, PLACE) == [
        ("secretsmanager:GetSecretValue", PLACE.secrets["AdminSecret"])
    ]


def test_a_call_not_described_is_refused_with_where_to_describe_it() -> None:
    with pytest.raises(NotDescribed, match=r"iam_actions\.py"):
        asked("dynamodb", "ExecuteStatement", {"Statement": "SELECT * FROM t"}, PLACE)
    with pytest.raises(NotDescribed, match=r"kms\.Decrypt"):
        asked("kms", "Decrypt", {}, PLACE)


def test_wildcards_match_as_iam_s_do() -> None:
    grant = Grant.of(
        {
            "Effect": "Allow",
            "Action": ["sqs:SendMessage*", "dynamodb:GetItem"],
            "Resource": [f"{TABLE}/Notifications", f"{TABLE}/Notifications/index/*", "arn:aws:sqs:*:*:Dispatch?"],
        }
    )
    assert grant.allows("sqs:sendmessagebatch", "arn:aws:sqs:eu-west-2:1:Dispatch1")  # actions ignore case
    assert grant.allows("dynamodb:GetItem", f"{TABLE}/Notifications/index/by_awaiting")
    assert not grant.allows("dynamodb:GetItem", f"{TABLE}/NotificationsContents")  # no prefix match
    assert not grant.allows("dynamodb:GetItem", f"{TABLE}/notifications")  # resources keep their case
    assert not grant.allows("sqs:SendMessage", "arn:aws:sqs:eu-west-2:1:Dispatch12")  # `?` is one character
    assert not grant.allows("dynamodb:PutItem", f"{TABLE}/Notifications")
    dotted = Grant.of({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a.b/*"})
    assert not dotted.allows("s3:GetObject", "arn:aws:s3:::aXb/key")  # a dot is a dot


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"x": "true"}}},
        {
            "Effect": "Allow",
            "Action": "dynamodb:GetItem",
            "Resource": "*",
            "Condition": {"ForAnyValue:StringLike": {"dynamodb:LeadingKeys": ["a*"]}},  # any, not all
        },
    ],
)
def test_a_statement_it_cannot_evaluate_is_refused_when_the_roles_are_read(statement: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="Allow statements without conditions"):
        Grant.of(statement)


def test_a_grant_on_leading_keys_allows_only_calls_whose_keys_all_match() -> None:
    """The unauthenticated download function may count wrong addresses on `document#…` items only."""
    grant = Grant.of(
        {
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:UpdateItem"],
            "Resource": f"{TABLE}/Counters",
            "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["document#*"]}},
        }
    )
    doc = {"TableName": "Counters", "Key": {"counter_key": {"S": "document#f1"}}}
    day = {"TableName": "Counters", "Key": {"counter_key": {"S": "day#svc#2026-12-04"}}}
    assert grant.allows("dynamodb:UpdateItem", f"{TABLE}/Counters", leading_keys("dynamodb", "UpdateItem", doc))
    assert not grant.allows("dynamodb:UpdateItem", f"{TABLE}/Counters", leading_keys("dynamodb", "UpdateItem", day))
    assert not grant.allows("dynamodb:GetItem", f"{TABLE}/Counters", None)  # keys unknown: refused
