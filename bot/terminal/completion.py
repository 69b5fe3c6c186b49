"""Tab completion for the sandbox terminal: commands, sub-commands, options and their values."""

from __future__ import annotations

from collections.abc import Sequence

from bot.sandbox.constants import JSON

from .options import Directory, leaf_commands

__all__ = ["TERMINAL_WORDS", "candidates"]

TERMINAL_WORDS = ("help", "commands", "press", "as", "in", "quit")


def candidates(line: str, word: str, commands: Sequence[JSON], directory: Directory) -> list[str]:
    """What Tab may complete ``word`` (the end of ``line``) to: terminal words, commands,
    sub-commands, option names, and an option's choices or names."""
    before = line[: len(line) - len(word)].split()
    specs = leaf_commands(commands)
    if not before:
        options = [*TERMINAL_WORDS, *sorted({"/" + s.name.split()[0] for s in specs})]
        return [o + " " for o in options if o.startswith(word)]
    head = before[0].lower()
    if head == "as":
        return [n for n in directory.members if n.startswith(word.lstrip("@"))]
    if head == "in":
        return ["#" + n for n in directory.channels if ("#" + n).startswith("#" + word.lstrip("#"))]
    words = before[1:] if head == "help" else before
    if not words or not words[0].startswith("/"):
        return []
    path = [w for w in words if ":" not in w]
    path[0] = path[0].lstrip("/")
    name = " ".join(path)
    leaf = next((s for s in specs if s.name == name), None)
    if leaf is None:
        depth = len(path)
        return sorted(
            {
                s.name.split()[depth] + " "
                for s in specs
                if s.name.startswith(name + " ") and s.name.split()[depth].startswith(word)
            }
        )
    if head == "help":
        return []
    if ":" in word:
        option_name, typed = word.split(":", 1)
        option = next((o for o in leaf.options if o["name"] == option_name), None)
        values = _option_values(option, directory) if option else []
        return [f"{option_name}:{v}" for v in values if v.startswith(typed)]
    given = {w.split(":", 1)[0] for w in words if ":" in w}
    return [
        f"{o['name']}:"
        for o in leaf.options
        if o["name"] not in given and o["name"].startswith(word)
    ]


def _option_values(option: JSON, directory: Directory) -> list[str]:
    if option.get("choices"):
        return [str(c["value"]) for c in option["choices"]]
    kind = int(option.get("type", 3))
    if kind == 7:
        return list(directory.channels)
    if kind in (6, 9):
        return list(directory.members) + (list(directory.roles) if kind == 9 else [])
    if kind == 8:
        return list(directory.roles)
    if kind == 5:
        return ["true", "false"]
    return []
