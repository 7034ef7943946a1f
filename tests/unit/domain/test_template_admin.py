"""Templates: creation rules and versioning."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes import FixedClock, InMemoryTemplateStore
from tidings.domain.errors import NotFound, ValidationFailed
from tidings.domain.template_admin import create_template, update_template
from tidings.domain.template_queries import get_template, list_templates

SERVICE = "service-a"


@pytest.fixture
def store() -> InMemoryTemplateStore:
    return InMemoryTemplateStore()


def make(store: InMemoryTemplateStore, **fields: Any) -> Any:
    return create_template(store, FixedClock(), SERVICE, {"name": "n", "type": "sms", "content": "Hi ((x))", **fields})


def test_a_content_change_makes_a_new_version_and_keeps_the_old(store: InMemoryTemplateStore) -> None:
    clock = FixedClock()
    first = make(store)
    clock.advance(hours=1)
    second = update_template(store, clock, SERVICE, first.id, {"content": "Bye ((x))"})
    assert (first.version, second.version) == (1, 2)
    assert second.updated_at == clock.now()
    assert get_template(store, SERVICE, first.id, 1).content == "Hi ((x))"
    assert get_template(store, SERVICE, first.id).content == "Bye ((x))"


def test_a_rename_or_archive_keeps_the_version(store: InMemoryTemplateStore) -> None:
    first = make(store)
    renamed = update_template(store, FixedClock(), SERVICE, first.id, {"name": "m", "archived": True})
    assert (renamed.version, renamed.name, renamed.archived) == (1, "m", True)


def test_an_unchanged_content_is_not_a_new_version(store: InMemoryTemplateStore) -> None:
    first = make(store)
    assert update_template(store, FixedClock(), SERVICE, first.id, {"content": "Hi ((x))"}).version == 1


def test_another_services_template_is_not_found(store: InMemoryTemplateStore) -> None:
    first = make(store)
    with pytest.raises(NotFound):
        get_template(store, "service-b", first.id)
    with pytest.raises(NotFound):
        update_template(store, FixedClock(), "service-b", first.id, {"name": "stolen"})


def test_version_zero_means_latest(store: InMemoryTemplateStore) -> None:
    first = make(store)
    assert get_template(store, SERVICE, first.id, 0).version == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"content": "  "}, "content Cannot be empty"),
        ({"subject": "s"}, "subject Text message templates have no subject"),
        ({"type": "email"}, "subject Required for email templates"),
        ({"postage": "first"}, "postage Only letter templates have one"),
    ],
)
def test_invalid_templates(store: InMemoryTemplateStore, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        make(store, **fields)
    assert error.value.messages == [message]


def test_letters_default_to_second_class(store: InMemoryTemplateStore) -> None:
    assert make(store, type="letter", subject="Heading").postage == "second"


def test_lists_hide_archived_and_sort_by_name_then_type(store: InMemoryTemplateStore) -> None:
    b = make(store, name="b")
    make(store, name="a", type="letter", subject="s")
    make(store, name="a", type="email", subject="s")
    make(store, name="a")
    archived = make(store, name="c")
    update_template(store, FixedClock(), SERVICE, archived.id, {"archived": True})
    listed = list_templates(store, SERVICE)
    # ties by type in Notify's enum order (sms, email, letter), not alphabetically
    assert [(t.name, t.type) for t in listed] == [("a", "sms"), ("a", "email"), ("a", "letter"), ("b", "sms")]
    assert [t.id for t in list_templates(store, SERVICE, "sms")][-1] == b.id
