"""An interactive terminal for trying Muse in the local sandbox.

Type a slash command as in Discord (``/write form:poem topic:rain``); the reply prints as it
streams, with every edit and follow-up until Muse has finished the interaction. Buttons under a
reply are numbered (``press 1``), forms are filled in field by field, files are saved to a folder.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.sandbox import InteractionHandle, Sandbox, SandboxError, StoredMember, StoredMessage
from bot.sandbox.constants import JSON
from bot.sandbox.stored import StoredChannel, iter_components

from .completion import candidates
from .console import LineReader, install_completion
from .options import (
    CommandSpec,
    Directory,
    TerminalInputError,
    convert_options,
    describe_command,
    find_command,
    list_commands,
)
from .render import AttachmentSaver, render_message

__all__ = ["SandboxTerminal", "parse_command"]

HELP = """\
Commands:
  /write form:poem topic:rain tone:wistful    run a slash command (options as name:value)
  press N                                     press button N of the last reply
  as NAME                                     act as another member (admin, alice, bob, carol)
  in CHANNEL                                  use commands in another channel or thread
  commands                                    list every slash command, sub-commands included
  help /potd setup                            a command's options, their types, limits and choices
  help                                        this text
  quit                                        stop Muse (Ctrl-C works too)
Channels, members and roles go by name: channel:general or channel:#general, member:@alice.
Tab completes commands, options and choices."""

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
    """The read-run-show loop. ``busy()`` (given by the runner) says whether the bot is still
    handling an interaction, so slow replies are followed to their end, not to a quiet spell."""

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        read_line: Callable[[str], str] | None = None,
        write: Callable[[str], None] | None = None,
        busy: Callable[[], bool] | None = None,
        files_dir: Path | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.member: StoredMember = sandbox.admin
        self.channel: StoredChannel = sandbox.channel
        self._reader = LineReader(read_line)
        self._out = write or _stdout
        self._write = lambda text: self._out(text + "\n")
        self._busy = busy or (lambda: False)
        self._saver = AttachmentSaver(files_dir or Path("muse-sandbox-files"))
        self._buttons: list[tuple[StoredMessage, str, str]] = []
        self._seen: set[int] = set(sandbox.state.messages)
        self._stop = asyncio.Event()

    # -- the loop ------------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        self._stop = stop
        install_completion(self.completions)
        self._write(HELP)
        while not stop.is_set():
            self._show_news()
            news = asyncio.create_task(self._news_while_waiting(), name="terminal-news")
            try:
                line = await self._reader.read(self._prompt(), stop)
            finally:
                news.cancel()
            if line is None:  # end of input, or Ctrl-C
                break
            try:
                if not await self.handle(line.strip()):
                    break
            except (SandboxError, TerminalInputError) as exc:
                self._write(f"! {exc}")

    def _prompt(self) -> str:
        where = "" if self.channel.id == self.sandbox.channel.id else f" in #{self.channel.name}"
        return f"[{self.member.user.username}{where}] > "

    async def handle(self, line: str) -> bool:
        """Handle one line; False means quit."""
        if not line:
            return True
        word = line.split()[0].lower()
        rest = line.split(maxsplit=1)[1] if len(line.split()) > 1 else ""
        if word in ("quit", "exit"):
            return False
        if word == "help":
            self._write(describe_command(self._find(rest)) if rest else HELP)
        elif word == "commands":
            self._write(list_commands(self.sandbox.commands()))
        elif word == "as":
            self._switch(rest)
        elif word == "in":
            self._move(rest)
        elif word == "press":
            await self._press(line)
        elif line.startswith("/"):
            name, given = parse_command(line)
            spec = self._find(name)
            values = convert_options(spec, given, self._directory())
            handle = await self.sandbox.slash(
                spec.name, values, user=self.member, channel=self.channel
            )
            await self.show(handle)
        else:
            self._write("Unknown input. Type 'help'.")
        return True

    def _find(self, name: str) -> CommandSpec:
        return find_command(self.sandbox.commands(), name)

    def _directory(self) -> Directory:
        return Directory.of(self.sandbox.state, self.sandbox.guild)

    def _switch(self, name: str) -> None:
        members = {m.user.username: m for m in [self.sandbox.admin, *self.sandbox.members]}
        wanted = name.strip().lstrip("@")
        if wanted not in members:
            self._write(f"Members: {', '.join(members)}")
            return
        self.member = members[wanted]
        self._write(f"You are now {wanted}.")

    def _move(self, name: str) -> None:
        channels = self._directory().channels
        wanted = name.strip().lstrip("#")
        if wanted not in channels:
            self._write(f"Channels and threads: {', '.join('#' + c for c in channels)}")
            return
        self.channel = channels[wanted]
        self._write(f"Commands now run in #{wanted}.")

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

    # -- showing replies -------------------------------------------------------------------------

    async def show(self, handle: InteractionHandle, *, quiet_for: float = 0.5) -> None:
        """Print the reply and every edit and follow-up, and what Muse posts meanwhile, until
        the bot has finished handling the interaction."""
        printed: dict[int, str] = {}
        shown: list[StoredMessage] = []
        loop = asyncio.get_running_loop()
        started = last_change = loop.time()

        def streaming() -> bool:
            return any(m.loading or m.content.endswith("▌") for m in shown)

        while not self._stop.is_set():
            for message in self._watched(handle, shown):
                text = render_message(message, self.sandbox.state, self._saver).rstrip(" ▌")
                before = printed.get(message.id)
                if text == before:
                    continue
                last_change = loop.time()
                if before is not None and text.startswith(before) and before:
                    self._out(text[len(before) :])
                else:
                    self._out("\n" + self._label(message, handle) + text)
                printed[message.id] = text
            if handle.modal is not None:
                self._out("\n")
                await self._fill_modal(handle)
                return
            now = loop.time()
            answered = handle.stored.acknowledged or now - started > 5
            if answered and not self._busy() and not streaming() and now - last_change >= quiet_for:
                break
            if now - started > 900:
                self._write("\n(stopped watching after 15 minutes)")
                break
            await asyncio.sleep(0.1)
        if not handle.stored.acknowledged:
            self._write("\n! Muse did not answer within Discord's 3 seconds.")
        self._write("")
        self._seen.update(m.id for m in shown)
        self._offer_buttons(shown)

    def _watched(
        self, handle: InteractionHandle, shown: list[StoredMessage]
    ) -> list[StoredMessage]:
        """This interaction's messages, then any message posted since (a post, a thread)."""
        known = {m.id for m in shown}
        for message in handle.messages:
            if message.id not in known:
                shown.append(message)
                known.add(message.id)
        for message_id, message in list(self.sandbox.state.messages.items()):
            if message_id not in self._seen and message_id not in known and not message.deleted:
                if message.author.id == self.sandbox.bot_user.id:
                    shown.append(message)
                    known.add(message_id)
                self._seen.add(
                    message_id
                ) if message.author.id != self.sandbox.bot_user.id else None
        return [m for m in shown if not m.deleted]

    def _label(self, message: StoredMessage, handle: InteractionHandle | None) -> str:
        if handle is not None and (
            message.id == handle.stored.original_message_id
            or message.id in handle.stored.followup_ids
        ):
            return ""
        channel = self.sandbox.state.channels.get(message.channel_id)
        return f"[Muse in #{channel.name if channel else '?'}] "

    def _show_news(self) -> None:
        """Messages Muse posted while nobody was watching (a daily prompt, a turn reminder)."""
        news = [
            m
            for i, m in list(self.sandbox.state.messages.items())
            if i not in self._seen and not m.deleted and m.author.id == self.sandbox.bot_user.id
        ]
        self._seen.update(self.sandbox.state.messages)
        for message in news:
            text = render_message(message, self.sandbox.state, self._saver)
            self._write(self._label(message, None) + text)
        if news:
            self._offer_buttons(news)

    async def _news_while_waiting(self) -> None:
        """While the prompt waits, print what Muse posts (a story's next turn, a daily prompt)
        above it, then draw the prompt and what was typed so far again."""
        while True:
            await asyncio.sleep(0.5)
            if not any(
                i not in self._seen and m.author.id == self.sandbox.bot_user.id
                for i, m in list(self.sandbox.state.messages.items())
            ):
                continue
            self._out("\r\x1b[K" if sys.stdout.isatty() else "\n")
            self._show_news()
            self._out(self._prompt() + typed_so_far())

    def _offer_buttons(self, messages: Sequence[StoredMessage]) -> None:
        self._buttons = [
            (message, str(c["custom_id"]), str(c.get("label") or c["custom_id"]))
            for message in messages
            if not message.deleted
            for c in iter_components(message.components)
            if c.get("type") == 2 and "custom_id" in c and not c.get("disabled")
        ]
        if self._buttons:
            labels = "  ".join(f"[{i}] {label}" for i, (_, _, label) in enumerate(self._buttons, 1))
            self._write(f"Buttons: {labels}")

    # -- forms -----------------------------------------------------------------------------------

    async def _fill_modal(self, handle: InteractionHandle) -> None:
        modal = handle.modal or {}
        fields = list(_text_inputs(modal))
        self._write(
            f"Muse opened a form: {modal.get('title', '')}. Fill it in field by field; "
            "a line with a single '.' ends a long answer, 'cancel' drops the form."
        )
        values: dict[str, str] = {}
        for custom_id, label, component in fields:
            required = component.get("required", True)
            limit = component.get("max_length", 4000)
            hint = f"{'required' if required else 'optional'}, up to {limit} characters"
            if component.get("value"):
                hint += f", Enter keeps: {str(component['value'])[:40]}"
            self._write(f"{label} ({hint})")
            answer = await self._read_field(multiline=component.get("style") == 2)
            if answer is None:
                self._write("(form dropped)")
                return
            values[custom_id] = answer or str(component.get("value") or "")
        submitted = await self.sandbox.submit_modal(handle, values, user=self.member)
        await self.show(submitted)

    async def _read_field(self, *, multiline: bool) -> str | None:
        lines: list[str] = []
        while True:
            line = await self._reader.read("  | " if multiline else "  > ", self._stop)
            if line is None or (line.strip() == "cancel" and not lines):
                return None
            if not multiline:
                return line.strip()
            if line.strip() == ".":
                return "\n".join(lines).strip()
            lines.append(line)

    # -- tab completion --------------------------------------------------------------------------

    def completions(self, line: str, word: str) -> list[str]:
        """What Tab may complete ``word`` (the end of ``line``) to."""
        return candidates(line, word, self.sandbox.commands(), self._directory())


def typed_so_far() -> str:
    """What the person has typed at the prompt (readline's buffer), to draw it again."""
    try:
        import readline
    except ImportError:
        return ""
    return readline.get_line_buffer() if sys.stdin.isatty() else ""


def _text_inputs(modal: JSON) -> list[tuple[str, str, JSON]]:
    """(custom_id, label, component) of every text input, in the order Discord shows them."""
    found: list[tuple[str, str, JSON]] = []
    for row in modal.get("components", []):
        if row.get("type") == 18 and isinstance(row.get("component"), dict):
            inner = row["component"]
            if inner.get("type") == 4:
                found.append((inner["custom_id"], str(row.get("label", inner["custom_id"])), inner))
            continue
        for component in row.get("components", [row]):
            if component.get("type") == 4:
                label = str(component.get("label") or component["custom_id"])
                found.append((component["custom_id"], label, component))
    return found
