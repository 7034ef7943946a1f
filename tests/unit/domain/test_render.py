"""Template rendering per channel (spec §8)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tidings.domain.errors import BadRequest
from tidings.domain.models import Template
from tidings.domain.templates.render import placeholders_of, render


def template(kind: str, content: str, subject: str | None = None, contact: str | None = None) -> Template:
    return Template(
        id="t",
        service_id="s",
        type=kind,  # type: ignore[arg-type]
        name="n",
        version=1,
        content=content,
        subject=subject,
        letter_contact_block=contact,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        created_by="me",
    )


@pytest.mark.parametrize("key", ["name", "NAME", "Name", "n_a-m e", "N-AME"])
def test_placeholders_match_ignoring_case_spaces_underscores_and_hyphens(key: str) -> None:
    assert render(template("sms", "Hello ((name))"), {key: "Jo"}).body == "Hello Jo"


def test_missing_placeholders_are_listed_subject_first_in_template_order() -> None:
    email = template("email", "((b)) ((a)) ((b))", subject="((c))")
    with pytest.raises(BadRequest) as error:
        render(email, {"a": None})
    assert error.value.message == "Missing personalisation: c, b, a"


def test_personalisation_lists_each_placeholder_once_subject_first() -> None:
    email = template("email", "Dear ((First name)) ((first_name)) ((show??yes))", subject="Hi ((ref))")
    assert [p.name for p in placeholders_of(email)] == ["ref", "First name", "show"]


def test_letter_placeholders_start_with_the_contact_block() -> None:
    # Notify's letter template: the contact block's placeholders, then the subject's, then the body's.
    letter = template("letter", "((body)) ((office))", subject="((heading))", contact="((office))")
    assert [p.name for p in placeholders_of(letter)] == ["office", "heading", "body"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("yes", "X"),
        ("Y", "X"),
        ("true", "X"),
        (True, "X"),
        (1, "X"),
        ("show", "X"),
        ("no", ""),
        ("", ""),
        (0, ""),
    ],
)
def test_conditionals(value: Any, shown: str) -> None:
    assert render(template("email", "a((flag??X))b", subject="s"), {"flag": value}).body == f"a{shown}b"


def test_a_conditional_value_is_still_required() -> None:
    with pytest.raises(BadRequest, match="Missing personalisation: flag"):
        render(template("sms", "((flag??x))"), {})


@pytest.mark.parametrize(
    ("items", "text"),
    [
        (["a"], "a"),
        (["a", "b"], "a and b"),
        (["a", "b", "c"], "a, b and c"),
        (["a", None, " ", "b"], "a and b"),
        ([], ""),
    ],
)
def test_sms_lists_read_as_a_sentence(items: list[Any], text: str) -> None:
    assert render(template("sms", "x: ((l))"), {"l": items}).body == f"x: {text}".strip()


def test_email_lists_become_markdown_bullets() -> None:
    body = render(
        template("email", "Dear ((name))\r\n((items))", subject="Hi ((name))"),
        {"name": "Amala", "items": ["a", "b"]},
    )
    assert body.body == "Dear Amala\r\n\n\n* a\n* b"
    assert body.subject == "Hi Amala"


def test_sms_whitespace_is_tidied_and_gsm_sanitised() -> None:
    sms = template("sms", "  Hi ((name)) ,  how   are you ?\n\n\n\nemoji 😀 and “quotes” – dash  ")
    assert render(sms, {"name": "Jo"}).body == 'Hi Jo, how are you?\n\nemoji ? and "quotes" - dash'


def test_email_subjects_get_nice_typography() -> None:
    email = template("email", "b", subject='Hi ((name))   - it\'s "here"')
    assert render(email, {"name": "Amala"}).subject == "Hi Amala – it’s “here”"


def test_extra_personalisation_is_ignored_and_values_are_stringified() -> None:
    assert render(template("sms", "((n)) items"), {"n": 3, "unused": "x"}).body == "3 items"
