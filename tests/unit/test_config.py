"""Settings come from the environment the template sets: each field from its upper-case name, typed."""

from __future__ import annotations

from dataclasses import fields

import pytest

from tidings.config import Settings


def test_fields_are_read_from_their_upper_case_names_with_their_types() -> None:
    settings = Settings.from_environ(
        {
            "NOTIFICATIONS_TABLE": "tidings-dev-Notifications",
            "CALLBACK_RETRY_SECONDS": "7",
            "SENDING_TIMEOUT_HOURS": "0.5",
            "LOCAL_MODE": "true",
            "UNRELATED": "ignored",
        }
    )
    assert settings.notifications_table == "tidings-dev-Notifications"
    assert settings.callback_retry_seconds == 7
    assert settings.sending_timeout_hours == 0.5
    assert settings.local_mode is True


def test_unset_fields_keep_their_defaults() -> None:
    assert Settings.from_environ({}) == Settings()


@pytest.mark.parametrize(("text", "flag"), [("1", True), ("Yes", True), ("on", True), ("0", False), ("false", False)])
def test_flags_read_as_pydantic_settings_did(text: str, flag: bool) -> None:
    assert Settings.from_environ({"LOCAL_MODE": text}).local_mode is flag


@pytest.mark.parametrize(("name", "text"), [("LOCAL_MODE", "maybe"), ("DISPATCH_MAX_RECEIVES", "five")])
def test_a_malformed_value_stops_the_container_rather_than_being_guessed(name: str, text: str) -> None:
    with pytest.raises(ValueError, match=text):
        Settings.from_environ({name: text})


def test_every_field_has_a_parser_for_its_type() -> None:
    """A new setting of another type must bring its parser, or the container would fail only once it is set."""
    variables = {f.name.upper(): "1" for f in fields(Settings)}
    assert Settings.from_environ(variables).dispatch_max_receives == 1
