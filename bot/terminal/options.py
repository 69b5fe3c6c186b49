"""Slash commands as a person types them in the sandbox terminal.

The terminal reads the definitions the bot synced: it lists commands with their sub-commands,
describes a command's options (types, limits, choices), and turns what was typed
(``channel:general``, ``member:@alice``, ``rounds:3``) into the values Discord's client would send,
naming the valid values whenever one is not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.sandbox import StoredChannel, StoredMember, StoredRole
from bot.sandbox.constants import JSON
from bot.sandbox.state import SandboxState
from bot.sandbox.stored import StoredGuild

__all__ = [
    "CommandSpec",
    "Directory",
    "TerminalInputError",
    "convert_options",
    "describe_command",
    "find_command",
    "leaf_commands",
    "list_commands",
]

OPTION_TYPES = {
    3: "text",
    4: "whole number",
    5: "true/false",
    6: "member",
    7: "channel",
    8: "role",
    9: "member or role",
    10: "number",
    11: "file path",
}
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


class TerminalInputError(Exception):
    """What a person typed can't be sent; the message says what would be accepted."""


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One runnable command (``potd setup``): its description and option definitions."""

    name: str
    description: str
    options: tuple[JSON, ...]


def leaf_commands(commands: Sequence[JSON]) -> list[CommandSpec]:
    """Every runnable command, sub-commands spelled out (``potd queue add``), sorted by name."""
    found: list[CommandSpec] = []

    def walk(prefix: str, description: str, options: Sequence[JSON]) -> None:
        subs = [o for o in options if o.get("type") in (1, 2)]
        if not subs:
            found.append(CommandSpec(prefix, description, tuple(options)))
            return
        for sub in subs:
            walk(f"{prefix} {sub['name']}", str(sub.get("description", "")), sub.get("options", []))

    for command in commands:
        if command.get("type", 1) == 1:
            walk(
                str(command["name"]),
                str(command.get("description", "")),
                command.get("options") or [],
            )
    return sorted(found, key=lambda c: c.name)


def list_commands(commands: Sequence[JSON]) -> str:
    """The ``commands`` listing: each runnable command with its description."""
    specs = leaf_commands(commands)
    if not specs:
        return "Muse has not synced any commands yet."
    width = min(28, max(len(s.name) for s in specs) + 1)
    lines = [f"  /{s.name:<{width}} {s.description}" for s in specs]
    return "\n".join([*lines, "Type 'help /NAME' for a command's options."])


def find_command(commands: Sequence[JSON], name: str) -> CommandSpec:
    """The runnable command ``name``, or an error naming the ones that exist."""
    wanted = " ".join(name.strip().lstrip("/").split())
    specs = leaf_commands(commands)
    for spec in specs:
        if spec.name == wanted:
            return spec
    below = [s.name for s in specs if s.name.startswith(wanted + " ")]
    if below:
        raise TerminalInputError(
            f"/{wanted} needs a sub-command: " + ", ".join(f"/{n}" for n in below)
        )
    top = sorted({s.name.split()[0] for s in specs})
    first = wanted.split()[0] if wanted else ""
    if first in top:
        subs = [f"/{s.name}" for s in specs if s.name.split()[0] == first]
        raise TerminalInputError(f"/{wanted} is not a command. /{first} has: {', '.join(subs)}")
    raise TerminalInputError(
        f"/{wanted} is not a command. Commands: {', '.join('/' + t for t in top)} "
        "(type 'commands' for all of them)"
    )


def _limits(option: JSON) -> str:
    parts: list[str] = []
    if "min_length" in option or "max_length" in option:
        parts.append(f"{option.get('min_length', 0)}..{option.get('max_length', 6000)} characters")
    if "min_value" in option or "max_value" in option:
        parts.append(f"{option.get('min_value', '…')}..{option.get('max_value', '…')}")
    return ", ".join(parts)


def describe_command(spec: CommandSpec) -> str:
    """``help /potd setup``: every option with its type, limits, choices and whether required."""
    lines = [f"/{spec.name}: {spec.description}"]
    if not spec.options:
        lines.append("  (no options)")
    for option in sorted(spec.options, key=lambda o: not o.get("required", False)):
        kind = OPTION_TYPES.get(int(option.get("type", 3)), "value")
        details = [kind, "required" if option.get("required") else "optional"]
        if limits := _limits(option):
            details.append(limits)
        if option.get("autocomplete"):
            details.append("suggestions as you type in Discord")
        lines.append(f"  {option['name']}:  ({', '.join(details)}) {option.get('description', '')}")
        if option.get("choices"):
            lines.append("      one of: " + ", ".join(str(c["value"]) for c in option["choices"]))
    example = " ".join(f"{o['name']}:{_example(o)}" for o in spec.options if o.get("required"))
    lines.append(f"  e.g. /{spec.name} {example}".rstrip())
    return "\n".join(lines)


def _example(option: JSON) -> str:
    if option.get("choices"):
        return str(option["choices"][0]["value"])
    return {4: "1", 5: "true", 6: "alice", 7: "general", 8: "Admin", 9: "alice", 10: "1.5"}.get(
        int(option.get("type", 3)), "…"
    )


@dataclass(frozen=True, slots=True)
class Directory:
    """The names a person sees in the terminal: channels, members and roles of one guild."""

    channels: Mapping[str, StoredChannel]
    members: Mapping[str, StoredMember]
    roles: Mapping[str, StoredRole]

    @classmethod
    def of(cls, state: SandboxState, guild: StoredGuild) -> Directory:
        channels = {
            c.name: c
            for c in sorted(state.channels.values(), key=lambda c: c.id)
            if c.guild_id == guild.id
        }
        members = {m.user.username: m for m in guild.members.values()}
        roles = {r.name: r for r in guild.roles.values()}
        return cls(channels, members, roles)


def _lookup(kind: str, raw: str, names: Mapping[str, Any], marks: str) -> Any:
    text = raw.strip()
    for candidate in (text, text.lstrip(marks)):
        if candidate in names:
            return names[candidate]
        folded = {k.casefold(): v for k, v in names.items()}
        if candidate.casefold() in folded:
            return folded[candidate.casefold()]
    shown = ", ".join(f"{marks[0]}{n}" if marks else n for n in names)
    raise TerminalInputError(f"there is no {kind} {raw!r}; the {kind}s are: {shown}")


def _convert(option: JSON, raw: str, directory: Directory) -> Any:
    name = option["name"]
    kind = int(option.get("type", 3))
    if kind == 4:
        try:
            return int(raw)
        except ValueError:
            raise TerminalInputError(f"{name}: needs a whole number, not {raw!r}") from None
    if kind == 10:
        try:
            return float(raw)
        except ValueError:
            raise TerminalInputError(f"{name}: needs a number, not {raw!r}") from None
    if kind == 5:
        if raw.casefold() in _TRUE | _FALSE:
            return raw.casefold() in _TRUE
        raise TerminalInputError(f"{name}: needs true or false, not {raw!r}")
    if kind == 6:
        return _lookup("member", raw, directory.members, "@")
    if kind == 7:
        return _lookup("channel", raw, directory.channels, "#")
    if kind == 8:
        return _lookup("role", raw, directory.roles, "@")
    if kind == 9:
        both = {**directory.roles, **directory.members}
        return _lookup("member or role", raw, both, "@")
    if kind == 11:
        path = Path(raw).expanduser()
        if not path.is_file():
            raise TerminalInputError(f"{name}: no file at {raw!r} (give the path of a file)")
        return (path.name, path.read_bytes())
    return raw


def _match_choice(option: JSON, value: Any) -> Any:
    choices: list[JSON] = option.get("choices") or []
    if not choices:
        return value
    for choice in choices:
        if choice["value"] == value:
            return value
    for choice in choices:
        if str(choice["name"]).casefold() == str(value).casefold():
            return choice["value"]
    listed = ", ".join(str(c["value"]) for c in choices)
    raise TerminalInputError(
        f"{value!r} is not a choice of option {option['name']!r}; pick one of: {listed}"
    )


def convert_options(
    spec: CommandSpec, given: Mapping[str, str], directory: Directory
) -> dict[str, Any]:
    """Typed option values for ``spec`` from what was typed, or an error saying what is valid."""
    by_name = {str(o["name"]): o for o in spec.options}
    unknown = [n for n in given if n not in by_name]
    if unknown:
        raise TerminalInputError(
            f"/{spec.name} has no option {unknown[0]!r}; its options are: "
            + (", ".join(by_name) or "none")
        )
    missing = [n for n, o in by_name.items() if o.get("required") and n not in given]
    if missing:
        raise TerminalInputError(
            f"/{spec.name} needs {', '.join(m + ':' for m in missing)} (see 'help /{spec.name}')"
        )
    values: dict[str, Any] = {}
    for name, raw in given.items():
        option = by_name[name]
        values[name] = _match_choice(option, _convert(option, raw, directory))
    return values
