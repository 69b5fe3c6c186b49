"""The translation calls, the catalogs' fallback compilation, the command translator and the
language settings."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import discord
import pytest
from discord import app_commands

from bot.clock import FakeClock
from bot.db import Database
from bot.db.repositories.languages import LanguageRepository
from bot.discord_io.translator import MuseTranslator
from bot.errors import NotAllowed, QueueFull, UserInputError
from bot.i18n import (
    N_,
    _,
    catalog,
    current_locale,
    ngettext,
    normalize_locale,
    translate,
    translations,
    use_locale,
)
from bot.i18n.compile import main as compile_main
from bot.services.actor import Actor
from bot.services.language import LanguageService, resolve_locale
from bot.services.prompts import language_instruction, prompt_messages


def test_english_is_the_msgid_and_chinese_comes_from_the_catalog() -> None:
    assert translate("en", "Muse status") == "Muse status"
    assert translate("zh_CN", "Muse status") == "Muse 状态"
    assert translate("zh-CN", "Muse status") == "Muse 状态"  # Discord's spelling
    assert translate("fr", "Muse status") == "Muse status"  # a language Muse doesn't speak
    assert translate("zh_CN", "a string nobody wrapped") == "a string nobody wrapped"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("zh-CN", "zh_CN"),
        ("zh_CN", "zh_CN"),
        ("zh", "zh_CN"),
        ("zh-TW", None),  # traditional script: not Simplified Chinese
        ("en-GB", "en"),
        ("en-US", "en"),
        ("fr", None),
        ("", None),
        (None, None),
    ],
)
def test_discord_codes_map_onto_the_languages_muse_speaks(
    code: str | None, expected: str | None
) -> None:
    assert normalize_locale(code) == expected


def test_plural_forms_follow_each_catalog() -> None:
    with use_locale("en"):
        assert [ngettext("{n} hour", "{n} hours", n) for n in (1, 2)] == ["1 hour", "2 hours"]
    with use_locale("zh_CN"):
        # Chinese has one plural form: the same sentence for every count.
        assert [ngettext("{n} hour", "{n} hours", n) for n in (1, 2, 5)] == [
            "1 小时",
            "2 小时",
            "5 小时",
        ]


def test_member_text_in_a_placeholder_is_never_a_template() -> None:
    hostile = "{title} {0} {__class__} }}{{"
    with use_locale("zh_CN"):
        said = _("**{title}** is paused right now.", title=hostile)
    assert hostile in said and "暂停" in said


async def test_each_task_keeps_its_own_language() -> None:
    seen: dict[str, list[str]] = {}

    async def answer(locale: str) -> None:
        with use_locale(locale):
            for _round in range(5):
                await asyncio.sleep(0)
                seen.setdefault(locale, []).append(_("Muse status"))

    await asyncio.gather(answer("zh_CN"), answer("en"), answer("zh_CN"))
    assert set(seen["zh_CN"]) == {"Muse 状态"}
    assert set(seen["en"]) == {"Muse status"}
    assert current_locale() == "en"  # nothing leaked out of the tasks


def test_lazy_strings_translate_when_shown_not_when_defined() -> None:
    label = N_("Muse status")
    with use_locale("zh_CN"):
        assert str(label) == "Muse 状态" and f"{label}" == "Muse 状态"
    assert str(label) == "Muse status"


def test_errors_translate_at_the_edge_with_their_values() -> None:
    busy = QueueFull(12.4)
    assert busy.user_message.endswith("about 12 seconds.")
    with use_locale("zh_CN"):
        shown = _(busy.message_template, **busy.message_values)
    assert "12" in shown and "秒" in shown
    plain = UserInputError()
    with use_locale("zh_CN"):
        assert _(plain.message_template) == "这个输入用不了哦。"


@pytest.fixture
def locale_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The catalogs copied aside, so a test can remove or age the compiled one."""
    copy = tmp_path / "locale"
    shutil.copytree(catalog.LOCALE_DIR, copy)
    monkeypatch.setattr(catalog, "LOCALE_DIR", copy)
    translations.cache_clear()
    yield copy
    translations.cache_clear()


def test_a_missing_mo_is_compiled_from_the_po(locale_copy: Path) -> None:
    mo = catalog.mo_path("zh_CN")
    mo.unlink(missing_ok=True)
    assert translations("zh_CN").gettext("Muse status") == "Muse 状态"
    assert not mo.exists()  # compiled in memory: the install may be read-only


def test_a_stale_mo_loses_to_a_newer_po_and_compile_refreshes_it(locale_copy: Path) -> None:
    mo, po = catalog.mo_path("zh_CN"), catalog.po_path("zh_CN")
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "Muse 状态"', 'msgstr "Muse 近况"'),
        encoding="utf-8",
    )
    mo.write_bytes(catalog.compile_catalog("zh_CN"))
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "Muse 近况"', 'msgstr "Muse 状态"'),
        encoding="utf-8",
    )
    os.utime(mo, (1, 1))  # older than the .po: stale
    assert translations("zh_CN").gettext("Muse status") == "Muse 状态"
    translations.cache_clear()
    assert compile_main() == 0
    assert mo.stat().st_mtime >= po.stat().st_mtime
    assert translations("zh_CN").gettext("Muse status") == "Muse 状态"


