"""How the terminal shows a message: as Discord's client would draw it, in plain text.

Timestamps (``<t:1796599135:f>``) become local dates, mentions become names, embeds become
headed blocks, and attachments are written to a folder so they can be opened.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from bot.sandbox.state import SandboxState
from bot.sandbox.stored import StoredAttachment, StoredMessage

__all__ = ["AttachmentSaver", "render_markup", "render_message", "render_timestamp"]

_TIMESTAMP = re.compile(r"<t:(-?\d{1,13})(?::([tTdDfFR]))?>")
_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")
_CHANNEL = re.compile(r"<#(\d+)>")


_UNITS = ((31536000, "year"), (2592000, "month"), (86400, "day"), (3600, "hour"), (60, "minute"))


def _relative(seconds: float) -> str:
    amount = abs(seconds)
    size, unit = next(((s, u) for s, u in _UNITS if amount >= s), (1, "second"))
    count = int(amount // size)
    text = f"{count} {unit}{'s' if count != 1 else ''}"
    return f"in {text}" if seconds > 0 else f"{text} ago"


def render_timestamp(epoch: int, style: str | None, now: datetime | None = None) -> str:
    """Discord's timestamp styles in the local time zone (``f`` when no style is given)."""
    moment = datetime.fromtimestamp(epoch).astimezone()
    hour = moment.strftime("%I:%M %p").lstrip("0")
    date_long = f"{moment.strftime('%B')} {moment.day}, {moment.year}"
    match style or "f":
        case "t":
            return hour
        case "T":
            return moment.strftime("%I:%M:%S %p").lstrip("0")
        case "d":
            return moment.strftime("%m/%d/%Y")
        case "D":
            return date_long
        case "F":
            return f"{moment.strftime('%A')}, {date_long} {hour}"
        case "R":
            current = now or datetime.now().astimezone()
            return _relative((moment - current).total_seconds())
        case _:
            return f"{date_long} {hour}"


def render_markup(text: str, state: SandboxState) -> str:
    """Timestamps and mentions as the client shows them."""

    def user(match: re.Match[str]) -> str:
        found = state.users.get(int(match.group(1)))
        return f"@{found.username}" if found else "@unknown-user"

    def role(match: re.Match[str]) -> str:
        for guild in state.guilds.values():
            if (found := guild.roles.get(int(match.group(1)))) is not None:
                return f"@{found.name}"
        return "@unknown-role"

    def channel(match: re.Match[str]) -> str:
        found = state.channels.get(int(match.group(1)))
        return f"#{found.name}" if found else "#unknown-channel"

    text = _TIMESTAMP.sub(lambda m: render_timestamp(int(m.group(1)), m.group(2)), text)
    text = _ROLE.sub(role, text)
    text = _USER.sub(user, text)
    return _CHANNEL.sub(channel, text)


class AttachmentSaver:
    """Writes each attachment once into ``folder`` and remembers where."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._saved: dict[int, Path] = {}

    def save(self, attachment: StoredAttachment) -> Path:
        if attachment.id in self._saved:
            return self._saved[attachment.id]
        self.folder.mkdir(parents=True, exist_ok=True)
        name = Path(attachment.filename).name or "attachment"
        path = self.folder / name
        stem, suffix, number = path.stem, path.suffix, 2
        while path.exists():
            path = self.folder / f"{stem}-{number}{suffix}"
            number += 1
        path.write_bytes(attachment.data)
        self._saved[attachment.id] = path
        return path


def render_message(message: StoredMessage, state: SandboxState, saver: AttachmentSaver) -> str:
    """A message as text: content, embeds (title, description, fields, footer), saved files."""
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
        if isinstance(embed.get("footer"), dict) and embed["footer"].get("text"):
            parts.append(f"({embed['footer']['text']})")
    for attachment in message.attachments:
        if message.content.endswith("▌"):
            continue
        path = saver.save(attachment)
        parts.append(f"[file {attachment.filename} saved to {path}]")
    prefix = "(only you can see this) " if message.ephemeral else ""
    return prefix + render_markup("\n".join(parts), state)
