"""An interactive terminal for trying Muse in the local sandbox.

Type a slash command as in Discord (``/write form:poem topic:rain``); the reply prints as it
streams. Buttons under a reply are numbered: ``press 1``. ``as alice`` switches member.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
from collections.abc import Callable
from typing import Any

from bot.sandbox import InteractionHandle, Sandbox, SandboxError, StoredMember, StoredMessage
from bot.sandbox.state import iter_components

__all__ = ["SandboxTerminal", "parse_command"]

HELP = """\
Commands:
  /write form:poem topic:rain tone:wistful    run a slash command (options as name:value)
  press N                                     press button N of the last reply
  as NAME                                     act as another member (admin, alice, bob, carol)
  commands                                    list the slash commands Muse synced
  help                                        this text
  quit                                        stop Muse"""

_OPTION = re.compile(r"(?:^|\s)([a-z_][a-z0-9_-]*):")


def parse_command(line: str) -> tuple[str, dict[str, str]]:
    """``/potd setup channel:general time:09:00`` → ("potd setup", {"channel": ..., "time": ...}).

    An option's value runs until the next ``name:`` marker; quotes are optional.
    """
    text = line.strip().removeprefix("/")
    matches = list(_OPTION.finditer(text))
    name = (text[: matches[0].start()] if matches else text).strip()
    options: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = text[match.end() : end].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = shlex.split(value)[0] if value.count(value[0]) == 2 else value[1:-1]
        options[match.group(1)] = value
    return " ".join(name.split()), options


def _stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


class SandboxTerminal:
    def __init__(
        self,
        sandbox: Sandbox,
        *,
        read_line: Callable[[], str] | None = None,
        write: Callable[[str], None] | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.member: StoredMember = sandbox.admin
        self._read_line = read_line or sys.stdin.readline
        self._out = write or _stdout
        self._write = lambda text: self._out(text + "\n")
        self._buttons: list[tuple[StoredMessage, str, str]] = []

    async def run(self, stop: asyncio.Event) -> None:
        self._write(HELP)
        while not stop.is_set():
            self._out(f"[{self.member.user.username}] > ")
            line = await asyncio.to_thread(self._read_line)
            if not line:  # end of input
                break
            try:
                if not await self.handle(line.strip()):
                    break
            except SandboxError as exc:
                self._write(f"! {exc}")

    async def handle(self, line: str) -> bool:
        """Handle one line; False means quit."""
        if not line:
            return True
        word = line.split()[0].lower()
        if word in ("quit", "exit"):
            return False
        if word == "help":
            self._write(HELP)
        elif word == "commands":
            for command in self.sandbox.commands():
                self._write(f"  /{command['name']}: {command.get('description', '')}")
        elif word == "as":
            self._switch(line.split(maxsplit=1)[1] if len(line.split()) > 1 else "")
        elif word == "press":
            await self._press(line)
        elif line.startswith("/"):
            name, options = parse_command(line)
            resolved: dict[str, Any] = dict(options)
            handle = await self.sandbox.slash(name, resolved, user=self.member)
            await self.show(handle)
        else:
            self._write("Unknown input. Type 'help'.")
        return True

    def _switch(self, name: str) -> None:
        members = {m.user.username: m for m in [self.sandbox.admin, *self.sandbox.members]}
        if name not in members:
            self._write(f"Members: {', '.join(members)}")
            return
        self.member = members[name]
        self._write(f"You are now {name}.")

    async def _press(self, line: str) -> None:
        parts = line.split()
        if (
            len(parts) != 2
            or not parts[1].isdigit()
            or not 1 <= int(parts[1]) <= len(self._buttons)
        ):
            self._write("Say which button: press N (see the numbers under the last reply).")
            return
        message, custom_id, _ = self._buttons[int(parts[1]) - 1]
        handle = await self.sandbox.click(message, custom_id, self.member)
        await self.show(handle)

    async def show(self, handle: InteractionHandle, *, quiet_for: float = 2.0) -> None:
        """Print the reply as it changes, until it has been quiet for ``quiet_for`` seconds."""
        printed: dict[int, str] = {}
        loop = asyncio.get_running_loop()
        last_change = loop.time()
        deadline = loop.time() + 600

        def streaming() -> bool:
            # A reply is still coming while a placeholder shows or a message ends in the cursor.
            return any(m.loading or m.content.endswith("▌") for m in handle.messages)

        while loop.time() < deadline and (loop.time() - last_change < quiet_for or streaming()):
            for message in handle.messages:
                text = self._render(message)
                before = printed.get(message.id)
                if text == before:
                    continue
                last_change = loop.time()
                if before is not None and text.startswith(before):
                    self._out(text[len(before) :].rstrip(" ▌"))
                else:
                    self._out("\n" + text.rstrip(" ▌"))
                printed[message.id] = text.rstrip(" ▌")
            if handle.modal is not None:
                self._write(f"(Muse opened a form: {handle.modal.get('title', '')})")
                break
            await asyncio.sleep(0.1)
        self._write("")
        self._buttons = [
            (message, str(c["custom_id"]), str(c.get("label") or c["custom_id"]))
            for message in handle.messages
            for c in iter_components(message.components)
            if c.get("type") == 2 and "custom_id" in c
        ]
        if self._buttons:
            labels = "  ".join(f"[{i}] {label}" for i, (_, _, label) in enumerate(self._buttons, 1))
            self._write(f"Buttons: {labels}")

    @staticmethod
    def _render(message: StoredMessage) -> str:
        if message.loading:
            return "(Muse is thinking…)"
        parts = [message.content] if message.content else []
        for embed in message.embeds:
            if embed.get("title"):
                parts.append(f"== {embed['title']} ==")
            if embed.get("description"):
                parts.append(str(embed["description"]))
            for item in embed.get("fields", []):
                parts.append(f"{item['name']}: {item['value']}")
        for attachment in message.attachments:
            parts.append(f"[attachment: {attachment.filename}]")
        prefix = "(only you can see this) " if message.ephemeral else ""
        return prefix + "\n".join(parts)