async def test_the_translator_answers_only_for_languages_it_has() -> None:
    translator = MuseTranslator()
    context = app_commands.TranslationContext(
        location=app_commands.TranslationContextLocation.command_name, data=None
    )
    name = app_commands.locale_str("status")
    assert await translator.translate(name, discord.Locale.chinese, context) == "状态"
    assert await translator.translate(name, discord.Locale.american_english, context) is None
    assert await translator.translate(name, discord.Locale.french, context) is None
    # The context tells a command name from the same English word elsewhere.
    other = app_commands.TranslationContext(
        location=app_commands.TranslationContextLocation.other, data=None
    )
    assert await translator.translate(name, discord.Locale.chinese, other) is None


@pytest.mark.parametrize(
    ("member", "client", "server", "expected"),
    [
        ("zh_CN", "en-US", "en", "zh_CN"),  # the member's own choice first
        ("en", "zh-CN", "zh_CN", "en"),
        (None, "zh-CN", "en", "zh_CN"),  # then the client's language
        (None, "en-GB", "zh_CN", "en"),
        (None, "fr", "zh_CN", "zh_CN"),  # a client language Muse lacks: the server's
        (None, None, "zh_CN", "zh_CN"),
        (None, "fr", None, "en"),  # then English
        (None, None, None, "en"),
    ],
)
def test_the_resolution_order(
    member: str | None, client: str | None, server: str | None, expected: str
) -> None:
    assert resolve_locale(member, client, server) == expected


def test_the_model_is_told_to_write_in_a_language_other_than_english() -> None:
    assert language_instruction("en") == "" and language_instruction(None) == ""
    assert "Chinese" in language_instruction("zh_CN")
    fields = {"form": "a poem", "length_rule": "Keep it short."}
    english = prompt_messages(
        "write", fields=fields, slots={"topic": "rain", "tone": None}, locale="en"
    )
    chinese = prompt_messages(
        "write", fields=fields, slots={"topic": "rain", "tone": None}, locale="zh_CN"
    )
    assert "Chinese" not in english[0].content
    assert "Chinese" in chinese[0].content
    assert english[1:] == chinese[1:]  # the task and the member's text are unchanged
    with use_locale("zh_CN"):  # the default is the current locale
        assert (
            "Chinese"
            in prompt_messages("write", fields=fields, slots={"topic": "r", "tone": None})[
                0
            ].content
        )


async def test_settings_are_stored_checked_exported_and_erased(tmp_path: Path) -> None:
    db = Database(tmp_path / "lang.db")
    await db.open()
    try:
        repo = LanguageRepository(db)
        service = LanguageService(repo, FakeClock())
        member = Actor(guild_id=10, channel_id=11, user_id=7)
        admin = Actor(guild_id=10, channel_id=11, user_id=8, can_manage=True)
        assert await service.resolve(7, 10, None) == "en"
        assert await service.set_member_locale(member, "zh-CN") == "zh_CN"
        assert await service.resolve(7, 10, "en-US") == "zh_CN"
        with pytest.raises(NotAllowed):
            await service.set_server_locale(member, "zh_CN")
        assert await repo.guild_locale(10) is None  # refused before any write
        with pytest.raises(UserInputError):
            await service.set_member_locale(member, "fr")
        assert await service.member_locale(7) == "zh_CN"  # bad input changed nothing
        await service.set_server_locale(admin, "zh_CN")
        assert await service.server_locale(10) == "zh_CN"
        assert await service.resolve(8, 10, "fr") == "zh_CN"
        assert await repo.export_member(10, 7) == {"language": "zh_CN"}
        assert await repo.erase_member(10, 7) == 1
        assert await repo.export_member(10, 7) == {"language": None}
        assert await service.resolve(7, 10, "en-US") == "en"
    finally:
        await db.close()


def test_a_translation_with_a_broken_placeholder_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Typo:
        def gettext(self, message: str) -> str:
            return "{titel} 已暂停。"

    monkeypatch.setattr("bot.i18n.api.translations", lambda locale: Typo())
    said = translate("zh_CN", "**{title}** is paused right now.", title="Moon")
    assert said == "**Moon** is paused right now."


def test_every_translation_keeps_the_placeholders_and_numbers_of_its_english() -> None:
    import re

    from babel.messages.pofile import read_po

    placeholder = re.compile(r"\{(\w*)\}")
    number = re.compile(r"\d+(?:,\d{3})*")
    with catalog.po_path("zh_CN").open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id and m.string]
    assert len(messages) > 300
    for message in messages:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(placeholder.findall(ids[-1])) | set(placeholder.findall(ids[0]))
        for text in strings:
            assert set(placeholder.findall(text)) == wanted, (message.id, text)
            # "(up to 60 characters)", "(default 24)": the same figures in every language.
            assert set(number.findall(ids[0])) <= set(number.findall(text)), (message.id, text)
