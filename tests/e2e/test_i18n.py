"""Muse in Simplified Chinese, end to end: the synced commands carry zh-CN localisations, and
the reply language follows the member's setting, their client's language, the server's default,
then English."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.sandbox import Sandbox, StoredMessage
from models import FakeEngine
from tests.e2e.conftest import MuseHarness

pytestmark = pytest.mark.e2e

HAN = re.compile(r"[\u4e00-\u9fff]")
ZH = "zh-CN"


def text_of(message: StoredMessage) -> str:
    parts = [message.content]
    for embed in message.embeds:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for field in embed.get("fields") or []:
            parts += [field["name"], field["value"]]
    return "\n".join(parts)


def han_share(text: str) -> float:
    """The share of the letters that are Han characters (0 for English, high for Chinese)."""
    letters = [c for c in text if c.isalpha()]
    return sum(bool(HAN.match(c)) for c in letters) / max(1, len(letters))


def walk(command: dict[str, Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    yield path, command
    for option in command.get("options") or []:
        yield from walk(option, f"{path} {option['name']}")


async def reply(muse: MuseHarness, name: str, options: dict[str, Any], **kw: Any) -> str:
    ix = await muse.sandbox.slash(name, options, **kw)
    return text_of(await ix.final_message())


def test_sync_payload_carries_chinese_for_every_command_and_option(muse: MuseHarness) -> None:
    checked = 0
    for command in muse.sandbox.commands():
        for path, item in walk(command, command["name"]):
            names = item.get("name_localizations") or {}
            descriptions = item.get("description_localizations") or {}
            if item["name"] != "muse":  # a name is the same in every language
                assert HAN.search(names.get(ZH, "")), f"/{path}: no zh-CN name ({names})"
            assert HAN.search(descriptions.get(ZH, "")), f"/{path}: no zh-CN description"
            for choice in item.get("choices") or []:
                if choice["name"] in ("English", "简体中文"):
                    continue
                localized = (choice.get("name_localizations") or {}).get(ZH, "")
                assert HAN.search(localized), f"/{path}: choice {choice['name']!r} untranslated"
            checked += 1
    assert checked > 200, checked
    # Languages Muse does not speak get no localisation at all: Discord shows the English.
    assert all(
        set(item.get("name_localizations") or {}) <= {ZH}
        for command in muse.sandbox.commands()
        for _path, item in walk(command, command["name"])
    )


async def test_chinese_client_gets_chinese_and_english_client_english(
    muse: MuseHarness,
) -> None:
    sandbox: Sandbox = muse.sandbox
    alice = sandbox.members[0]
    chinese = await reply(muse, "muse status", {}, user=alice, locale=ZH)
    english = await reply(muse, "muse status", {}, user=alice, locale="en-US")
    assert "Muse 状态" in chinese and han_share(chinese) > 0.3, chinese
    assert "Muse status" in english and han_share(english) == 0, english
    # A reply that asks the model is told to write in the member's language.
    engine = muse.engine
    assert isinstance(engine, FakeEngine)
    await (
        await sandbox.slash("write", {"form": "poem", "topic": "rain"}, user=alice, locale=ZH)
    ).final_message()
    await (
        await sandbox.slash("write", {"form": "poem", "topic": "snow"}, user=alice)
    ).final_message()
    systems = [p.messages[0].content for p in engine.prompts]
    assert any(
        "Simplified Chinese" in s and "rain" in p.text
        for s, p in zip(systems, engine.prompts, strict=True)
    )
    assert not any(
        "Simplified Chinese" in s and "snow" in p.text
        for s, p in zip(systems, engine.prompts, strict=True)
    )
    # /potd settings, before and after setup (the overview embed, either way).
    before = await reply(muse, "potd settings", {}, user=sandbox.admin, locale=ZH)
    assert han_share(before) > 0.3, before
    await sandbox.slash(
        "potd setup",
        {"channel": sandbox.channel, "time": "09:00", "timezone": "UTC", "medium": "writing"},
        user=sandbox.admin,
    )
    settings = await reply(muse, "potd settings", {}, user=sandbox.admin, locale=ZH)
    assert "频道" in settings and han_share(settings) > 0.3, settings
    assert han_share(await reply(muse, "potd settings", {}, user=sandbox.admin)) == 0


async def test_story_status_and_an_unknown_story_in_chinese(muse: MuseHarness) -> None:
    sandbox = muse.sandbox
    alice = sandbox.members[0]
    start = await sandbox.slash(
        "story start", {"title": "The Lighthouse", "genre": "mystery"}, user=alice
    )
    await start.final_message()
    await muse.bot.services.story.wait_idle()
    status = await reply(muse, "story status", {"story": "The Lighthouse"}, user=alice, locale=ZH)
    assert "轮到谁" in status and "The Lighthouse" in status, status
    missing = await reply(muse, "story status", {"story": "Nowhere"}, user=alice, locale=ZH)
    assert "找不到" in missing and "'Nowhere'" in missing, missing
    english = await reply(muse, "story status", {"story": "Nowhere"}, user=alice)
    assert "can't find a story" in english and han_share(english) == 0, english


async def test_member_setting_overrides_the_client_and_the_server_default_fills_in(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    alice, bob = sandbox.members[0], sandbox.members[1]
    said = await reply(muse, "muse language", {"language": "zh_CN"}, user=alice)
    assert "简体中文" in said and han_share(said) > 0.3, said  # confirmed in the new language
    # Alice's English client no longer decides: her own choice comes first.
    assert han_share(await reply(muse, "muse status", {}, user=alice, locale="en-US")) > 0.3
    # ...and a member who chose English gets English from a Chinese client.
    await reply(muse, "muse language", {"language": "en"}, user=bob)
    assert han_share(await reply(muse, "muse status", {}, user=bob, locale=ZH)) == 0
    # "Automatic" forgets the choice: the client's language applies again.
    await reply(muse, "muse language", {"language": "auto"}, user=alice)
    assert han_share(await reply(muse, "muse status", {}, user=alice, locale="en-US")) == 0
    # A client language Muse doesn't speak falls back to the server's default.
    assert han_share(await reply(muse, "muse status", {}, user=alice, locale="fr")) == 0
    await reply(muse, "muse server-language", {"language": "zh_CN"}, user=sandbox.admin)
    assert han_share(await reply(muse, "muse status", {}, user=alice, locale="fr")) > 0.3


async def test_only_admins_set_the_server_language_and_nothing_changes(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    alice = sandbox.members[0]
    refused = await reply(muse, "muse server-language", {"language": "zh_CN"}, user=alice)
    assert "manage the server" in refused, refused
    assert await muse.bot.services.language.server_locale(sandbox.guild.id) == "en"
    assert han_share(await reply(muse, "muse status", {}, user=alice, locale="fr")) == 0


async def test_the_daily_post_speaks_the_servers_language(muse: MuseHarness) -> None:
    from tests.e2e.test_potd_schedule import fire_cron, posts_in, setup_potd

    sandbox = muse.sandbox
    await reply(muse, "muse server-language", {"language": "zh_CN"}, user=sandbox.admin)
    # The admin's own replies stay in their client's language: only scheduled posts change.
    assert han_share(text_of(await setup_potd(muse, medium="writing"))) == 0
    engine = muse.engine
    assert isinstance(engine, FakeEngine)
    before = len(engine.prompts)
    await fire_cron(muse, sandbox.guild.id)
    # The model was asked for the prompt in the server's language.
    asked = engine.prompts[before:]
    assert asked and all("Simplified Chinese" in p.messages[0].content for p in asked)
    posts = posts_in(sandbox, sandbox.channel)
    assert len(posts) == 1
    post = posts[0].embeds[0]
    names = [field["name"] for field in post["fields"]]
    assert "日期" in names and "一起来玩" in names, names
    # The footer is the marker a crashed post is found by: the same in every language.
    assert post["footer"]["text"].startswith("Prompt of the day · ")
    thread = sandbox.state.channels[posts[0].thread_id]
    assert thread.name.endswith("的作品"), thread.name


async def test_the_language_setting_is_exported_and_erased_with_the_members_data(
    muse: MuseHarness,
) -> None:
    sandbox = muse.sandbox
    alice = sandbox.members[0]
    await reply(muse, "muse language", {"language": "zh_CN"}, user=alice)
    exported = await muse.bot.services.style.export(sandbox.guild.id, alice.id)
    assert '"language": "zh_CN"' in exported.data.decode("utf-8")
    await muse.bot.services.style.forget(sandbox.guild.id, alice.id)
    assert await muse.bot.services.language.member_locale(alice.id) is None
    assert han_share(await reply(muse, "muse status", {}, user=alice)) == 0
