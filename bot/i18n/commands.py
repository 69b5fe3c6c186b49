"""The slash commands of every cog, read from the cog classes without starting a bot.

Used by the catalog tools (``extract``, ``coverage``) and the coverage tests: a command added to
any cog is in the catalog's to-do list without anyone listing it.
"""

from __future__ import annotations

import importlib
from typing import Any

from discord import app_commands
from discord.ext import commands

__all__ = ["all_commands", "command_owner"]

AnyCommand = app_commands.Command[Any, ..., Any] | app_commands.Group


def _subclasses(cls: type[Any]) -> list[type[Any]]:
    found: list[type[Any]] = []
    sub: type[Any]
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def all_commands() -> list[AnyCommand]:
    """The top-level slash commands and groups of every extension Muse loads, by name."""
    from bot.app import discover_extensions

    for extension in (*discover_extensions(), "bot.ops.cog"):
        importlib.import_module(extension)
    by_name: dict[str, AnyCommand] = {}
    for cog in _subclasses(commands.Cog):
        if not cog.__module__.startswith(("cogs.", "bot.ops")):
            continue
        for command in getattr(cog, "__cog_app_commands__", []):
            if isinstance(command, app_commands.Command | app_commands.Group):
                by_name.setdefault(command.name, command)
    return [by_name[name] for name in sorted(by_name)]


def command_owner(command: AnyCommand) -> str:
    """The module that defines a command: where its strings are wrapped."""
    root = command.root_parent or command
    if isinstance(root, app_commands.Group) and root.module:
        return root.module
    callback = getattr(command, "callback", None)
    return str(getattr(callback, "__module__", "") or getattr(root, "module", ""))
