"""Slash commands in the member's language: discord.py's ``Translator`` reading Muse's catalog.

Discord shows a command's ``name_localizations`` and ``description_localizations`` (and those of
its options and choices) to members whose client speaks that language. discord.py asks the tree's
translator for them at sync, but only for strings given as ``locale_str``: :func:`localise_tree`
turns every name, description and choice of the tree into one first, so a command added later is
translated (or reported missing by the coverage test) without anyone remembering ``locale_str``.

Each kind of string has its own message context in the catalog (``msgctxt "command name"``), so
the option ``title`` and the word "title" in a reply can be translated differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where
from discord.app_commands import locale_str

from bot.i18n import DEFAULT_LOCALE, normalize_locale, translations

__all__ = [
    "CONTEXTS",
    "CommandText",
    "MuseTranslator",
    "command_texts",
    "localise_commands",
]

CONTEXTS: dict[Where, str] = {
    Where.command_name: "command name",
    Where.group_name: "command name",
    Where.command_description: "command description",
    Where.group_description: "command description",
    Where.parameter_name: "option name",
    Where.parameter_description: "option description",
    Where.choice_name: "choice",
}

AnyCommand = app_commands.Command[Any, ..., Any] | app_commands.Group


class MuseTranslator(app_commands.Translator):
    """Looks each string up in the catalog of the locale Discord asks for; None when Muse does
    not speak that language or has no translation (Discord then shows the English)."""

    async def translate(
        self,
        string: locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        code = normalize_locale(locale.value)
        msgctxt = CONTEXTS.get(context.location)
        if code is None or code == DEFAULT_LOCALE or msgctxt is None:
            return None
        translated = translations(code).pgettext(msgctxt, string.message)
        return translated if translated != string.message else None


def _as_locale(text: object) -> locale_str:
    return text if isinstance(text, locale_str) else locale_str(str(text))


def localise_commands(commands: Iterable[AnyCommand]) -> None:
    """Make every name, description, option and choice of these commands (and their
    sub-commands) a ``locale_str``, so the translator is asked for each. Idempotent."""
    for command in _walk(commands):
        # discord.py keeps the translatable form in these attributes (set from its constructor
        # when given a locale_str); plain strings are filled in the same way here.
        command._locale_name = _as_locale(command.name)
        command._locale_description = _as_locale(command.description)
        if isinstance(command, app_commands.Group):
            continue
        for parameter in command._params.values():
            parameter._rename = _as_locale(parameter.display_name)
            parameter.description = _as_locale(parameter.description)
            for choice in parameter.choices or ():
                choice._locale_name = _as_locale(choice.name)


def _walk(commands: Iterable[AnyCommand]) -> Iterator[AnyCommand]:
    for command in commands:
        yield command
        if isinstance(command, app_commands.Group):
            yield from _walk(command.commands)


@dataclass(frozen=True)
class CommandText:
    """One translatable string of the command tree: ``("option name", "title", "story new")``."""

    context: str
    message: str
    command: str


def command_texts(commands: Iterable[AnyCommand]) -> list[CommandText]:
    """Every name, description, option and choice of these commands, for the catalog."""
    found: list[CommandText] = []
    for command in _walk(commands):
        where = command.qualified_name
        found.append(CommandText("command name", command.name, where))
        found.append(CommandText("command description", command.description, where))
        if isinstance(command, app_commands.Group):
            continue
        for parameter in command.parameters:
            found.append(CommandText("option name", parameter.display_name, where))
            found.append(CommandText("option description", str(parameter.description), where))
            found.extend(CommandText("choice", c.name, where) for c in parameter.choices)
    return found
