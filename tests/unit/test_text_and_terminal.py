from __future__ import annotations

import pytest

from bot.errors import UserInputError
from bot.services.text import clean_text
from bot.terminal import parse_command


def test_clean_text_strips_invisible_and_control_characters() -> None:
    assert clean_text("  sea\u200bside\x00 \t glow\ufeff ", field="topic", max_length=50) == (
        "seaside glow"
    )


def test_clean_text_keeps_newlines_only_when_multiline() -> None:
    assert clean_text("a\nb", field="x", max_length=10) == "a b"
    assert clean_text("a\r\n\n\n\nb", field="x", max_length=10, multiline=True) == "a\n\nb"


@pytest.mark.parametrize("value", ["", "   ", "\u200b\u200d", "\x01\x02"])
def test_clean_text_refuses_empty(value: str) -> None:
    with pytest.raises(UserInputError, match="can't be empty"):
        clean_text(value, field="topic", max_length=10)
    assert clean_text(value, field="tone", max_length=10, required=False) == ""


def test_clean_text_names_the_field_and_limit() -> None:
    with pytest.raises(UserInputError) as info:
        clean_text("x" * 6000, field="topic", max_length=300)
    assert "topic" in info.value.user_message and "6,000" in info.value.user_message
    assert "300" in info.value.user_message


def test_parse_command_with_spaces_and_subcommands() -> None:
    assert parse_command("/write form:poem topic:rain on the roof tone:wistful") == (
        "write",
        {"form": "poem", "topic": "rain on the roof", "tone": "wistful"},
    )
    assert parse_command("/potd setup time:09:00 timezone:Europe/Berlin") == (
        "potd setup",
        {"time": "09:00", "timezone": "Europe/Berlin"},
    )
    assert parse_command('/write topic:"quoted words" form:story') == (
        "write",
        {"topic": "quoted words", "form": "story"},
    )
    assert parse_command("/muse status") == ("muse status", {})


def test_discord_timestamps_are_drawn_as_the_client_would() -> None:
    from datetime import datetime

    from bot.terminal import render_timestamp

    epoch = 1796599135
    local = datetime.fromtimestamp(epoch).astimezone()
    assert str(local.year) in render_timestamp(epoch, "f")
    assert local.strftime("%B") in render_timestamp(epoch, "D")
    assert local.strftime("%A") in render_timestamp(epoch, "F")
    assert render_timestamp(epoch, "d") == local.strftime("%m/%d/%Y")
    assert render_timestamp(epoch, "R", now=datetime.fromtimestamp(epoch - 7200).astimezone()) == (
        "in 2 hours"
    )
    assert render_timestamp(epoch, "R", now=datetime.fromtimestamp(epoch + 60).astimezone()) == (
        "1 minute ago"
    )
