"""Every command's options, read from the schema the bot synced to the sandbox.

Used by the tests that send the longest and the worst values to every option of every command:
a command added later is covered without editing the tests.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from bot.sandbox import Sandbox

__all__ = ["Leaf", "base_options", "leaf_commands", "longest_text", "settle"]

JSON = dict[str, Any]

# Values that parse, for options whose longest random text would only ever be refused: the
# longest *accepted* value is the one that makes the longest answer.
_MEANINGFUL: dict[tuple[str, str], str] = {
    ("lyrics chords", "key"): "C#",
    ("potd setup", "time"): "09:00",
    ("potd setup", "timezone"): "Europe/Berlin",
    ("erase-member", "user_id"): "123456789012345678",
}
_WORDS = "verse chorus bridge, river light; under a grey sky the long road home. "
_SECTIONS = "pre-chorus, verse, chorus, bridge, hook, outro, intro, refrain, "


@dataclass(frozen=True)
class Leaf:
    """A command that runs: ``"potd queue add"`` and its option definitions."""

    name: str
    options: tuple[JSON, ...]

    def text_options(self) -> list[JSON]:
        return [o for o in self.options if o["type"] == 3 and not o.get("choices")]


def leaf_commands(sandbox: Sandbox) -> list[Leaf]:
    found: list[Leaf] = []

    def walk(prefix: str, options: list[JSON]) -> None:
        subs = [o for o in options if o["type"] in (1, 2)]
        if not subs:
            found.append(Leaf(prefix, tuple(options)))
        for sub in subs:
            walk(f"{prefix} {sub['name']}", list(sub.get("options") or []))

    for command in sandbox.commands():
        if command.get("type", 1) == 1:
            walk(command["name"], list(command.get("options") or []))
    return sorted(found, key=lambda leaf: leaf.name)


def longest_text(leaf: Leaf, option: JSON) -> str:
    """The longest value Discord's client lets a member type into this option."""
    if (leaf.name, option["name"]) in _MEANINGFUL:
        return _MEANINGFUL[(leaf.name, option["name"])]
    limit = int(option.get("max_length", 6000))
    source = _SECTIONS if option["name"] in ("sections", "structure") else _WORDS
    return (source * (limit // len(source) + 1))[:limit].rstrip() or "x"


def base_options(sandbox: Sandbox, leaf: Leaf, *, longest: bool) -> JSON:
    """Valid values for every option (the longest text for text options when ``longest``;
    required options only otherwise)."""
    values: JSON = {}
    for option in leaf.options:
        if not option.get("required") and not longest:
            continue
        kind = option["type"]
        if option.get("choices"):
            values[option["name"]] = option["choices"][0]["value"]
        elif kind == 3:
            short = _MEANINGFUL.get((leaf.name, option["name"]), "x")
            values[option["name"]] = longest_text(leaf, option) if longest else short
        elif kind in (4, 10):
            values[option["name"]] = option.get("min_value", 1)
        elif kind == 5:
            values[option["name"]] = False
        elif kind == 6:
            values[option["name"]] = sandbox.members[1]
        elif kind == 7:
            values[option["name"]] = sandbox.channel
        elif kind == 11:
            values[option["name"]] = ("work.txt", (_WORDS * 40).encode())
    return values


async def settle(sandbox: Sandbox, quiet: float = 0.4, timeout: float = 20.0) -> None:
    """Wait until the bot has made no REST call for ``quiet`` seconds."""

    def idle() -> bool:
        calls = sandbox.calls
        return not calls or time.monotonic() - calls[-1].at >= quiet

    await sandbox.wait_until(idle, timeout)
